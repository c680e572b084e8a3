package io.embedgate.fakes;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;

/**
 * A fake of Vertex AI's text embedding {@code :predict}
 * ({@code POST /v1/projects/{p}/locations/{l}/publishers/google/models/{model}:predict}): bearer tokens
 * checked against those {@link FakeGoogleToken} issued (or one static token), the 250-instance limit,
 * gemini-embedding-001's one instance per request, the title rule, {@code statistics.token_count}, and
 * Google's {@code {"error":{code,message,status,details}}} envelope. Base URL: {@link #baseUrl()}.
 *
 * <p>Models: gemini-embedding-001 (3072, 128..3072), text-embedding-005 and
 * text-multilingual-embedding-002 (768, 1..768). Vectors depend on model, task type and title;
 * shortened ones are cut prefixes, not renormalised (a switch for the text-embedding models, whose
 * behaviour is unverified).
 */
public final class FakeVertex extends FakeUpstream {

    public static final String STATIC_TOKEN = "ya29.FakeVertexStaticAccessToken0123456789";
    public static final int MAX_INSTANCES = 250;
    public static final int MAX_TOKENS_PER_TEXT = 2048;
    /** Full size and smallest size of each model. */
    public static final Map<String, int[]> MODELS = Map.of("gemini-embedding-001", new int[]{3072, 128}, "text-embedding-005",
            new int[]{768, 1}, "text-multilingual-embedding-002", new int[]{768, 1});
    public static final Set<String> TASK_TYPES = Set.of("RETRIEVAL_QUERY", "RETRIEVAL_DOCUMENT", "SEMANTIC_SIMILARITY", "CLASSIFICATION",
            "CLUSTERING", "QUESTION_ANSWERING", "FACT_VERIFICATION", "CODE_RETRIEVAL_QUERY");
    public static final String TITLE_REFUSED = "Unable to submit request because the model does not support the title parameter unless "
            + "the task_type is RETRIEVAL_DOCUMENT.";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PATH = Pattern
            .compile("/v1/projects/([^/]+)/locations/([^/]+)/publishers/google/models/([^/:]+):predict");
    private static final String INVALID = "Request contains an invalid argument.";

    private final FakeGoogleToken tokens;
    private volatile String staticToken;
    private volatile boolean normalizeReducedTextEmbeddings;

    private record Item(String content, String taskType, String title) {
    }

    private static final class Reject extends RuntimeException {

        final transient Answer answer;

        Reject(int code, String status, String message, String... details) {
            super(message, null, false, false);
            this.answer = Answer.json(code, FakeGemini.errorBody(code, status, message, details), Map.of());
        }
    }

    private FakeVertex(Options options, FakeGoogleToken tokens, String staticToken) {
        super(options, staticToken);
        this.tokens = tokens;
        this.staticToken = staticToken;
    }

    /**
     * @param tokens      whose issued tokens are accepted; may be null
     * @param staticToken a token accepted as well (an access token configured as is); may be null
     */
    public static FakeVertex start(FakeGoogleToken tokens, String staticToken) {
        return start(Options.defaults(), tokens, staticToken);
    }

