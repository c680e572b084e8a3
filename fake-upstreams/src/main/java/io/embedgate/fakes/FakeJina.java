package io.embedgate.fakes;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
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
 * A fake of {@code POST https://api.jina.ai/v1/embeddings} after providers.md section 9, where every
 * fact is unverified, so each uncertain one is a switch: Bearer auth, {@code task} per model family
 * (a task of the other family is a 422), {@code dimensions} per model, {@code embedding_type}
 * {@code float}/{@code base64}/{@code binary}/{@code ubinary}, an OpenAI-shaped answer with usage, an
 * input cap, and {@code {"detail":"..."}} errors (or the OpenAI envelope). Base URL: {@link #baseUrl()}.
 *
 * <p>Models: {@code jina-embeddings-v3} (1024, 32–1024), {@code jina-embeddings-v4} (2048, 128–2048),
 * {@code jina-embeddings-v2-base-en} (768, fixed, no task) and {@code jina-clip-v2} (1024, 64–1024, no
 * task). Values as {@link #expectedFloats} and {@link #expectedBits} compute them.
 */
public final class FakeJina extends FakeUpstream {

    public static final String DEFAULT_KEY = "jina_FakeKey0123456789abcdefghijklmn";
    /** [U] Jina publishes no per-request cap that could be checked; 2048 as OpenAI's. */
    public static final int DEFAULT_MAX_INPUTS = 2048;

    private static final JsonFactory FACTORY = new ObjectMapper().getFactory();
    private static final List<String> V3_TASKS = List.of("retrieval.query", "retrieval.passage", "separation", "classification",
            "text-matching");
    private static final List<String> V4_TASKS = List.of("retrieval.query", "retrieval.passage", "code.query", "code.passage",
            "text-matching");
    private static final List<String> TYPES = List.of("float", "base64", "binary", "ubinary");

    /** One model: default size, smallest size (= default when fixed), its tasks (empty: takes none). */
    private record Model(int dims, int minDims, List<String> tasks) {
    }

    private static final Map<String, Model> MODELS = Map.of(
            "jina-embeddings-v3", new Model(1024, 32, V3_TASKS),
            "jina-embeddings-v4", new Model(2048, 128, V4_TASKS),
            "jina-embeddings-v2-base-en", new Model(768, 768, List.of()),
            "jina-clip-v2", new Model(1024, 64, List.of()));

    private volatile int maxInputs = DEFAULT_MAX_INPUTS;
    private volatile boolean openAiErrors;
    private volatile boolean twosComplementBinary;

    private FakeJina(Options options, String apiKey) {
        super(options, apiKey);
    }

    public static FakeJina start() {
        return start(Options.defaults(), DEFAULT_KEY);
    }

    public static FakeJina start(Options options, String apiKey) {
        FakeJina fake = new FakeJina(options, apiKey);
        fake.listen();
        return fake;
    }

    /** {@code http://127.0.0.1:PORT}, without a path: clients append {@code /v1/embeddings}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    public FakeJina maxInputs(int max) {
        this.maxInputs = max;
        return this;
    }

    /** [U] Errors as OpenAI's {@code {"error":{message,type,code}}} instead of FastAPI's {@code {"detail"}} (default). */
    public FakeJina openAiErrors(boolean on) {
        this.openAiErrors = on;
        return this;
    }

    /**
     * [U] {@code binary} as the two's-complement reading of the ubinary byte instead of offset binary
     * (ubinary − 128, default, as Voyage documents and sentence-transformers computes).
     */
    public FakeJina twosComplementBinary(boolean on) {
        this.twosComplementBinary = on;
        return this;
    }

    /** The vector for a text: the unit vector of {@code model|task}, its first {@code dims} values renormalised. */
    public static float[] expectedFloats(String model, String task, String text, Integer dims) {
        float[] full = FakeVectors.unit(model + "|" + (task == null ? "" : task), text, MODELS.get(model).dims());
        return dims == null ? full : FakeVectors.shortened(full, dims);
    }

    /** Packed sign bits (1 when > 0), most significant first: ubinary 0..255, binary ubinary − 128 (or two's complement). */
    public static int[] expectedBits(float[] v, boolean signed, boolean twosComplement) {
        int[] out = new int[(v.length + 7) / 8];
        for (int i = 0; i < v.length; i++) {
            if (v[i] > 0) {
                out[i / 8] |= 0x80 >> (i % 8);
            }
        }
        if (signed) {
            for (int i = 0; i < out.length; i++) {
                out[i] = twosComplement ? (byte) out[i] : out[i] - 128;
            }
        }
        return out;
    }

    public String errorBody(String message) {
        return openAiErrors ? "{\"error\":{\"message\":" + quote(message) + ",\"type\":\"invalid_request_error\",\"code\":null}}"
                : "{\"detail\":" + quote(message) + "}";
    }

    /** A 429 with {@code retry-after: 2}. */
    public Fault rateLimited() {
        return Fault.respond(429, errorBody("Rate limit exceeded, please retry later"), Map.of("retry-after", "2"));
    }

    /** [U] A 402 as for a key whose token balance is spent. */
    public Fault insufficientBalance() {
        return Fault.respond(402, errorBody("Insufficient balance: please top up your API key"));
    }

    public Fault serverError() {
        return Fault.respond(500, errorBody("Internal Server Error"));
    }

    @Override
    protected Answer answer(HttpServerRequest request, Buffer body) {
        return respond(request, body, false);
    }

    @Override
    protected Answer answerMissingVector(HttpServerRequest request, Buffer body) {
        return respond(request, body, true);
    }

    private Answer error(int status, String message) {
        return Answer.json(status, errorBody(message), Map.of());
    }

    private Answer respond(HttpServerRequest request, Buffer body, boolean dropLast) {
        if (request.method() != HttpMethod.POST || !request.path().equals("/v1/embeddings")) {
            return error(404, "Not Found");
        }
        String auth = request.getHeader("authorization");
        if (auth == null || !auth.equals("Bearer " + apiKey())) {
            return error(401, "Invalid API key. Please get your Jina AI API key from https://jina.ai/embeddings/");
        }
        JsonNode req = jsonObject(body);
        if (req == null) {
            return error(400, "Invalid JSON");
        }
        String modelName = req.path("model").asText("");
        Model model = MODELS.get(modelName);
        if (model == null) {
            return error(422, "Model " + modelName + " is not supported. Supported models: " + String.join(", ", MODELS.keySet()));
        }
        List<String> texts = new ArrayList<>();
        JsonNode input = req.path("input");
        if (input.isTextual()) {
            texts.add(input.asText());
        } else if (input.isArray()) {
            for (JsonNode n : input) {
                if (!n.isTextual()) {
                    return error(422, "input must be a string or a list of strings");
                }
                texts.add(n.asText());
            }
        }
        if (texts.isEmpty()) {
            return error(422, "input must not be empty");
        }
        if (texts.size() > maxInputs) {
            return error(422, "Too many inputs: " + texts.size() + " > " + maxInputs + " per request");
        }
        String task = req.path("task").isTextual() ? req.get("task").asText() : null;
        if (task != null && !model.tasks().contains(task)) {
            return error(422, model.tasks().isEmpty() ? modelName + " does not support task " + task
                    : "Invalid task " + task + " for " + modelName + "; supported: " + String.join(", ", model.tasks()));
        }
        Integer dims = null;
        if (req.hasNonNull("dimensions")) {
            int d = req.get("dimensions").asInt();
            if (model.minDims() == model.dims() ? d != model.dims() : d < model.minDims() || d > model.dims()) {
                return error(422, "dimensions must be between " + model.minDims() + " and " + model.dims() + " for " + modelName);
            }
            dims = d;
        }
        String type = req.path("embedding_type").asText("float");
        if (!TYPES.contains(type)) {
            return error(422, "embedding_type must be one of " + String.join(", ", TYPES));
        }
        long tokens = 0;
        for (String t : texts) {
            tokens += FakeVectors.tokens(t);
        }
        return ok(modelName, task, texts, dims, type, tokens, dropLast);
    }

    private Answer ok(String model, String task, List<String> texts, Integer dims, String type, long tokens, boolean dropLast) {
        int count = dropLast ? texts.size() - 1 : texts.size();
        ByteArrayOutputStream out = new ByteArrayOutputStream(128 + count * 10_000);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("model", model);
            g.writeStringField("object", "list");
            g.writeObjectFieldStart("usage");
            g.writeNumberField("total_tokens", tokens);
            g.writeNumberField("prompt_tokens", tokens);
            g.writeEndObject();
            g.writeArrayFieldStart("data");
            for (int i = 0; i < count; i++) {
                float[] v = expectedFloats(model, task, texts.get(i), dims);
                g.writeStartObject();
                g.writeStringField("object", "embedding");
                g.writeNumberField("index", i);
                g.writeFieldName("embedding");
                switch (type) {
                    case "base64" -> {
                        ByteBuffer bb = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
                        bb.asFloatBuffer().put(v);
                        g.writeBinary(bb.array());
                    }
                    case "binary", "ubinary" -> {
                        int[] bits = expectedBits(v, type.equals("binary"), twosComplementBinary);
                        g.writeArray(bits, 0, bits.length);
                    }
                    default -> {
                        g.writeStartArray();
                        for (float f : v) {
                            g.writeNumber(f);
                        }
                        g.writeEndArray();
                    }
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Answer(200, Buffer.buffer(out.toByteArray()), Map.of());
    }
}
