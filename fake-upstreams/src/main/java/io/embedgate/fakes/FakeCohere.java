package io.embedgate.fakes;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;

/**
 * A fake of Cohere's {@code POST https://api.cohere.com/v2/embed} (https://docs.cohere.com/reference/embed):
 * Bearer auth, {@code texts} (at most 96), the required {@code input_type}, {@code embedding_types}
 * (several at once, answered under {@code embeddings.<type>}), {@code output_dimension} (embed-v4.0
 * only: 256, 512, 1024, 1536), {@code truncate} and {@code max_tokens} against each model's context,
 * usage in {@code meta.billed_units.input_tokens}, and {@code {"message"}} errors. Base URL:
 * {@link #baseUrl()} (the host, as in Cohere's SDK).
 *
 * <p>Models: embed-v4.0 (1536 by default; the shorter sizes are the first values of the 1536 vector,
 * renormalised), embed-english-v3.0 and embed-multilingual-v3.0 (1024), the light v3 models (384).
 * A vector depends on the model, the input type and the text ({@link #expectedFloats}); quantised
 * types follow {@link FakeQuantization} with the calibration range {@link #INT8_RANGE}
 * ({@link #expectedInts}). {@code base64} is the base64 of the little-endian float32 values.
 *
 * <p>Unverified behaviour is switchable: the types answered when {@code embedding_types} is omitted
 * ({@link #defaultEmbeddingTypes}, float), the default {@code truncate} ({@link #defaultTruncate}, END),
 * whether an exact 0 packs to a 1 bit ({@link #zeroBitIsOne}, no). Rate-limit headers are not
 * documented and none are sent.
 */
public final class FakeCohere extends FakeUpstream {

    public static final String DEFAULT_KEY = "FakeCohereKey0123456789abcdefghij";
    public static final int MAX_TEXTS = 96;
    public static final double INT8_RANGE = 0.1;
    public static final List<Integer> V4_SIZES = List.of(256, 512, 1024, 1536);
    private static final List<String> INPUT_TYPES = List.of("search_document", "search_query", "classification", "clustering", "image");
    private static final List<String> TYPES = List.of("float", "int8", "uint8", "binary", "ubinary", "base64");

    private static final JsonFactory FACTORY = new ObjectMapper().getFactory();

    private volatile int maxTexts = MAX_TEXTS;
    private volatile List<String> defaultEmbeddingTypes = List.of("float");
    private volatile String defaultTruncate = "END";
    private volatile boolean zeroBitIsOne;

    /** A model's native size and context in tokens. */
    private record Model(int dims, int context, boolean v4) {
    }

    private static final Map<String, Model> MODELS = Map.of(
            "embed-v4.0", new Model(1536, 128_000, true),
            "embed-english-v3.0", new Model(1024, 512, false),
            "embed-multilingual-v3.0", new Model(1024, 512, false),
            "embed-english-light-v3.0", new Model(384, 512, false),
            "embed-multilingual-light-v3.0", new Model(384, 512, false));

    private FakeCohere(Options options, String apiKey) {
        super(options, apiKey);
    }

    public static FakeCohere start() {
        return start(Options.defaults(), DEFAULT_KEY);
    }

    public static FakeCohere start(Options options, String apiKey) {
        FakeCohere fake = new FakeCohere(options, apiKey);
        fake.listen();
        return fake;
    }

    /** The base URL clients configure: the host, e.g. {@code http://127.0.0.1:PORT}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    /** Texts allowed per request (documented: 96). */
    public FakeCohere maxTexts(int max) {
        this.maxTexts = max;
        return this;
    }

    /** [U] The types answered when a request has no {@code embedding_types} (probably float only). */
    public FakeCohere defaultEmbeddingTypes(List<String> types) {
        this.defaultEmbeddingTypes = List.copyOf(types);
        return this;
    }

    /** [U] The {@code truncate} used when a request has none (the docs say END). */
    public FakeCohere defaultTruncate(String truncate) {
        this.defaultTruncate = truncate;
        return this;
    }

    /** [U] Whether an exact 0.0 packs to a 1 bit (vLLM's {@code >= 0}) rather than a 0 bit (numpy's {@code > 0}). */
    public FakeCohere zeroBitIsOne(boolean v) {
        this.zeroBitIsOne = v;
        return this;
    }

    /** Back to the defaults of every switch. */
    public FakeCohere defaults() {
        return maxTexts(MAX_TEXTS).defaultEmbeddingTypes(List.of("float")).defaultTruncate("END").zeroBitIsOne(false);
    }

