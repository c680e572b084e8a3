package io.embedgate.fakes;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;

/**
 * A fake of {@code POST https://api.voyageai.com/v1/embeddings}
 * (https://docs.voyageai.com/reference/embeddings-api): Bearer auth, string or string-array
 * {@code input} (at most 1,000), {@code input_type} (query and document prepend Voyage's retrieval
 * prompts to the text, so the vector changes), {@code truncation} against each model's context,
 * {@code output_dimension} and {@code output_dtype} on the flexible models, {@code encoding_format}
 * null or base64, the per-model token cap of a batch, {@code usage.total_tokens} and
 * {@code {"detail"}} errors. Base URL: {@link #baseUrl()} (ends in {@code /v1}, as in Voyage's SDK).
 *
 * <p>Flexible models (voyage-4-large, voyage-4, voyage-4-lite, voyage-3.5, voyage-3.5-lite,
 * voyage-3-large, voyage-code-3): 1024 by default, 256/512/1024/2048, the shorter sizes being the first
 * values of the 2048 vector renormalised; every dtype. Fixed float models: voyage-3, voyage-3-lite
 * (512), voyage-finance-2, voyage-multilingual-2, voyage-law-2, voyage-code-2 (1536), voyage-2.
 * Quantised types follow {@link FakeQuantization} with calibration range {@link #INT8_RANGE}. Base64 is
 * of the raw buffer: float32 little-endian, or one byte per value (int8 for int8 and binary, uint8 for
 * uint8 and ubinary). Tokens are counted on the text without the prompt ({@link FakeVectors#tokens}).
 *
 * <p>Unverified behaviour is switchable: whether an exact 0 packs to a 1 bit ({@link #zeroBitIsOne},
 * no); the per-model token caps ({@link #maxTokens}, to test a cap without megabytes of text).
 */
public final class FakeVoyage extends FakeUpstream {

    public static final String DEFAULT_KEY = "pa-FakeVoyageKey0123456789abcdefgh";
    public static final int MAX_INPUTS = 1000;
    public static final double INT8_RANGE = 0.08;
    public static final List<Integer> FLEXIBLE_SIZES = List.of(256, 512, 1024, 2048);
    public static final String QUERY_PROMPT = "Represent the query for retrieving supporting documents: ";
    public static final String DOCUMENT_PROMPT = "Represent the document for retrieval: ";
    private static final List<String> DTYPES = List.of("float", "int8", "uint8", "binary", "ubinary");

    private static final JsonFactory FACTORY = new ObjectMapper().getFactory();

    /** A model's default size, whether it takes other sizes and dtypes, its batch token cap and context. */
    private record Model(int dims, boolean flexible, int batchTokens, int context) {
    }

    private static final Map<String, Model> MODELS;

    static {
        Map<String, Model> m = new HashMap<>();
        m.put("voyage-4-large", new Model(1024, true, 120_000, 32_000));
        m.put("voyage-4", new Model(1024, true, 320_000, 32_000));
        m.put("voyage-4-lite", new Model(1024, true, 1_000_000, 32_000));
        m.put("voyage-3.5", new Model(1024, true, 320_000, 32_000));
        m.put("voyage-3.5-lite", new Model(1024, true, 1_000_000, 32_000));
        m.put("voyage-3-large", new Model(1024, true, 120_000, 32_000));
        m.put("voyage-code-3", new Model(1024, true, 120_000, 32_000));
        m.put("voyage-3", new Model(1024, false, 320_000, 32_000));
        m.put("voyage-3-lite", new Model(512, false, 1_000_000, 32_000));
        m.put("voyage-finance-2", new Model(1024, false, 120_000, 32_000));
        m.put("voyage-multilingual-2", new Model(1024, false, 120_000, 32_000));
        m.put("voyage-law-2", new Model(1024, false, 120_000, 16_000));
        m.put("voyage-code-2", new Model(1536, false, 120_000, 16_000));
        m.put("voyage-2", new Model(1024, false, 320_000, 4_000));
        MODELS = Map.copyOf(m);
    }

    private volatile int maxInputs = MAX_INPUTS;
    private volatile Integer maxTokens;
    private volatile boolean zeroBitIsOne;

    private FakeVoyage(Options options, String apiKey) {
        super(options, apiKey);
    }

    public static FakeVoyage start() {
        return start(Options.defaults(), DEFAULT_KEY);
    }

    public static FakeVoyage start(Options options, String apiKey) {
        FakeVoyage fake = new FakeVoyage(options, apiKey);
        fake.listen();
        return fake;
    }

    /** The base URL clients configure, e.g. {@code http://127.0.0.1:PORT/v1}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port() + "/v1";
    }

    public FakeVoyage maxInputs(int max) {
        this.maxInputs = max;
        return this;
    }

    /** A token cap per batch for every model instead of each model's own; null restores those. */
    public FakeVoyage maxTokens(Integer max) {
        this.maxTokens = max;
        return this;
    }