    public static FakeVertex start(Options options, FakeGoogleToken tokens, String staticToken) {
        FakeVertex fake = new FakeVertex(options, tokens, staticToken);
        fake.listen();
        return fake;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    /**
     * Whether shortened text-embedding-005/-multilingual-002 vectors come back renormalised (unverified;
     * default false: cut prefixes, like gemini-embedding-001's).
     */
    public FakeVertex normalizeReducedTextEmbeddings(boolean normalize) {
        this.normalizeReducedTextEmbeddings = normalize;
        return this;
    }

    /** Stops accepting the static token (as when it expires). */
    public FakeVertex staticToken(String token) {
        this.staticToken = token;
        return this;
    }

    /** The values this fake returns for one text. */
    public static float[] expectedVector(String model, String taskType, String title, String text, Integer dims, boolean normalizeReduced) {
        int full = MODELS.get(model)[0];
        float[] v = FakeVectors.unit(model + "|" + (taskType == null ? "" : taskType) + "|" + (title == null ? "" : title), text, full);
        if (dims == null || dims == full) {
            return v;
        }
        return normalizeReduced ? FakeVectors.shortened(v, dims) : Arrays.copyOf(v, dims);
    }

    /** {@link #expectedVector(String, String, String, String, Integer, boolean)} with the defaults (prefixes). */
    public static float[] expectedVector(String model, String taskType, String title, String text, Integer dims) {
        return expectedVector(model, taskType, title, text, dims, false);
    }

    // ---- canned faults, as Vertex sends them ----

    /** A quota 429 whose RetryInfo carries {@code retryDelay} (e.g. {@code "20s"}). */
    public static Fault rateLimited(String retryDelay) {
        return Fault.respond(429, FakeGemini.errorBody(429, "RESOURCE_EXHAUSTED",
                "Quota exceeded for aiplatform.googleapis.com/online_prediction_requests_per_base_model with base model: "
                        + "textembedding-gecko. Please submit a quota increase request. https://cloud.google.com/vertex-ai/docs/generative-ai/quotas-genai.",
                "{\"@type\":\"type.googleapis.com/google.rpc.RetryInfo\",\"retryDelay\":" + quote(retryDelay) + "}"));
    }

    public static Fault unavailable() {
        return Fault.respond(503, FakeGemini.errorBody(503, "UNAVAILABLE", "The service is currently unavailable."));
    }

    public static Fault internal() {
        return Fault.respond(500, FakeGemini.errorBody(500, "INTERNAL", "Internal error encountered."));
    }

    public static Fault permissionDenied(String project) {
        return Fault.respond(403, FakeGemini.errorBody(403, "PERMISSION_DENIED", "Permission 'aiplatform.endpoints.predict' denied on "
                + "resource '//aiplatform.googleapis.com/projects/" + project + "/locations/us-central1/publishers/google/models/"
                + "text-embedding-005' (or it may not exist).",
                "{\"@type\":\"type.googleapis.com/google.rpc.ErrorInfo\",\"reason\":\"IAM_PERMISSION_DENIED\",\"domain\":\"aiplatform.googleapis.com\"}"));
    }

    // ---- the API ----

    @Override
    protected Answer answer(HttpServerRequest request, Buffer body) {
        return respond(request, body, false);
    }

    @Override
    protected Answer answerMissingVector(HttpServerRequest request, Buffer body) {
        return respond(request, body, true);
    }

    private Answer respond(HttpServerRequest request, Buffer body, boolean dropLast) {
        try {
            String path = request.path().replace("%3A", ":").replace("%3a", ":");
            Matcher m = PATH.matcher(path);
            if (request.method() != HttpMethod.POST || !m.matches()) {
                throw new Reject(404, "NOT_FOUND", "Method not found.");
            }
            authorize(request.getHeader("authorization"));
            String model = m.group(3);
            int[] sizes = MODELS.get(model);
            if (sizes == null) {
                throw new Reject(404, "NOT_FOUND", "Publisher Model `projects/" + m.group(1) + "/locations/" + m.group(2)
                        + "/publishers/google/models/" + model + "` not found.");
            }
            JsonNode req = jsonObject(body);
            if (req == null || !req.path("instances").isArray() || req.path("instances").isEmpty()) {
                throw new Reject(400, "INVALID_ARGUMENT", INVALID);
            }
            JsonNode instances = req.get("instances");
            int limit = model.startsWith("gemini-") ? 1 : MAX_INSTANCES;
            if (instances.size() > limit) {
                // Observed wording (gemini: "batchSize must be 1"); the 250 wording's middle part is unverified.
                throw new Reject(400, "INVALID_ARGUMENT", "Unable to submit request because it included too many instances. Reduce the "
                        + "number of instances and try again. Learn more: https://cloud.google.com/vertex-ai/generative-ai/docs/"
                        + "model-reference/text-embeddings: " + (limit == 1
                                ? "Unable to submit request because batchSize must be 1 but the entered value was " + instances.size()
                                        + ". Update the batchSize value and try again."
                                : "Unable to submit request because it has a batchSize value of " + instances.size()
                                        + " but the supported range is from 1 (inclusive) to " + (limit + 1)
                                        + " (exclusive). Update the value and try again."));
            }
            JsonNode params = req.path("parameters");
            boolean autoTruncate = !params.has("autoTruncate") || params.get("autoTruncate").asBoolean(true);
            Integer dims = null;
            if (params.has("outputDimensionality") && !params.get("outputDimensionality").isNull()) {
                int d = params.get("outputDimensionality").asInt(-1);
                if (d < sizes[1] || d > sizes[0]) {
                    throw new Reject(400, "INVALID_ARGUMENT", "Unable to submit request because the outputDimensionality " + d
                            + " is out of the supported range [" + sizes[1] + ", " + sizes[0] + "].");
                }
                dims = d;
            }
            List<Item> items = new ArrayList<>();
            for (JsonNode i : instances) {
                items.add(item(i, autoTruncate));
            }
            return ok(model, items, dims, dropLast);
        } catch (Reject r) {
            return r.answer;
        }
    }

    private void authorize(String header) {
        String token = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : null;
        boolean ok = token != null && (token.equals(staticToken) || tokens != null && tokens.valid(token));
        if (!ok) {
            throw new Reject(401, "UNAUTHENTICATED", "Request had invalid authentication credentials. Expected OAuth 2 access token, "
                    + "login cookie or other valid authentication credential. See "
                    + "https://developers.google.com/identity/sign-in/web/devconsole-project.",
                    "{\"@type\":\"type.googleapis.com/google.rpc.ErrorInfo\",\"reason\":\"ACCESS_TOKEN_TYPE_UNSUPPORTED\","
                            + "\"metadata\":{\"service\":\"aiplatform.googleapis.com\",\"method\":"
                            + "\"google.cloud.aiplatform.v1.PredictionService.Predict\"}}");
        }
    }

    private static Item item(JsonNode n, boolean autoTruncate) {
        if (!n.isObject() || !n.path("content").isTextual() || n.get("content").asText().isEmpty()) {
            throw new Reject(400, "INVALID_ARGUMENT", INVALID);
        }
        String content = n.get("content").asText();
        String taskType = n.path("task_type").isTextual() ? n.get("task_type").asText() : null;
        if (taskType != null && !TASK_TYPES.contains(taskType)) {
            throw new Reject(400, "INVALID_ARGUMENT", INVALID);
        }
        String title = n.path("title").isTextual() && !n.get("title").asText().isEmpty() ? n.get("title").asText() : null;
        if (title != null && !"RETRIEVAL_DOCUMENT".equals(taskType)) {
            throw new Reject(400, "INVALID_ARGUMENT", TITLE_REFUSED);
        }
        if (!autoTruncate && FakeVectors.tokens(content) > MAX_TOKENS_PER_TEXT) {
            // [U] wording
            throw new Reject(400, "INVALID_ARGUMENT", "Unable to submit request because the input token count is "
                    + FakeVectors.tokens(content) + " but the model supports up to " + MAX_TOKENS_PER_TEXT
                    + ". Reduce the input token count and try again. You can also set autoTruncate to true.");
        }
        return new Item(content, taskType, title);
    }

    private Answer ok(String model, List<Item> items, Integer dims, boolean dropLast) {
        boolean normalize = normalizeReducedTextEmbeddings && !model.startsWith("gemini-");
        int count = dropLast ? items.size() - 1 : items.size();
        long characters = 0;
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 + count * 20_000);
        try (JsonGenerator g = JSON.getFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeArrayFieldStart("predictions");
            for (int i = 0; i < count; i++) {
                Item it = items.get(i);
                int tokens = FakeVectors.tokens(it.content());
                characters += it.content().codePointCount(0, it.content().length());
                g.writeStartObject();
                g.writeObjectFieldStart("embeddings");
                g.writeObjectFieldStart("statistics");
                g.writeBooleanField("truncated", tokens > MAX_TOKENS_PER_TEXT);
                g.writeNumberField("token_count", Math.min(tokens, MAX_TOKENS_PER_TEXT));
                g.writeEndObject();
                g.writeArrayFieldStart("values");
                for (float f : expectedVector(model, it.taskType(), it.title(), it.content(), dims, normalize)) {
                    g.writeNumber(f);
                }
                g.writeEndArray();
                g.writeEndObject();
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeObjectFieldStart("metadata");
            g.writeNumberField("billableCharacterCount", characters);
            g.writeEndObject();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Answer(200, Buffer.buffer(out.toByteArray()), Map.of());
    }
}
