package io.embedgate.fakes;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;

/**
 * A fake of the Gemini API (Generative Language v1beta) embedding methods following
 * https://ai.google.dev/api/embeddings: {@code POST /v1beta/models/{model}:batchEmbedContents} (what the
 * official SDK always uses) and {@code :embedContent}, key auth by {@code x-goog-api-key} or
 * {@code ?key=}, camelCase and snake_case fields, the 100-request batch limit, no usage, and Google's
 * {@code {"error":{code,message,status,details}}} envelope. Base URL: {@link #baseUrl()} (no path).
 *
 * <p>The only live model is {@code gemini-embedding-001} (3072 dims, {@code outputDimensionality}
 * 128–3072); {@code text-embedding-004} and the rest answer 404 as the retired models do. Vectors
 * depend on model, task type and title; shortened ones are unnormalised prefixes, as the real ones.
 *
 * <p>Like proto3 JSON: unknown field names are rejected, {@code null}, {@code 0} and {@code ""} mean
 * "unset", enums may be given by name or number and integers as strings. The nested
 * {@code embedContentConfig} form (unverified on this API) is therefore rejected as an unknown field.
 */
public final class FakeGemini extends FakeUpstream {

    public static final String DEFAULT_KEY = "AIzaFakeGeminiKey0123456789abcdefghij";
    public static final String MODEL = "gemini-embedding-001";
    public static final int FULL_DIMS = 3072;
    public static final int MIN_DIMS = 128;
    public static final int MAX_BATCH = 100;

    private static final JsonFactory FACTORY = new ObjectMapper().getFactory();
    private static final String PREFIX = "/v1beta/models/";
    private static final String INVALID = "Request contains an invalid argument.";
    /** Proto enum order: the index is the wire number. */
    private static final List<String> TASK_TYPES = List.of("TASK_TYPE_UNSPECIFIED", "RETRIEVAL_QUERY", "RETRIEVAL_DOCUMENT",
            "SEMANTIC_SIMILARITY", "CLASSIFICATION", "CLUSTERING", "QUESTION_ANSWERING", "FACT_VERIFICATION", "CODE_RETRIEVAL_QUERY");
    private static final Set<String> FIELDS = Set.of("model", "content", "taskType", "task_type", "title",
            "outputDimensionality", "output_dimensionality");

    /** One parsed EmbedContentRequest; empty strings and null mean "not given". */
    private record Item(String taskType, String title, String text, Integer dims) {
    }

    /** Ends request handling early with an error answer. */
    private static final class Reject extends RuntimeException {

        final transient Answer answer;

        Reject(int code, String status, String message, String... details) {
            super(message, null, false, false);
            this.answer = Answer.json(code, errorBody(code, status, message, details), Map.of());
        }
    }

    private volatile boolean rejectTitle = true;

    private FakeGemini(Options options, String apiKey) {
        super(options, apiKey);
    }

    public static FakeGemini start() {
        return start(Options.defaults(), DEFAULT_KEY);
    }

    public static FakeGemini start(Options options, String apiKey) {
        FakeGemini fake = new FakeGemini(options, apiKey);
        fake.listen();
        return fake;
    }

    /** {@code http://127.0.0.1:PORT}, without a path: clients append {@code /v1beta/models/...}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    /**
     * Whether a {@code title} without task type {@code RETRIEVAL_DOCUMENT} gets Vertex's 400 (default)
     * or is accepted. The reference leaves the Gemini API's behaviour unverified.
     */
    public FakeGemini rejectTitleWithoutRetrievalDocument(boolean reject) {
        this.rejectTitle = reject;
        return this;
    }

    /**
     * The values this fake returns: the unit vector of {@code model|taskType|title} and the text, cut
     * to the first {@code dims} values and NOT renormalised (only full-size vectors have norm 1).
     * Null, empty or {@code TASK_TYPE_UNSPECIFIED} task type and null or empty title mean "not given".
     */
    public static float[] expectedVector(String model, String taskType, String title, String text, Integer dims) {
        String m = model.startsWith("models/") ? model.substring(7) : model;
        String t = taskType == null || taskType.equals(TASK_TYPES.get(0)) ? "" : taskType;
        float[] full = FakeVectors.unit(m + "|" + t + "|" + (title == null ? "" : title), text, FULL_DIMS);
        return dims == null || dims == FULL_DIMS ? full : Arrays.copyOf(full, dims);
    }

    // ---- canned error bodies, as the real API sends them ----

    /** Google's error envelope; {@code details} are raw JSON objects, left out when there are none. */
    public static String errorBody(int code, String status, String message, String... details) {
        return "{\"error\":{\"code\":" + code + ",\"message\":" + quote(message) + ",\"status\":" + quote(status)
                + (details.length == 0 ? "" : ",\"details\":[" + String.join(",", details) + "]") + "}}";
    }

