package io.embedgate.fakes;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;

/**
 * A fake of {@code POST https://api.mistral.ai/v1/embeddings} following
 * https://docs.mistral.ai/api/#tag/embeddings:
 * Bearer auth, string or string-array input (token ids get FastAPI's 422), {@code output_dimension},
 * the five {@code output_dtype}s in {@code float} or {@code base64} encoding, usage, the observed
 * input and token limits, rate-limit headers and both generations of error bodies. Base URL:
 * {@link #baseUrl()} (ends in {@code /v1}).
 *
 * <p>Models: {@code mistral-embed} (1024, fixed, float only) and {@code codestral-embed} alias
 * {@code codestral-embed-2505} (1536 by default, 1–3072). Values, as {@link #expectedFloats} and
 * {@link #expectedInts} compute them:
 * <ul>
 * <li>{@code float}: {@link FakeVectors#unit} of the full size; for codestral the first
 * {@code dims} values renormalised (Mistral vectors have norm 1; the prefix is ordered by relevance).
 * <li>{@code int8}: {@code Math.round(v * 127)} clamped to [-128, 127].
 * <li>{@code uint8}: {@code Math.round((v + 1) * 127.5)} clamped to [0, 255].
 * <li>{@code ubinary}: sign bits (1 when {@code v > 0}) packed most significant bit first, 8 values a
 * byte, the last byte padded with 0 bits: {@code ceil(dims / 8)} values in [0, 255].
 * <li>{@code binary}: the same bytes in offset binary, {@code ubinary - 128}, in [-128, 127].
 * </ul>
 * With {@code encoding_format: "base64"} each embedding is base64 of its raw bytes: float32
 * little-endian for {@code float}, else one byte per value ({@code (byte) value}: two's complement
 * for the signed types, so decoding signed bytes for int8/binary and unsigned for uint8/ubinary
 * gives the JSON numbers back).
 */
public final class FakeMistral extends FakeUpstream {

    public static final String DEFAULT_KEY = "FakeMistralKey0123456789abcdefgh";
    public static final int DEFAULT_MAX_INPUTS = 512;
    public static final int DEFAULT_MAX_TOKENS = 16_384;
    public static final int MISTRAL_EMBED_DIMS = 1024;
    public static final int CODESTRAL_DEFAULT_DIMS = 1536;
    public static final int CODESTRAL_MAX_DIMS = 3072;
    public static final long TOKENS_PER_MINUTE = 20_000_000;
    public static final long REQUESTS_PER_MINUTE = 6_000;

    private static final JsonFactory FACTORY = new ObjectMapper().getFactory();
    /** The current 429 body (the older form is {@link #rateLimitedOldForm}). */
    private static final String RATE_LIMITED = "{\"object\":\"error\",\"message\":\"Rate limit exceeded\",\"type\":\"rate_limited\","
            + "\"param\":null,\"code\":\"1300\",\"raw_status_code\":429}";
    /** What is left, in Mistral's headers: per minute, no reset. */
    private static final FakeRateLimit.Headers RATE_LIMIT_HEADERS = FakeRateLimit.headers()
            .limitTokens("x-ratelimit-limit-tokens-minute").remainingTokens("x-ratelimit-remaining-tokens-minute")
            .limitRequests("x-ratelimit-limit-req-minute").remainingRequests("x-ratelimit-remaining-req-minute");

    private volatile int maxInputs = DEFAULT_MAX_INPUTS;
    private volatile int maxTokens = DEFAULT_MAX_TOKENS;
    private volatile FakeRateLimit rateLimit;
    private volatile boolean retryAfterOn429 = true;

    private FakeMistral(Options options, String apiKey) {
        super(options, apiKey);
    }

    public static FakeMistral start() {
        return start(Options.defaults(), DEFAULT_KEY);
    }

    public static FakeMistral start(Options options, String apiKey) {
        FakeMistral fake = new FakeMistral(options, apiKey);
        fake.listen();
        return fake;
    }

    /** The base URL clients configure, e.g. {@code http://127.0.0.1:PORT/v1}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port() + "/v1";
    }

    /** Inputs allowed per request (observed 512, undocumented). */
    public FakeMistral maxInputs(int max) {
        this.maxInputs = max;
        return this;
    }