    /** [U] Whether an exact 0.0 packs to a 1 bit (vLLM's {@code >= 0}) rather than a 0 bit (numpy's {@code > 0}). */
    public FakeVoyage zeroBitIsOne(boolean v) {
        this.zeroBitIsOne = v;
        return this;
    }

    /** Back to the defaults of every switch. */
    public FakeVoyage defaults() {
        return maxInputs(MAX_INPUTS).maxTokens(null).zeroBitIsOne(false);
    }

    /** The float vector for a text; {@code inputType} null, query or document; {@code dims} null means the model's default. */
    public static float[] expectedFloats(String model, String inputType, String text, Integer dims) {
        Model m = MODELS.get(model);
        String prompted = prompt(inputType) + text;
        if (!m.flexible()) {
            return FakeVectors.unit(model, prompted, m.dims());
        }
        return FakeVectors.shortened(FakeVectors.unit(model, prompted, 2048), dims == null ? m.dims() : dims);
    }

    /** The values of a quantised type (int8, uint8, binary, ubinary) for a text, with the default packing rule. */
    public static int[] expectedInts(String model, String inputType, String text, Integer dims, String dtype) {
        return FakeQuantization.of(expectedFloats(model, inputType, text, dims), dtype, INT8_RANGE, false);
    }

    private static String prompt(String inputType) {
        return inputType == null ? "" : inputType.equals("query") ? QUERY_PROMPT : DOCUMENT_PROMPT;
    }

    // ---- canned error bodies, as the real API sends them ----

    public static String errorBody(String detail) {
        return "{\"detail\":" + quote(detail) + "}";
    }

    /** A 429 with the {@code retry-after} header Voyage's SDK reads. */
    public static Fault rateLimited(int retryAfterSeconds) {
        return Fault.respond(429, errorBody("You have exceeded your rate limit. Please slow down your requests or contact support."),
                Map.of("retry-after", Integer.toString(retryAfterSeconds)));
    }

    public static Fault serverError() {
        return Fault.respond(500, errorBody("Internal Server Error"));
    }

    public static Fault badGateway() {
        return Fault.respond(502, "<html><body><h1>502 Bad Gateway</h1></body></html>");
    }

    public static Fault unavailable() {
        return Fault.respond(503, errorBody("Service Unavailable. Please try again later."));
    }