    /** A quota 429 whose RetryInfo carries {@code retryDelay} (e.g. {@code "47s"}); no Retry-After header. */
    public static Fault rateLimited(String retryDelay) {
        String metric = "generativelanguage.googleapis.com/embed_content_free_tier_requests";
        return Fault.respond(429, errorBody(429, "RESOURCE_EXHAUSTED",
                "You exceeded your current quota, please check your plan and billing details. For more information on this error, "
                        + "head to: https://ai.google.dev/gemini-api/docs/rate-limits. To monitor your current usage, head to: "
                        + "https://ai.dev/usage?tab=rate-limit. \n* Quota exceeded for metric: " + metric + ", limit: 100, model: "
                        + MODEL + "\nPlease retry in " + retryDelay + ".",
                "{\"@type\":\"type.googleapis.com/google.rpc.Help\",\"links\":[{\"description\":\"Learn more about Gemini API quotas\","
                        + "\"url\":\"https://ai.google.dev/gemini-api/docs/rate-limits\"}]}",
                "{\"@type\":\"type.googleapis.com/google.rpc.QuotaFailure\",\"violations\":[{\"quotaMetric\":" + quote(metric)
                        + ",\"quotaId\":\"EmbedContentRequestsPerMinutePerProjectPerModel-FreeTier\",\"quotaDimensions\":"
                        + "{\"location\":\"global\",\"model\":\"" + MODEL + "\"},\"quotaValue\":\"100\"}]}",
                "{\"@type\":\"type.googleapis.com/google.rpc.RetryInfo\",\"retryDelay\":" + quote(retryDelay) + "}"));
    }

    public static Fault serverError() {
        return Fault.respond(500, errorBody(500, "INTERNAL",
                "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting"));
    }

    public static Fault unavailable() {
        return Fault.respond(503, errorBody(503, "UNAVAILABLE", "The model is overloaded. Please try again later."));
    }

    /** A 403 as for a restricted key or a disabled API (retrying does not help). */
    public static Fault permissionDenied() {
        return Fault.respond(403, errorBody(403, "PERMISSION_DENIED", "The caller does not have permission"));
    }

    public static Fault badRequest(String message) {
        return Fault.respond(400, errorBody(400, "INVALID_ARGUMENT", message));
    }

    // ---- the API ----

    @Override
    protected Answer answer(HttpServerRequest request, Buffer body) {
        return respond(request, body, false);
    }

    /** Drops the last embedding; a single {@code :embedContent} answer becomes {@code {}}. */
    @Override
    protected Answer answerMissingVector(HttpServerRequest request, Buffer body) {
        return respond(request, body, true);
    }

    private Answer respond(HttpServerRequest request, Buffer body, boolean dropLast) {
        try {
            String path = request.path().replace("%3A", ":").replace("%3a", ":");
            int colon = path.lastIndexOf(':');
            String method = colon < 0 ? "" : path.substring(colon + 1);
            boolean batch = method.equals("batchEmbedContents");
            if (request.method() != HttpMethod.POST || !path.startsWith(PREFIX) || colon <= PREFIX.length()
                    || !(batch || method.equals("embedContent"))) {
                throw new Reject(404, "NOT_FOUND", "Method not found.");
            }
            String key = request.getHeader("x-goog-api-key");
            key = key == null || key.isEmpty() ? request.getParam("key") : key;
            if (key == null || key.isEmpty()) {
                throw new Reject(403, "PERMISSION_DENIED",
                        "Method doesn't allow unregistered callers (callers without established identity). "
                                + "Please use API Key or other form of API consumer identity to call this API.");
            }
            if (!key.equals(apiKey())) {
                throw new Reject(400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.",
                        "{\"@type\":\"type.googleapis.com/google.rpc.ErrorInfo\",\"reason\":\"API_KEY_INVALID\",\"domain\":\"googleapis.com\","
                                + "\"metadata\":{\"service\":\"generativelanguage.googleapis.com\"}}");
            }
            String model = path.substring(PREFIX.length(), colon);
            if (!model.equals(MODEL)) {
                throw new Reject(404, "NOT_FOUND", "models/" + model + " is not found for API version v1beta, or is not supported for "
                        + "embedContent. Call ListModels to see the list of available models and their supported methods.");
            }
            JsonNode req = parse(body);
            List<Item> items = new ArrayList<>();
            if (batch) {
                checkFields(req, "", Set.of("requests"));
                JsonNode list = req.get("requests");
                if (list != null && list.size() > MAX_BATCH) {
                    throw new Reject(400, "INVALID_ARGUMENT", "* BatchEmbedContentsRequest.requests: at most " + MAX_BATCH
                            + " requests can be in one batch");
                }
                if (list == null || !list.isArray() || list.isEmpty()) {
                    throw new Reject(400, "INVALID_ARGUMENT", INVALID);
                }
                for (int i = 0; i < list.size(); i++) {
                    items.add(item(list.get(i), "requests[" + i + "]", model, true));
                }
            } else {
                items.add(item(req, "", model, false));
            }
            return ok(items, batch, dropLast);
        } catch (Reject r) {
            return r.answer;
        }
    }

