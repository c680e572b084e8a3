package io.embedgate.fakes;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
 * A fake of Hugging Face Text Embeddings Inference's native {@code POST /embed}
 * (router/src/http/types.rs, server.rs): one served model whatever the request says, optional Bearer
 * key ({@code --api-key}), string or string-array {@code inputs}, {@code --max-client-batch-size} (422
 * "batch size 33 > maximum allowed batch size 32"), the model's maximum input length with
 * {@code truncate}/{@code truncation_direction}, {@code prompt_name} from the model's prompts,
 * {@code normalize} (default true), a bare array answer, the {@code x-compute-*} headers, and
 * {@code {"error","error_type"}} bodies. Base URL: {@link #baseUrl()}.
 */
public final class FakeTei extends FakeUpstream {

    public static final int DEFAULT_BATCH = 32;
    public static final int DEFAULT_MAX_INPUT_TOKENS = 512;

    private static final JsonFactory FACTORY = new ObjectMapper().getFactory();

    private final String model;
    private final int dims;
    private volatile int maxBatch = DEFAULT_BATCH;
    private volatile int maxInputTokens = DEFAULT_MAX_INPUT_TOKENS;
    private volatile boolean autoTruncate = true;
    private volatile boolean lowercaseDirection;
    private volatile Map<String, String> prompts = Map.of();

    private FakeTei(Options options, String apiKey, String model, int dims) {
        super(options, apiKey);
        this.model = model;
        this.dims = dims;
    }

    /** A server of {@code model} ({@code dims} dimensions), without a key. */
    public static FakeTei start(String model, int dims) {
        return start(Options.defaults(), null, model, dims);
    }

    public static FakeTei start(Options options, String apiKey, String model, int dims) {
        FakeTei fake = new FakeTei(options, apiKey, model, dims);
        fake.listen();
        return fake;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    /** {@code --max-client-batch-size}. */
    public FakeTei maxBatch(int n) {
        this.maxBatch = n;
        return this;
    }

    /** The model's {@code max_input_length}, in the fake's tokens. */
    public FakeTei maxInputTokens(int n) {
        this.maxInputTokens = n;
        return this;
    }

    /** {@code --auto-truncate} (default true in current TEI): truncate when the request does not say. */
    public FakeTei autoTruncate(boolean on) {
        this.autoTruncate = on;
        return this;
    }

    /**
     * [U] {@code truncation_direction} as {@code "left"}/{@code "right"} (the reference's spelling) instead
     * of serde's derived {@code "Left"}/{@code "Right"} (default).
     */
    public FakeTei lowercaseTruncationDirection(boolean on) {
        this.lowercaseDirection = on;
        return this;
    }

    /** The model's sentence-transformers prompts, by name (e.g. {@code query -> "query: "}). */
    public FakeTei prompts(Map<String, String> byName) {
        this.prompts = Map.copyOf(byName);
        return this;
    }

    /** The served vector of a text as TEI embeds it (prompt included): unit length, or the raw pooled values. */
    public static float[] expectedVector(String model, String text, int dims, boolean normalize) {
        float[] raw = FakeVectors.raw(FakeVectors.seed(model, text), dims);
        return normalize ? FakeVectors.normalize(raw) : raw;
    }

    public static String errorBody(String message, String type) {
        return "{\"error\":" + quote(message) + ",\"error_type\":" + quote(type) + "}";
    }

    public static Fault overloaded() {
        return Fault.respond(429, errorBody("Model is overloaded", "Overloaded"));
    }

    public static Fault backendError() {
        return Fault.respond(424, errorBody("Backend error: CUDA out of memory", "Backend"));
    }

    public static Fault unhealthy() {
        return Fault.respond(503, errorBody("unhealthy", "Unhealthy"));
    }

    @Override
    protected Answer answer(HttpServerRequest request, Buffer body) {
        return respond(request, body, false);
    }

    @Override
    protected Answer answerMissingVector(HttpServerRequest request, Buffer body) {
        return respond(request, body, true);
    }

    private static Answer error(int status, String message, String type) {
        return Answer.json(status, errorBody(message, type), Map.of());
    }

    /** axum's rejection of a body that does not deserialise: 422, plain text. */
    private static Answer rejection(String what) {
        return new Answer(422, Buffer.buffer("Failed to deserialize the JSON body into the target type: " + what),
                Map.of("content-type", "text/plain; charset=utf-8"));
    }

    private Answer respond(HttpServerRequest request, Buffer body, boolean dropLast) {
        if (request.method() != HttpMethod.POST || !request.path().equals("/embed")) {
            return new Answer(404, Buffer.buffer(), Map.of());
        }
        if (apiKey() != null && !("Bearer " + apiKey()).equals(request.getHeader("authorization"))) {
            return new Answer(401, Buffer.buffer(), Map.of());
        }
        JsonNode req = jsonBody(body);
        if (req == null) {
            return new Answer(400, Buffer.buffer("Failed to parse the request body as JSON"), Map.of("content-type", "text/plain"));
        }
        List<String> texts = new ArrayList<>();
        JsonNode inputs = req.path("inputs");
        if (inputs.isTextual()) {
            texts.add(inputs.asText());
        } else if (inputs.isArray()) {
            for (JsonNode n : inputs) {
                if (!n.isTextual()) {
                    return rejection("inputs: data did not match any variant of untagged enum Input");
                }
                texts.add(n.asText());
            }
        } else {
            return rejection("missing field `inputs`");
        }
        if (texts.isEmpty()) {
            return error(400, "`inputs` cannot be empty", "Empty");
        }
        if (texts.size() > maxBatch) {
            return error(422, "batch size " + texts.size() + " > maximum allowed batch size " + maxBatch, "Validation");
        }
        boolean left = false;
        JsonNode dir = req.path("truncation_direction");
        if (!dir.isMissingNode() && !dir.isNull()) {
            String l = lowercaseDirection ? "left" : "Left";
            String r = lowercaseDirection ? "right" : "Right";
            if (!dir.asText().equals(l) && !dir.asText().equals(r)) {
                return rejection("truncation_direction: unknown variant `" + dir.asText() + "`, expected `" + l + "` or `" + r + "`");
            }
            left = dir.asText().equals(l);
        }
        String prompt = "";
        if (req.hasNonNull("prompt_name")) {
            String name = req.get("prompt_name").asText();
            if (!prompts.containsKey(name)) {
                return error(422, "prompt_name `" + name + "` is not available for this model; available: " + prompts.keySet(),
                        "Validation");
            }
            prompt = prompts.get(name);
        }
        boolean truncate = req.hasNonNull("truncate") ? req.get("truncate").asBoolean() : autoTruncate;
        boolean normalize = !req.hasNonNull("normalize") || req.get("normalize").asBoolean();
        List<String> seen = new ArrayList<>(texts.size());
        long tokens = 0;
        int chars = 0;
        for (String t : texts) {
            String text = prompt + t;
            int n = FakeVectors.tokens(text);
            if (n > maxInputTokens) {
                if (!truncate) {
                    return error(422, "Input validation error: `inputs` must have less than " + maxInputTokens + " tokens. Given: " + n,
                            "Validation");
                }
                int keep = Math.min(text.length(), maxInputTokens * 4);
                text = left ? text.substring(text.length() - keep) : text.substring(0, keep);
            }
            tokens += FakeVectors.tokens(text);
            chars += text.length();
            seen.add(text);
        }
        return ok(seen, normalize, tokens, chars, dropLast);
    }

    private Answer ok(List<String> texts, boolean normalize, long tokens, int chars, boolean dropLast) {
        int count = dropLast ? texts.size() - 1 : texts.size();
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 + count * dims * 12);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartArray();
            for (int i = 0; i < count; i++) {
                g.writeStartArray();
                for (float f : expectedVector(model, texts.get(i), dims, normalize)) {
                    g.writeNumber(f);
                }
                g.writeEndArray();
            }
            g.writeEndArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> h = new LinkedHashMap<>();
        h.put("x-compute-type", "cpu");
        h.put("x-compute-time", "3");
        h.put("x-compute-characters", Integer.toString(chars));
        h.put("x-compute-tokens", Long.toString(tokens));
        h.put("x-total-time", "4");
        h.put("x-tokenization-time", "0");
        h.put("x-queue-time", "1");
        h.put("x-inference-time", "3");
        return new Answer(200, Buffer.buffer(out.toByteArray()), h);
    }
}