    /** Tokens allowed per request, summed over inputs with {@link FakeVectors#tokens} (observed 16384). */
    public FakeMistral maxTokens(int max) {
        this.maxTokens = max;
        return this;
    }

    /**
     * Enforces these limits (null: none, the default, which reports fixed per-minute headers): every
     * answer reports what is left in Mistral's {@code x-ratelimit-*-minute} headers, and a request
     * beyond a limit gets Mistral's current 429 until the window ends.
     */
    public FakeMistral rateLimit(FakeRateLimit limit) {
        this.rateLimit = limit;
        return this;
    }

    /** Whether that 429 carries {@code retry-after} (an error glossary says so; unverified). */
    public FakeMistral retryAfterOn429(boolean sent) {
        this.retryAfterOn429 = sent;
        return this;
    }

    /** The float vector this fake returns; {@code dims} null means the model's default. */
    public static float[] expectedFloats(String model, String text, Integer dims) {
        String m = canonical(model);
        if (m.equals("mistral-embed")) {
            return FakeVectors.unit(m, text, MISTRAL_EMBED_DIMS);
        }
        return FakeVectors.shortened(FakeVectors.unit(m, text, CODESTRAL_MAX_DIMS), dims == null ? CODESTRAL_DEFAULT_DIMS : dims);
    }

    /** The integers this fake returns for a quantised {@code dtype}, by the rules in the class comment. */
    public static int[] expectedInts(String model, String text, Integer dims, String dtype) {
        float[] v = expectedFloats(model, text, dims);
        if (dtype.equals("int8") || dtype.equals("uint8")) {
            int[] q = new int[v.length];
            for (int i = 0; i < v.length; i++) {
                q[i] = dtype.equals("int8") ? clamp(Math.round(v[i] * 127.0), -128, 127) : clamp(Math.round((v[i] + 1) * 127.5), 0, 255);
            }
            return q;
        }
        if (dtype.equals("binary") || dtype.equals("ubinary")) {
            int[] q = new int[(v.length + 7) / 8];
            for (int i = 0; i < v.length; i++) {
                if (v[i] > 0) {
                    q[i / 8] |= 0x80 >>> (i % 8);
                }
            }
            if (dtype.equals("binary")) {
                for (int i = 0; i < q.length; i++) {
                    q[i] -= 128;
                }
            }
            return q;
        }
        throw new IllegalArgumentException("not an integer dtype: " + dtype);
    }

    private static int clamp(long v, int min, int max) {
        return (int) Math.max(min, Math.min(max, v));
    }

    private static String canonical(String model) {
        return model.equals("codestral-embed-2505") ? "codestral-embed" : model;
    }

    // ---- canned error bodies, as the real API sends them ----

    public static String errorBody(String message, String type, String code) {
        return "{\"object\":\"error\",\"message\":" + quote(message) + ",\"type\":" + quote(type) + ",\"param\":null,\"code\":"
                + (code == null ? "null" : quote(code)) + "}";
    }

    /** The current 429 form. The {@code retry-after} header is unverified (an error glossary mentions it). */
    public static Fault rateLimited() {
        return Fault.respond(429, RATE_LIMITED, Map.of("retry-after", "1"));
    }

    /** The older 429 form: a bare message and no header. */
    public static Fault rateLimitedOldForm() {
        return Fault.respond(429, "{\"message\":\"Requests rate limit exceeded\"}");
    }

    public static Fault unauthorizedOldForm() {
        return Fault.respond(401, "{\"detail\":\"Unauthorized\"}");
    }

    public static Fault serverError() {
        return Fault.respond(500, errorBody("Internal server error", "internal_server_error", null));
    }

