package io.embedgate.fakes;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;

/**
 * A fake Azure OpenAI resource ({@code https://{resource}.openai.azure.com}), per providers.md section 2:
 * the classic route {@code POST /openai/deployments/{deployment}/embeddings?api-version=..} (api-version
 * mandatory) and the v1 route {@code POST /openai/v1/embeddings} (body {@code model} = deployment), the
 * {@code api-key} header or an Entra ID {@code Authorization: Bearer} token that {@link #acceptTokens} accepts (any
 * other Bearer token gets the Entra ID gateway's {@code {"statusCode":401}} body),
 * Azure's error bodies ({@code code} a string), {@code apim-request-id} and the remaining-only rate-limit
 * headers. Embeddings are {@link FakeOpenAi}'s, by the deployment's model. The legacy 16-input cap is
 * {@link #maxInputs}{@code (16)}.
 */
public final class FakeAzureOpenAi extends FakeOpenAi {

    public static final String DEFAULT_KEY = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";
    public static final String ACCESS_DENIED = "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a "
            + "valid key for an active subscription and use a correct regional API endpoint for your resource.";

    public static final String ENTRA_UNAUTHORIZED = "{\"statusCode\":401,\"message\":\"Unauthorized. Access token is missing, invalid, "
            + "audience is incorrect (https://cognitiveservices.azure.com), or have expired.\"}";

    /** What Azure reports by default: what is left, without the limit or the reset. */
    private static final FakeRateLimit.Headers REMAINING_HEADERS = FakeRateLimit.headers()
            .remainingRequests("x-ratelimit-remaining-requests").remainingTokens("x-ratelimit-remaining-tokens");

    private final Map<String, String> deployments = new ConcurrentHashMap<>();
    /** Which Bearer tokens are good (e.g. {@link FakeEntraId#verifier}); none by default. */
    private volatile Predicate<String> tokens = token -> false;
    private volatile boolean limitAndReset;

    private FakeAzureOpenAi(Options options, String apiKey) {
        super(options, apiKey);
        for (String model : new String[]{"text-embedding-3-small", "text-embedding-3-large", "text-embedding-ada-002"}) {
            deployments.put(model, model);
        }
    }

    /** A resource with one deployment per OpenAI embedding model, each named after its model. */
    public static FakeAzureOpenAi start() {
        return start(Options.defaults(), DEFAULT_KEY);
    }

    public static FakeAzureOpenAi start(Options options, String apiKey) {
        FakeAzureOpenAi fake = new FakeAzureOpenAi(options, apiKey);
        fake.listen();
        return fake;
    }

    /** Adds a deployment of {@code model}. */
    public FakeAzureOpenAi deploy(String deployment, String model) {
        deployments.put(deployment, model);
        return this;
    }

    /** Accepts {@code Authorization: Bearer <token>} for the tokens {@code verifier} accepts, as a resource trusting Entra ID does. */
    public FakeAzureOpenAi acceptTokens(Predicate<String> verifier) {
        this.tokens = verifier;
        return this;
    }

    /** The resource endpoint, e.g. {@code http://127.0.0.1:PORT} (no path, like {@code AZURE_OPENAI_ENDPOINT}). */
    @Override
    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    /** Azure's 429, with {@code retry-after} (seconds) and {@code retry-after-ms}. */
    public static Fault rateLimited(int retryAfterSeconds) {
        return Fault.respond(429, rateLimitedBody(retryAfterSeconds),
                Map.of("retry-after", Integer.toString(retryAfterSeconds), "retry-after-ms", Integer.toString(retryAfterSeconds * 1000),
                        "apim-request-id", UUID.randomUUID().toString(), "x-ratelimit-remaining-requests", "0",
                        "x-ratelimit-remaining-tokens", "0"));
    }

    private static String rateLimitedBody(long retryAfterSeconds) {
        return azureError("429", "Requests to the Embeddings_Create Operation under Azure OpenAI API version 2024-06-01 have exceeded "
                + "call rate limit of your current OpenAI S0 pricing tier. Please retry after " + retryAfterSeconds + " seconds. Please go "
                + "here: https://aka.ms/oai/quotaincrease if you would like to further increase the default rate limit.");
    }

