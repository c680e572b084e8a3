package io.embedgate.fakes;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.embedgate.fakes.OpenAiRequestCheck.Model;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;

/**
 * A fake of {@code POST https://api.openai.com/v1/embeddings} following
 * https://platform.openai.com/docs/api-reference/embeddings:
 * Bearer auth, float and base64 encodings, the 2048-input, 8192-token and 300k-token limits, the
 * dimensions rules, usage, and the real error bodies and headers. Base URL: {@link #baseUrl()}
 * (ends in {@code /v1}, like the SDKs' base URL).
 *
 * <p>Models: {@code text-embedding-3-small} (1536, reducible), {@code text-embedding-3-large}
 * (3072, reducible), {@code text-embedding-ada-002} (1536, fixed), and any added with {@link #model}. Vectors
 * are {@link FakeVectors#unit} of the full size, shortened per OpenAI's rule.
 *
 * <p>OpenAI-compatible hosts differ from OpenAI; each difference is a switch (default: OpenAI's behaviour),
 * see {@link #base64}, {@link #dimensionsMode}, {@link #requireInputType}, {@link #errorShape},
 * {@link #usage}, {@link #requireAuth} and {@link #maxInputs}.
 */
public class FakeOpenAi extends FakeUpstream {

    public static final String DEFAULT_KEY = "sk-fake-openai-0123456789abcdef";
    public static final int MAX_INPUTS = 2048;
    public static final int MAX_TOKENS_PER_INPUT = 8192;
    public static final int MAX_TOKENS_PER_REQUEST = 300_000;

    /** What is left, in OpenAI's six headers. */
    private static final FakeRateLimit.Headers RATE_LIMIT_HEADERS = FakeRateLimit.headers()
            .limitRequests("x-ratelimit-limit-requests").limitTokens("x-ratelimit-limit-tokens")
            .remainingRequests("x-ratelimit-remaining-requests").remainingTokens("x-ratelimit-remaining-tokens")
            .reset("x-ratelimit-reset-requests").reset("x-ratelimit-reset-tokens");

    /** What a host answers to {@code dimensions} on a model that cannot change its size. */
    public enum DimensionsMode {
        /** OpenAI's 400 "This model does not support specifying dimensions." */
        OPENAI,
        /** vLLM's 400: the model does not support Matryoshka representation [U exact text] */
        VLLM_REJECT,
        /** OpenRouter with {@code require_parameters: false}: the parameter is dropped, the full size returned */
        IGNORE
    }

    /** The envelope of error bodies. */
    public enum ErrorShape {
        /** {@code {"error":{message,type,param,code}}}: OpenAI, Azure, newer vLLM */
        OPENAI,
        /** {@code {"object":"error",message,type,param,code}}: older vLLM */
        VLLM_FLAT,
        /** {@code [{"error":{code,message,status}}]}: Gemini's OpenAI-compatible endpoint [U] */
        GEMINI_ARRAY
    }

    /** The request-body rules, with the switches that bend them ({@link #model}, {@link #base64}, {@link #dimensionsMode}, ...). */
    private final OpenAiRequestCheck check = new OpenAiRequestCheck(this::error, this::tooManyInputsMessage);
    private volatile ErrorShape errorShape = ErrorShape.OPENAI;
    private volatile boolean usage = true;
    private volatile boolean requireAuth = true;
    private volatile FakeRateLimit rateLimit;

    protected FakeOpenAi(Options options, String apiKey) {
        super(options, apiKey);
    }

    /** Serves {@code name} too: {@code dims} values, Matryoshka-reducible or not. */
    public FakeOpenAi model(String name, int dims, boolean reducible) {
        check.models.put(name, new Model(dims, reducible));
        return this;
    }

    /** false: {@code encoding_format} is ignored and vectors are always JSON numbers (LM Studio, Together [U]). */
    public FakeOpenAi base64(boolean supported) {
        check.base64 = supported;
        return this;
    }

    public FakeOpenAi dimensionsMode(DimensionsMode mode) {
        check.dimensionsMode = mode;
        return this;
    }

    /**
     * NVIDIA NIM's asymmetric models: {@code input_type} ({@code query}|{@code passage}) is required, else
     * 400 {@code {"detail":"'input_type' parameter is required for asymmetric models"}}.
     */
    public FakeOpenAi requireInputType(boolean required) {
        check.requireInputType = required;
        return this;
    }