    public static Fault unavailable() {
        return Fault.respond(503, errorBody("Service unavailable", "service_unavailable", null));
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
        if (request.method() != HttpMethod.POST || !"/v1/embeddings".equals(request.path())) {
            return Answer.json(404, "{\"detail\":\"Not Found\"}", Map.of());
        }
        String auth = request.getHeader("authorization");
        if (auth == null || !auth.equals("Bearer " + apiKey())) {
            return Answer.json(401, "{\"message\":\"Unauthorized\",\"request_id\":\"" + hexId() + "\"}", Map.of());
        }
        MistralRequestCheck.Outcome checked = MistralRequestCheck.check(body);
        if (checked.refusal() != null) {
            return checked.refusal();
        }
        MistralRequestCheck.Request req = checked.request();
        String modelName = req.model();
        Integer dims = req.dims();
        String dtype = req.dtype();
        List<String> texts = req.texts();
        // Then the model's own rules and the limits: 400 with the OpenAI-like body.
        String m = canonical(modelName);
        if (m.equals("mistral-embed")) {
            if (dims != null) {
                return error("output_dimension is not supported for model mistral-embed.", "invalid_request_error", null);
            }
            if (!dtype.equals("float")) {
                return error("output_dtype " + dtype + " is not supported for model mistral-embed.", "invalid_request_error", null);
            }
        } else if (m.equals("codestral-embed")) {
            if (dims != null && (dims < 1 || dims > CODESTRAL_MAX_DIMS)) {
                return error("output_dimension must be between 1 and " + CODESTRAL_MAX_DIMS + ".", "invalid_request_error", null);
            }
        } else {
            return error("Invalid model: " + modelName, "invalid_model", "1500");
        }
        if (texts.isEmpty()) {
            return error("Input must not be empty.", "invalid_request_error", null);
        }
        if (texts.size() > maxInputs) {
            return error("Too many inputs in request, split into more batches.", "invalid_request_prompt", "3210");
        }
        long total = 0;
        for (String t : texts) {
            total += FakeVectors.tokens(t);
        }
        if (total > maxTokens) {
            return error("Too many tokens overall, split into more batches.", "invalid_request_prompt", "3210");
        }
        FakeRateLimit limit = rateLimit;
        FakeRateLimit.Taken taken = limit == null ? null : limit.take(total);
        if (taken != null && !taken.allowed()) {
            FakeRateLimit.RetryAfter retry = retryAfterOn429 ? FakeRateLimit.RetryAfter.SECONDS : FakeRateLimit.RetryAfter.NONE;
            return Answer.json(429, RATE_LIMITED, RATE_LIMIT_HEADERS.refusal(taken, Map.of(), retry));
        }
        Answer a = ok(modelName, texts, dims, dtype, req.base64(), total, dropLast);
        if (taken != null) {
            RATE_LIMIT_HEADERS.report(taken, a.headers());
        }
        return a;
    }

    private static Answer error(String message, String type, String code) {
        return Answer.json(400, errorBody(message, type, code), Map.of());
    }

    private static String hexId() {
        return UUID.randomUUID().toString().replace("-", "");
    }

    private static Answer ok(String model, List<String> texts, Integer dims, String dtype, boolean base64, long total, boolean dropLast) {
        int count = dropLast ? texts.size() - 1 : texts.size();
        ByteArrayOutputStream out = new ByteArrayOutputStream(128 + count * (base64 ? 8200 : 40_000));
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("id", hexId());
            g.writeStringField("object", "list");
            g.writeStringField("model", model);
            g.writeArrayFieldStart("data");
            for (int i = 0; i < count; i++) {
                g.writeStartObject();
                g.writeStringField("object", "embedding");
                g.writeFieldName("embedding");
                if (dtype.equals("float")) {
                    float[] v = expectedFloats(model, texts.get(i), dims);
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
                    int[] q = expectedInts(model, texts.get(i), dims, dtype);
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
            g.writeObjectFieldStart("usage");
            g.writeNumberField("prompt_tokens", total);
            g.writeNumberField("completion_tokens", 0);
            g.writeNumberField("total_tokens", total);
            g.writeEndObject();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> h = new LinkedHashMap<>();
        h.put("x-ratelimit-limit-tokens-minute", Long.toString(TOKENS_PER_MINUTE));
        h.put("x-ratelimit-remaining-tokens-minute", Long.toString(TOKENS_PER_MINUTE - total));
        h.put("x-ratelimit-tokens-query-cost", Long.toString(total));
        h.put("x-ratelimit-limit-req-minute", Long.toString(REQUESTS_PER_MINUTE));
        h.put("x-ratelimit-remaining-req-minute", Long.toString(REQUESTS_PER_MINUTE - 1));
        return new Answer(200, Buffer.buffer(out.toByteArray()), h);
    }
}