    /**
     * Azure's 403 for an Entra ID principal without a data-plane role (Cognitive Services OpenAI User): the
     * token is good, the principal may not call the deployment.
     */
    public static Fault permissionDenied(String principalId) {
        return Fault.respond(403, azureError("PermissionDenied", "The principal `" + principalId + "` lacks the required data action "
                + "`Microsoft.CognitiveServices/accounts/OpenAI/deployments/embeddings/action` to perform "
                + "`POST /openai/deployments/{deployment-id}/embeddings` operation."),
                Map.of("apim-request-id", UUID.randomUUID().toString()));
    }

    /** Azure's 401 for an Entra ID token it does not accept (revoked, expired, another audience), whatever the token. */
    public static Fault entraUnauthorized() {
        return Fault.respond(401, ENTRA_UNAUTHORIZED, Map.of("apim-request-id", UUID.randomUUID().toString()));
    }

    /** {@code {"error":{"code":"<code>","message":...}}}: Azure's own envelope, {@code code} a string. */
    public static String azureError(String code, String message) {
        return "{\"error\":{\"code\":" + quote(code) + ",\"message\":" + quote(message) + "}}";
    }

    @Override
    protected Answer respond(HttpServerRequest request, Buffer body, boolean dropLast) {
        String path = request.path();
        boolean v1 = "/openai/v1/embeddings".equals(path);
        boolean classic = path.startsWith("/openai/deployments/") && path.endsWith("/embeddings");
        String version = request.getParam("api-version");
        if (request.method() != HttpMethod.POST || !(v1 || classic) || classic && (version == null || version.isBlank())) {
            return azure(404, "404", "Resource not found");
        }
        String key = request.getHeader("api-key");
        String auth = request.getHeader("authorization");
        if (key == null && auth != null && auth.startsWith("Bearer ")) {
            if (!tokens.test(auth.substring("Bearer ".length()))) {
                return new Answer(401, Buffer.buffer(ENTRA_UNAUTHORIZED), headers());
            }
        } else if (key == null || !key.equals(apiKey())) {
            return azure(401, "401", ACCESS_DENIED);
        }
        String deployment = classic ? decode(path.substring("/openai/deployments/".length(), path.length() - "/embeddings".length()))
                : bodyModel(body);
        if (deployment == null) {
            return embed(body, null, dropLast); // OpenAI's 400 for a body without a model
        }
        String model = deployments.get(deployment);
        if (model == null) {
            return azure(404, "DeploymentNotFound", "The API deployment for this resource does not exist. If you created the deployment "
                    + "within the last 5 minutes, please wait a moment and try again.");
        }
        return embed(body, model, dropLast);
    }

    @Override
    protected String tooManyInputsMessage(int max) {
        return "Too many inputs. The max number of inputs is " + max + ".  We hope to increase the number of inputs per request "
                + "soon. Please contact us through an Azure support request at: https://go.microsoft.com/fwlink/?linkid=2213926 for further "
                + "questions.";
    }

    /**
     * Azure sends what is left (requests and tokens), not the limit or the reset; {@code true} sends
     * those too, OpenAI's way (whether a deployment ever does is unverified).
     */
    public FakeAzureOpenAi limitAndResetHeaders(boolean sent) {
        this.limitAndReset = sent;
        return this;
    }

    @Override
    protected FakeRateLimit.Headers rateLimitHeaders() {
        return limitAndReset ? super.rateLimitHeaders() : REMAINING_HEADERS;
    }

    /** Azure's 429 (the body of {@link #rateLimited(int)}) with what is left, {@code retry-after} and {@code retry-after-ms}. */
    @Override
    protected Answer rateLimited(String model, FakeRateLimit.Taken t) {
        return new Answer(429, Buffer.buffer(rateLimitedBody(t.resetSeconds())),
                rateLimitHeaders().refusal(t, headers(), FakeRateLimit.RetryAfter.SECONDS_AND_MILLIS));
    }

    @Override
    protected Map<String, String> okHeaders() {
        Map<String, String> h = headers();
        h.put("x-ratelimit-remaining-requests", "119");
        h.put("x-ratelimit-remaining-tokens", "119000");
        return h;
    }

    private static Map<String, String> headers() {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("apim-request-id", UUID.randomUUID().toString());
        return h;
    }

    private static Answer azure(int status, String code, String message) {
        return new Answer(status, Buffer.buffer(azureError(code, message)), headers());
    }

    private static String decode(String segment) {
        return java.net.URLDecoder.decode(segment.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
    }

    private static String bodyModel(Buffer body) {
        var req = jsonObject(body);
        var node = req == null ? null : req.get("model");
        return node != null && node.isTextual() ? node.asText() : null;
    }
}