    /** The float vector for a text; {@code dims} null means the model's default. */
    public static float[] expectedFloats(String model, String inputType, String text, Integer dims) {
        Model m = MODELS.get(model);
        float[] full = FakeVectors.unit(model + "\n" + inputType, text, m.dims());
        return dims == null || dims == m.dims() ? full : FakeVectors.shortened(full, dims);
    }

    /** The values of a quantised type (int8, uint8, binary, ubinary) for a text, with the default packing rule. */
    public static int[] expectedInts(String model, String inputType, String text, Integer dims, String dtype) {
        return FakeQuantization.of(expectedFloats(model, inputType, text, dims), dtype, INT8_RANGE, false);
    }

    // ---- canned error bodies, as the real API sends them ----

    public static String errorBody(String message) {
        return "{\"id\":\"" + UUID.randomUUID() + "\",\"message\":" + quote(message) + "}";
    }

    public static Fault rateLimited() {
        return Fault.respond(429, errorBody("trial token rate limit exceeded, limit is 100000 tokens per minute"));
    }

    /** A 429 with a {@code retry-after} header: whether Cohere sends one is unverified. */
    public static Fault rateLimited(int retryAfterSeconds) {
        return Fault.respond(429, errorBody("trial token rate limit exceeded, limit is 100000 tokens per minute"),
                Map.of("retry-after", Integer.toString(retryAfterSeconds)));
    }

    /** The trial key's monthly allowance is spent. */
    public static Fault monthlyLimit() {
        return Fault.respond(429,
                errorBody("You are using a Trial key, which is limited to 1000 API calls / month. You can continue to use the"
                        + " Trial key for free or upgrade to a Production key with higher rate limits at 'https://dashboard.cohere.com/api-keys'."));
    }

    public static Fault invalidToken() {
        return Fault.respond(498, errorBody("invalid api token"));
    }

    public static Fault clientClosed() {
        return Fault.respond(499, errorBody("request cancelled by the client"));
    }

    public static Fault forbidden() {
        return Fault.respond(403, errorBody("You do not have access to this model"));
    }

    public static Fault unprocessable() {
        return Fault.respond(422, errorBody("invalid request: texts must not contain empty strings"));
    }

    public static Fault serverError() {
        return Fault.respond(500, errorBody("internal server error, this has been reported to our developers"));
    }

    public static Fault notImplemented() {
        return Fault.respond(501, errorBody("embedding_types base64 is not implemented for this model"));
    }

    public static Fault unavailable() {
        return Fault.respond(503, errorBody("service unavailable"));
    }