    public FakeOpenAi errorShape(ErrorShape shape) {
        this.errorShape = shape;
        return this;
    }

    /** false: answers carry no {@code usage} (Gemini's compatible endpoint [U]). */
    public FakeOpenAi usage(boolean reported) {
        this.usage = reported;
        return this;
    }

    /** false: no key is checked (vLLM, Ollama, TEI, LM Studio, a self-hosted NIM). */
    public FakeOpenAi requireAuth(boolean required) {
        this.requireAuth = required;
        return this;
    }

    /** The most inputs one request may carry (OpenAI 2048, legacy Azure deployments 16). */
    public FakeOpenAi maxInputs(int max) {
        check.maxInputs = max;
        return this;
    }

    /**
     * Enforces these limits (null: none, the default): every answer reports what is left in the
     * {@code x-ratelimit-*} headers, and a request beyond a limit gets OpenAI's 429 with
     * {@code retry-after}, until the window ends.
     */
    public FakeOpenAi rateLimit(FakeRateLimit limit) {
        this.rateLimit = limit;
        return this;
    }

    /** Back to OpenAI's behaviour (quirks off, models and limits as shipped); recorded requests are kept. */
    public FakeOpenAi openAiBehaviour() {
        check.reset();
        errorShape = ErrorShape.OPENAI;
        usage = true;
        requireAuth = true;
        rateLimit = null;
        return this;
    }

    /** The vector this fake returns for a text input of any model it serves, including added ones. */
    public float[] vector(String model, String text, Integer dimensions) {
        float[] full = FakeVectors.unit(model, text, check.models.get(model).dims());
        return dimensions == null ? full : FakeVectors.shortened(full, dimensions);
    }

    public static FakeOpenAi start() {
        return start(Options.defaults(), DEFAULT_KEY);
    }

    public static FakeOpenAi start(Options options, String apiKey) {
        FakeOpenAi fake = new FakeOpenAi(options, apiKey);
        fake.listen();
        return fake;
    }

    /** The base URL clients configure, e.g. {@code http://127.0.0.1:PORT/v1}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port() + "/v1";
    }

    /** The vector this fake returns for a text input. */
    public static float[] expectedVector(String model, String text, Integer dimensions) {
        Model m = OpenAiRequestCheck.MODELS.get(model);
        float[] full = FakeVectors.unit(model, text, m.dims());
        return dimensions == null ? full : FakeVectors.shortened(full, dimensions);
    }

    /** The vector this fake returns for a token-id input. */
    public static float[] expectedVector(String model, int[] tokens, Integer dimensions) {
        Model m = OpenAiRequestCheck.MODELS.get(model);
        float[] full = FakeVectors.unit(model, tokens, m.dims());
        return dimensions == null ? full : FakeVectors.shortened(full, dimensions);
    }

    // ---- canned error bodies, as the real API sends them ----

    public static String errorBody(String message, String type, String param, String code) {
        return "{\"error\":{\"message\":" + quote(message) + ",\"type\":" + (type == null ? "null" : quote(type))
                + ",\"param\":" + (param == null ? "null" : quote(param)) + ",\"code\":"
                + (code == null ? "null" : quote(code)) + "}}";
    }

    /** The next answer reports {@code promptTokens} (a tokenizer that counts otherwise than the gateway's estimate). */
    public static Fault reportsUsage(long promptTokens) {
        return Fault.rewrite(b -> b.replaceAll("\"prompt_tokens\":\\d+", "\"prompt_tokens\":" + promptTokens)
                .replaceAll("\"total_tokens\":\\d+", "\"total_tokens\":" + promptTokens));
    }

    /** A 429 as OpenAI sends it on a TPM limit, with {@code retry-after} in seconds. */
    public static Fault rateLimited(double retryAfterSeconds) {
        return Fault.respond(429,
                errorBody("Rate limit reached for text-embedding-3-small in organization org-fake on tokens per min (TPM): "
                        + "Limit 1000000, Used 976163, Requested 70716. Please try again in " + retryAfterSeconds + "s. "
                        + "Visit https://platform.openai.com/account/rate-limits to learn more.", "tokens", null, "rate_limit_exceeded"),
                Map.of("retry-after", trimNumber(retryAfterSeconds), "x-ratelimit-remaining-tokens", "0",
                        "x-ratelimit-reset-tokens", trimNumber(retryAfterSeconds) + "s"));
    }