    private static JsonNode parse(Buffer body) {
        JsonNode req = jsonObject(body);
        if (req == null) {
            throw new Reject(400, "INVALID_ARGUMENT", "Invalid JSON payload received. Unexpected token.");
        }
        return req;
    }

    /** One EmbedContentRequest at {@code at} (e.g. {@code requests[3]}, or "" for the body itself). */
    private Item item(JsonNode n, String at, String model, boolean batch) {
        if (!n.isObject()) {
            throw new Reject(400, "INVALID_ARGUMENT", INVALID);
        }
        checkFields(n, at, FIELDS);
        JsonNode m = field(n, "model", "model");
        if (m == null ? batch : !m.asText().equals("models/" + model)) {
            throw new Reject(400, "INVALID_ARGUMENT", INVALID);
        }
        StringBuilder text = new StringBuilder();
        JsonNode parts = n.path("content").path("parts");
        for (JsonNode part : parts) {
            if (!part.path("text").isTextual()) {
                throw new Reject(400, "INVALID_ARGUMENT", INVALID);
            }
            text.append(part.get("text").asText());
        }
        if (text.length() == 0) {
            throw new Reject(400, "INVALID_ARGUMENT", INVALID);
        }
        String prefix = at.isEmpty() ? "" : at + ".";
        String taskType = "";
        JsonNode t = field(n, "taskType", "task_type");
        if (t != null) {
            int number = t.isIntegralNumber() ? t.asInt() : TASK_TYPES.indexOf(t.asText());
            if (!(t.isTextual() || t.isIntegralNumber()) || number < 0 || number >= TASK_TYPES.size()) {
                throw invalidValue(prefix + "task_type", "(type.googleapis.com/google.ai.generativelanguage.v1beta.TaskType), " + t);
            }
            taskType = number == 0 ? "" : TASK_TYPES.get(number);
        }
        JsonNode titleNode = field(n, "title", "title");
        String title = titleNode == null ? "" : titleNode.asText();
        if (rejectTitle && !title.isEmpty() && !taskType.equals("RETRIEVAL_DOCUMENT")) {
            throw new Reject(400, "INVALID_ARGUMENT", "Unable to submit request because the model does not support the title parameter "
                    + "unless the task_type is RETRIEVAL_DOCUMENT.");
        }
        Integer dims = null;
        JsonNode d = field(n, "outputDimensionality", "output_dimensionality");
        if (d != null) {
            int value;
            try {
                value = d.isIntegralNumber() && d.canConvertToInt() ? d.asInt() : Integer.parseInt(d.isTextual() ? d.asText() : "x");
            } catch (NumberFormatException e) {
                throw invalidValue(prefix + "output_dimensionality", "(TYPE_INT32), " + d);
            }
            if (value != 0 && (value < MIN_DIMS || value > FULL_DIMS)) {
                throw new Reject(400, "INVALID_ARGUMENT", INVALID);
            }
            dims = value == 0 ? null : value;
        }
        return new Item(taskType, title, text.toString(), dims);
    }

    /** The field under either spelling; JSON null counts as absent, as in proto3 JSON. */
    private static JsonNode field(JsonNode n, String camel, String snake) {
        JsonNode v = n.has(camel) ? n.get(camel) : n.get(snake);
        return v == null || v.isNull() ? null : v;
    }

    private static void checkFields(JsonNode n, String at, Set<String> known) {
        for (Iterator<String> it = n.fieldNames(); it.hasNext();) {
            String name = it.next();
            if (!known.contains(name)) {
                String msg = "Invalid JSON payload received. Unknown name " + quote(name) + (at.isEmpty() ? "" : " at '" + at + "'")
                        + ": Cannot find field.";
                throw new Reject(400, "INVALID_ARGUMENT", msg, badRequestDetail(at, msg));
            }
        }
    }

    private static Reject invalidValue(String field, String what) {
        String msg = "Invalid value at '" + field + "' " + what;
        return new Reject(400, "INVALID_ARGUMENT", msg, badRequestDetail(field, msg));
    }

    private static String badRequestDetail(String field, String description) {
        return "{\"@type\":\"type.googleapis.com/google.rpc.BadRequest\",\"fieldViolations\":[{" + (field.isEmpty() ? ""
                : "\"field\":"
                        + quote(field) + ",")
                + "\"description\":" + quote(description) + "}]}";
    }

    private static Answer ok(List<Item> items, boolean batch, boolean dropLast) {
        int count = dropLast ? items.size() - 1 : items.size();
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 + count * 40_000);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            if (batch) {
                g.writeArrayFieldStart("embeddings");
            }
            for (int i = 0; i < count; i++) {
                Item it = items.get(i);
                if (batch) {
                    g.writeStartObject();
                } else {
                    g.writeObjectFieldStart("embedding");
                }
                g.writeArrayFieldStart("values");
                for (float f : expectedVector(MODEL, it.taskType(), it.title(), it.text(), it.dims())) {
                    g.writeNumber(f);
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            if (batch) {
                g.writeEndArray();
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Answer(200, Buffer.buffer(out.toByteArray()), Map.of());
    }
}