    public static Fault gatewayTimeout() {
        return Fault.respond(504, errorBody("gateway timeout"));
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

    private static Answer error(int status, String message) {
        return Answer.json(status, errorBody(message), Map.of());
    }

    private Answer respond(HttpServerRequest request, Buffer body, boolean dropLast) {
        if (request.method() != HttpMethod.POST || !"/v2/embed".equals(request.path())) {
            return error(404, "404 page not found");
        }
        String auth = request.getHeader("authorization");
        if (auth == null || auth.isBlank()) {
            return error(401, "no api key supplied");
        }
        if (!auth.equals("Bearer " + apiKey())) {
            return error(401, "invalid api token");
        }
        JsonNode req = jsonObject(body);
        if (req == null) {
            return error(400, "invalid request: the body must be a JSON object");
        }
        JsonNode modelNode = req.path("model");
        if (!modelNode.isTextual()) {
            return error(400, "invalid request: model must be a string");
        }
        String modelName = modelNode.asText();
        Model model = MODELS.get(modelName);
        if (model == null) {
            return error(404,
                    "model '" + modelName + "' not found, make sure the correct model ID was used and that you have access to the model.");
        }
        JsonNode textsNode = req.path("texts");
        if (!textsNode.isArray() || textsNode.isEmpty()) {
            return error(400, "invalid request: texts must be a non-empty list of strings");
        }
        if (textsNode.size() > maxTexts) {
            return error(400, "invalid request: total number of texts must be at most " + maxTexts + " - received " + textsNode.size());
        }
        List<String> texts = new ArrayList<>();
        for (JsonNode t : textsNode) {
            if (!t.isTextual()) {
                return error(400, "invalid request: texts must be a list of strings");
            }
            texts.add(t.asText());
        }
        JsonNode inputTypeNode = req.path("input_type");
        if (inputTypeNode.isMissingNode() || inputTypeNode.isNull()) {
            return error(400, "invalid request: valid input_type must be provided with the provided model");
        }
        String inputType = inputTypeNode.asText();
        if (!inputTypeNode.isTextual() || !INPUT_TYPES.contains(inputType) || inputType.equals("image")) {
            return error(400, "invalid request: input_type must be one of search_document, search_query, classification, clustering");
        }
        List<String> types = new ArrayList<>();
        JsonNode typesNode = req.path("embedding_types");
        if (typesNode.isMissingNode() || typesNode.isNull()) {
            types.addAll(defaultEmbeddingTypes);
        } else if (typesNode.isArray() && !typesNode.isEmpty()) {
            for (JsonNode t : typesNode) {
                if (!t.isTextual() || !TYPES.contains(t.asText())) {
                    return error(400, "invalid request: embedding_types must be a list of float, int8, uint8, binary, ubinary, base64; got "
                            + t);
                }
                if (!types.contains(t.asText())) {
                    types.add(t.asText());
                }
            }
        } else {
            return error(400, "invalid request: embedding_types must be a non-empty list");
        }
        Integer dims = null;
        JsonNode dimsNode = req.path("output_dimension");
        if (!dimsNode.isMissingNode() && !dimsNode.isNull()) {
            if (!model.v4()) {
                return error(400, "invalid request: output_dimension is only supported for embed-v4.0 and newer models");
            }
            if (!dimsNode.isIntegralNumber() || !V4_SIZES.contains(dimsNode.asInt())) {
                return error(400, "invalid request: output_dimension must be one of " + V4_SIZES + "; got " + dimsNode);
            }
            dims = dimsNode.asInt();
        }
        JsonNode truncateNode = req.path("truncate");
        String truncate = truncateNode.isMissingNode() || truncateNode.isNull() ? defaultTruncate : truncateNode.asText();
        if (!List.of("NONE", "START", "END").contains(truncate)) {
            return error(400, "invalid request: truncate must be one of NONE, START, END; got " + truncateNode);
        }
        int limit = model.context();
        JsonNode maxTokensNode = req.path("max_tokens");
        if (!maxTokensNode.isMissingNode() && !maxTokensNode.isNull()) {
            if (!maxTokensNode.isIntegralNumber() || maxTokensNode.asInt() < 1) {
                return error(400, "invalid request: max_tokens must be a positive integer");
            }
            limit = Math.min(limit, maxTokensNode.asInt());
        }
        long billed = 0;
        for (int i = 0; i < texts.size(); i++) {
            int tokens = FakeVectors.tokens(texts.get(i));
            if (tokens > limit && truncate.equals("NONE")) {
                return error(400,
                        "invalid request: text at index " + i + " has " + tokens + " tokens, which exceeds the maximum of " + limit
                                + " tokens; use truncate START or END to shorten it");
            }
            billed += Math.min(tokens, limit);
        }
        return ok(modelName, inputType, texts, dims, types, billed, dropLast);
    }

    private Answer ok(String model, String inputType, List<String> texts, Integer dims, List<String> types, long billed, boolean dropLast) {
        int count = dropLast ? texts.size() - 1 : texts.size();
        boolean zeroIsOne = zeroBitIsOne;
        ByteArrayOutputStream out = new ByteArrayOutputStream(256 + count * types.size() * 20_000);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("id", UUID.randomUUID().toString());
            g.writeObjectFieldStart("embeddings");
            for (String type : types) {
                g.writeArrayFieldStart(type);
                for (int i = 0; i < count; i++) {
                    float[] v = expectedFloats(model, inputType, texts.get(i), dims);
                    if (type.equals("float")) {
                        g.writeStartArray();
                        for (float f : v) {
                            g.writeNumber(f);
                        }
                        g.writeEndArray();
                    } else if (type.equals("base64")) {
                        ByteBuffer bb = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
                        bb.asFloatBuffer().put(v);
                        g.writeBinary(bb.array());
                    } else {
                        int[] q = FakeQuantization.of(v, type, INT8_RANGE, zeroIsOne);
                        g.writeArray(q, 0, q.length);
                    }
                }
                g.writeEndArray();
            }
            g.writeEndObject();
            g.writeArrayFieldStart("texts");
            for (String t : texts) {
                g.writeString(t);
            }
            g.writeEndArray();
            g.writeObjectFieldStart("meta");
            g.writeObjectFieldStart("api_version");
            g.writeStringField("version", "2");
            g.writeEndObject();
            g.writeObjectFieldStart("billed_units");
            g.writeNumberField("input_tokens", billed);
            g.writeEndObject();
            g.writeEndObject();
            g.writeStringField("response_type", "embeddings_by_type");
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Answer(200, Buffer.buffer(out.toByteArray()), Map.of());
    }
}