    /** A 429 carrying {@code retry-after-ms}, which the SDKs prefer over {@code retry-after}. */
    public static Fault rateLimitedMs(long retryAfterMs) {
        return Fault.respond(429, errorBody("Rate limit reached for requests", "requests", null, "rate_limit_exceeded"),
                Map.of("retry-after-ms", Long.toString(retryAfterMs), "retry-after", Long.toString((retryAfterMs + 999) / 1000)));
    }

    /** Quota exhausted: a 429 that retrying does not fix. */
    public static Fault insufficientQuota() {
        return Fault.respond(429, errorBody("You exceeded your current quota, please check your plan and billing details.",
                "insufficient_quota", null, "insufficient_quota"));
    }

    public static Fault serverError(int status) {
        return Fault.respond(status,
                errorBody(
                        status == 503 ? "The server is overloaded or not ready yet."
                                : "The server had an error while processing your request. Sorry about that!",
                        "server_error", null, null));
    }

    public static Fault forbidden() {
        return Fault.respond(403, errorBody("Project `proj_fake` does not have access to model `text-embedding-3-small`",
                "invalid_request_error", null, "model_not_found"));
    }

    /** A 200 of the normal shape whose vectors are all zeros (same sizes; base64 or numbers as asked). */
    public static Fault zeroVectors() {
        return Fault.rewrite(FakeOpenAi::zeroed);
    }