    public static Fault gatewayTimeout() {
        return Fault.respond(504, errorBody("Gateway Timeout"));
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

    private static Answer error(int status, String detail) {
        return Answer.json(status, errorBody(detail), Map.of());
    }

    private Answer respond(HttpServerRequest request, Buffer body, boolean dropLast) {
        if (request.method() != HttpMethod.POST || !"/v1/embeddings".equals(request.path())) {
            return error(404, "Not Found");
        }
        String auth = request.getHeader("authorization");
        if (auth == null || !auth.startsWith("Bearer ")) {
            return error(401, "No API key provided. You can set your API key in code using 'voyageai.api_key = <API-KEY>'.");
        }
        if (!auth.equals("Bearer " + apiKey())) {
            return error(401, "Provided API key is invalid.");
        }
        JsonNode req = jsonObject(body);
        if (req == null) {
            return error(422, "Request body is not a valid JSON object.");
        }
        String modelName = req.path("model").asText(null);
        Model model = modelName == null ? null : MODELS.get(modelName);
        if (model == null) {
            return error(400, "Model " + modelName + " is not supported. Supported models are " + String.join(", ", MODELS.keySet().stream()
                    .sorted().toList()) + ".");
        }
        JsonNode input = req.path("input");
        List<String> texts = new ArrayList<>();
        if (input.isTextual()) {
            texts.add(input.asText());
        } else if (input.isArray()) {
            for (JsonNode t : input) {
                if (!t.isTextual()) {
                    return error(400, "Input must be a string or a list of strings.");
                }
                texts.add(t.asText());
            }
        } else {
            return error(400, "Input must be a string or a list of strings.");
        }
        if (texts.isEmpty()) {
            return error(400, "Input cannot be empty.");
        }
        if (texts.size() > maxInputs) {
            return error(400, "The batch size limit is " + maxInputs + ". Your batch size is " + texts.size() + ".");
        }
        JsonNode inputTypeNode = req.path("input_type");
        String inputType = null;
        if (!inputTypeNode.isMissingNode() && !inputTypeNode.isNull()) {
            inputType = inputTypeNode.asText();
            if (!inputTypeNode.isTextual() || !List.of("query", "document").contains(inputType)) {
                return error(400,
                        "Value '" + inputTypeNode.asText() + "' supplied for argument 'input_type' is not valid -- accepted values"
                                + " are 'query', 'document' or None.");
            }
        }
        JsonNode truncationNode = req.path("truncation");
        if (!truncationNode.isMissingNode() && !truncationNode.isNull() && !truncationNode.isBoolean()) {
            return error(400, "Argument 'truncation' must be a boolean.");
        }
        boolean truncation = !truncationNode.isBoolean() || truncationNode.asBoolean();
        Integer dims = null;
        JsonNode dimsNode = req.path("output_dimension");
        if (!dimsNode.isMissingNode() && !dimsNode.isNull()) {
            if (!model.flexible()) {
                return error(400, "Model " + modelName + " does not support the 'output_dimension' argument.");
            }
            if (!dimsNode.isIntegralNumber() || !FLEXIBLE_SIZES.contains(dimsNode.asInt())) {
                return error(400, "Value '" + dimsNode + "' supplied for argument 'output_dimension' is not valid -- accepted values are "
                        + FLEXIBLE_SIZES + ".");
            }
            dims = dimsNode.asInt();
        }
        JsonNode dtypeNode = req.path("output_dtype");
        String dtype = "float";
        if (!dtypeNode.isMissingNode() && !dtypeNode.isNull()) {
            dtype = dtypeNode.asText();
            if (!dtypeNode.isTextual() || !DTYPES.contains(dtype)) {
                return error(400,
                        "Value '" + dtypeNode.asText() + "' supplied for argument 'output_dtype' is not valid -- accepted values are"
                                + " 'float', 'int8', 'uint8', 'binary', 'ubinary'.");
            }
            if (!model.flexible() && !dtype.equals("float")) {
                return error(400, "Model " + modelName + " does not support output_dtype '" + dtype + "'.");
            }
        }
        JsonNode encodingNode = req.path("encoding_format");
        boolean base64 = false;
        if (!encodingNode.isMissingNode() && !encodingNode.isNull()) {
            if (!"base64".equals(encodingNode.asText())) {
                return error(400, "Value '" + encodingNode.asText() + "' supplied for argument 'encoding_format' is not valid -- accepted"
                        + " values are 'base64' or None.");
            }
            base64 = true;
        }
        long total = 0;
        for (int i = 0; i < texts.size(); i++) {
            int tokens = FakeVectors.tokens(texts.get(i));
            if (tokens > model.context() && !truncation) {
                return error(400, "Input " + i + " has " + tokens + " tokens, which exceeds the context length of " + model.context()
                        + " tokens for model " + modelName + ". Please set truncation=True or shorten the input.");
            }
            total += Math.min(tokens, model.context());
        }
        int cap = maxTokens != null ? maxTokens : model.batchTokens();
        if (total > cap) {
            return error(400, "Request to model '" + modelName + "' failed. The max allowed tokens per submitted batch is " + cap
                    + ". Your batch has " + total + " tokens after truncation. Please lower the number of tokens in the batch.");
        }
        return ok(modelName, inputType, texts, dims, dtype, base64, total, dropLast);
    }

    private Answer ok(String model, String inputType, List<String> texts, Integer dims, String dtype, boolean base64, long total,
            boolean dropLast) {
        int count = dropLast ? texts.size() - 1 : texts.size();
        boolean zeroIsOne = zeroBitIsOne;
        ByteArrayOutputStream out = new ByteArrayOutputStream(128 + count * (base64 ? 11_000 : 40_000));
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("object", "list");
            g.writeArrayFieldStart("data");
            for (int i = 0; i < count; i++) {
                g.writeStartObject();
                g.writeStringField("object", "embedding");
                g.writeFieldName("embedding");
                float[] v = expectedFloats(model, inputType, texts.get(i), dims);
                if (dtype.equals("float")) {
                    if (base64) {
                        ByteBuffer bb = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
                        bb.asFloatBuffer().put(v);
                        g.writeBinary(bb.array());
                    } else {
                        g.writeStartArray();
                        for (float f : v) {
                            g.writeNumber(f);
                        }
                        g.writeEndArray();
                    }
                } else {
                    int[] q = FakeQuantization.of(v, dtype, INT8_RANGE, zeroIsOne);
                    if (base64) {
                        byte[] b = new byte[q.length];
                        for (int j = 0; j < q.length; j++) {
                            b[j] = (byte) q[j];
                        }
                        g.writeBinary(b);
                    } else {
                        g.writeArray(q, 0, q.length);
                    }
                }
                g.writeNumberField("index", i);
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeStringField("model", model);
            g.writeObjectFieldStart("usage");
            g.writeNumberField("total_tokens", total);
            g.writeEndObject();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Answer(200, Buffer.buffer(out.toByteArray()), Map.of());
    }
}