    static String zeroed(String body) {
        StringBuilder out = new StringBuilder(body.length());
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"embedding\":(\"[^\"]*\"|\\[[^\\]]*\\])").matcher(body);
        while (m.find()) {
            String v = m.group(1);
            String zero = v.startsWith("\"") ? v.replaceAll("[^\"=]", "A") : v.replaceAll("[-0-9.eE+]+", "0.0");
            m.appendReplacement(out, java.util.regex.Matcher.quoteReplacement("\"embedding\":" + zero));
        }
        return m.appendTail(out).toString();
    }

    /**
     * A normal answer from a careless upstream that echoes this fake's key back: in the {@code model}
     * field and in response headers.
     */
    public Fault echoingKey() {
        return Fault.rewrite(b -> b.replaceFirst("\"model\":\"[^\"]*\"", "\"model\":" + quote(apiKey())),
                Map.of("x-request-id", apiKey(), "openai-organization", "org-" + apiKey(), "retry-after", apiKey()));
    }

    /** An error whose message, type and code echo this fake's key, with the key in a header too. */
    public Fault errorEchoingKey(int status) {
        return Fault.respond(status, errorBody("Invalid request for key " + apiKey() + ": rejected", apiKey(), apiKey(), apiKey()),
                Map.of("x-request-id", apiKey(), "retry-after", "1"));
    }

    private static String trimNumber(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
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

    /** The route and auth checks of the host, then {@link #embed}. */
    protected Answer respond(HttpServerRequest request, Buffer body, boolean dropLast) {
        if (request.method() != HttpMethod.POST || !"/v1/embeddings".equals(request.path())) {
            return error(404, "Invalid URL (" + request.method() + " " + request.path() + ")", "invalid_request_error", null, null);
        }
        String auth = request.getHeader("authorization");
        if (!requireAuth) {
            return embed(body, null, dropLast);
        }
        if (auth == null || !auth.startsWith("Bearer ") || auth.length() == 7) {
            return error(401,
                    "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth "
                            + "(i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API from your browser "
                            + "and are prompted for a username and password. You can obtain an API key from https://platform.openai.com/account/api-keys.",
                    "invalid_request_error", null, null);
        }
        String presented = auth.substring(7);
        if (!presented.equals(apiKey())) {
            String masked = presented.length() > 8 ? presented.substring(0, 3) + "..." + presented.substring(presented.length() - 4)
                    : "***";
            return error(401,
                    "Incorrect API key provided: " + masked
                            + ". You can find your API key at https://platform.openai.com/account/api-keys.",
                    "invalid_request_error", null, "invalid_api_key");
        }
        return embed(body, null, dropLast);
    }

    /**
     * The embeddings answer to a request that passed the host's checks.
     *
     * @param servedModel the model to embed with (Azure: the deployment's), or null for the body's {@code model}
     */
    protected final Answer embed(Buffer body, String servedModel, boolean dropLast) {
        OpenAiRequestCheck.Outcome checked = check.check(body, servedModel);
        if (checked.refusal() != null) {
            return checked.refusal();
        }
        OpenAiRequestCheck.Request req = checked.request();
        String modelName = req.modelName();
        Map<String, String> headers = okHeaders();
        FakeRateLimit limit = rateLimit;
        if (limit != null) {
            FakeRateLimit.Taken taken = limit.take(req.totalTokens());
            if (!taken.allowed()) {
                return rateLimited(modelName, taken);
            }
            rateLimitHeaders().report(taken, headers);
        }
        List<Object> inputs = req.inputs();
        int size = req.model().dims();
        int count = dropLast ? inputs.size() - 1 : inputs.size();
        List<float[]> vectors = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Object in = inputs.get(i);
            float[] full = in instanceof String s ? FakeVectors.unit(modelName, s, size) : FakeVectors.unit(modelName, (int[]) in, size);
            vectors.add(req.dims() == null ? full : FakeVectors.shortened(full, req.dims()));
        }
        byte[] out = OpenAiShapedReply.print(vectors, req.base64(), modelName, usage ? req.totalTokens() : -1);
        return new Answer(200, Buffer.buffer(out), headers);
    }

    /** The headers this host reports what is left in (replacing the fixed ones of {@link #okHeaders}): OpenAI's six. */
    protected FakeRateLimit.Headers rateLimitHeaders() {
        return RATE_LIMIT_HEADERS;
    }

    /** OpenAI's 429 on a request or token limit, with {@code retry-after} and the rate-limit headers. */
    protected Answer rateLimited(String model, FakeRateLimit.Taken t) {
        String what = t.requestsExceeded() ? "requests" : "tokens";
        String per = t.requestsExceeded() ? "requests per min (RPM): Limit " + t.limitRequests() + ", Used " + t.limitRequests()
                + ", Requested 1" : "tokens per min (TPM): Limit " + t.limitTokens() + ", Used " + t.usedTokens();
        Answer a = error(429, "Rate limit reached for " + model + " in organization org-fake on " + per + ". Please try again in "
                + t.resetText() + ". Visit https://platform.openai.com/account/rate-limits to learn more.", what, null,
                "rate_limit_exceeded");
        return new Answer(429, a.body(), rateLimitHeaders().refusal(t, a.headers(), FakeRateLimit.RetryAfter.SECONDS));
    }

    /** The message of the 400 to a request over {@link #maxInputs} (OpenAI's on {@code $.input}, whatever the maximum). */
    protected String tooManyInputsMessage(int max) {
        return OpenAiRequestCheck.INVALID_INPUT;
    }

    /** Headers of a 200. */
    protected Map<String, String> okHeaders() {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("x-request-id", "req_" + UUID.randomUUID().toString().replace("-", ""));
        h.put("openai-processing-ms", "12");
        h.put("openai-version", "2020-10-01");
        h.put("openai-organization", "org-fake");
        h.put("x-ratelimit-limit-requests", "10000");
        h.put("x-ratelimit-limit-tokens", "10000000");
        h.put("x-ratelimit-remaining-requests", "9999");
        h.put("x-ratelimit-remaining-tokens", "9999000");
        h.put("x-ratelimit-reset-requests", "6ms");
        h.put("x-ratelimit-reset-tokens", "0s");
        return h;
    }

    /** An error in this host's envelope ({@link #errorShape}). */
    protected Answer error(int status, String message, String type, String param, String code) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("x-request-id", "req_" + UUID.randomUUID().toString().replace("-", ""));
        String body = switch (errorShape) {
            case OPENAI -> errorBody(message, type, param, code);
            case VLLM_FLAT -> "{\"object\":\"error\",\"message\":" + quote(message) + ",\"type\":" + quote(type == null ? "BadRequestError"
                    : type) + ",\"param\":" + (param == null ? "null" : quote(param)) + ",\"code\":" + status + "}";
            case GEMINI_ARRAY -> geminiArrayError(status, message);
        };
        return Answer.json(status, body, h);
    }

    /** Gemini's OpenAI-compatible endpoint: the Google error object inside an array [U]. */
    public static String geminiArrayError(int status, String message) {
        String state = switch (status) {
            case 400 -> "INVALID_ARGUMENT";
            case 401 -> "UNAUTHENTICATED";
            case 403 -> "PERMISSION_DENIED";
            case 404 -> "NOT_FOUND";
            case 429 -> "RESOURCE_EXHAUSTED";
            default -> "INTERNAL";
        };
        return "[{\"error\":{\"code\":" + status + ",\"message\":" + quote(message) + ",\"status\":\"" + state + "\"}}]";
    }
}
