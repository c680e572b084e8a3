package io.embedgate.fakes;

import java.io.ByteArrayOutputStream;
import java.time.Clock;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;

/**
 * A fake of AWS Bedrock Runtime's {@code POST /model/{modelId}/invoke} for embedding models
 * (providers-more.md section 1): SigV4 checked as AWS does ({@link FakeSigV4}, signing name
 * {@code bedrock}, region {@link #REGION}) or a Bedrock API key as {@code Authorization: Bearer};
 * errors as {@code {"message"}} with the type in {@code x-amzn-ErrorType}; usage in the
 * {@code X-Amzn-Bedrock-Input-Token-Count} header. The model id is percent-decoded from the raw path;
 * inference profiles ({@code us.}, {@code eu.}, {@code apac.}, {@code global.}) and ARNs naming a model
 * are served as that model, other ARNs through {@link #alias}.
 *
 * <p>This class is that envelope; each model family's body is its own class: {@link BedrockTitan}
 * ({@code amazon.titan-embed-text-v2:0}, {@code amazon.titan-embed-text-v1}) and {@link BedrockCohere}
 * ({@code cohere.embed-english-v3}, {@code cohere.embed-multilingual-v3}, {@code cohere.embed-v4:0}).
 *
 * <p>Unverified behaviour is switchable: whether v4 answers {@code embeddings_by_type} even without
 * {@code embedding_types} ({@link #v4AlwaysByType}, no), which {@code truncate} spellings v4 takes
 * ({@link #v4Truncate}, both START/END and LEFT/RIGHT), Titan's {@code binary} layout
 * ({@link #titanBinaryPacked}, one 0/1 per dimension), whether Titan sends {@code embedding} when only
 * binary was asked for ({@link #titanEmbeddingAlways}, yes), whether the token-count header is sent
 * ({@link #tokenCountHeader}, yes).
 */
public final class FakeBedrock extends FakeUpstream {

    public static final String REGION = "us-east-1";
    public static final String SERVICE = "bedrock";
    public static final String ACCESS_KEY_ID = "AKIAFAKEBEDROCK00001";
    public static final String SECRET_ACCESS_KEY = "FakeBedrockSecret/K7MDENG+bPxRfiCYEXAMPLEKEY";
    /** A second key pair, for temporary credentials: requests must carry and sign this session token. */
    public static final String SESSION_ACCESS_KEY_ID = "ASIAFAKEBEDROCK00002";
    public static final String SESSION_SECRET_ACCESS_KEY = "FakeBedrockSessionSecret/bPxRfiCYEXAMPLEKEY";
    public static final String SESSION_TOKEN = "FwoGZXIvYXdzEFakeBedrockSessionToken0123456789abcdefghijklmnop";
    public static final String API_KEY = "bedrock-api-key-RmFrZUJlZHJvY2tBcGlLZXkwMTIzNDU2Nzg5";
    public static final String TOKEN_COUNT_HEADER = "X-Amzn-Bedrock-Input-Token-Count";
    public static final int MAX_TEXTS = 96;
    public static final int MAX_CHARS = 2048;
    public static final double INT8_RANGE = 0.1;
    /** What Titan v2 vectors are multiplied by when {@code normalize} is false: visibly not unit length. */
    public static final float UNNORMALIZED_SCALE = 3.5f;

    static final String TITAN_V2 = "amazon.titan-embed-text-v2:0";
    static final String TITAN_G1 = "amazon.titan-embed-text-v1";
    static final String COHERE_V4 = "cohere.embed-v4:0";
    private static final List<String> PROFILE_PREFIXES = List.of("us.", "eu.", "apac.", "global.");

    /** A model as the families serve it: its base id, native size, context in tokens, and which family. */
    record Model(String id, int dims, int context, boolean cohere, boolean v4) {
    }

    private static final Map<String, Model> MODELS = Map.of(
            TITAN_V2, new Model(TITAN_V2, 1024, 8192, false, false),
            TITAN_G1, new Model(TITAN_G1, 1536, 8192, false, false),
            "amazon.titan-embed-g1-text-02", new Model(TITAN_G1, 1536, 8192, false, false),
            "cohere.embed-english-v3", new Model("cohere.embed-english-v3", 1024, 512, true, false),
            "cohere.embed-multilingual-v3", new Model("cohere.embed-multilingual-v3", 1024, 512, true, false),
            COHERE_V4, new Model(COHERE_V4, 1536, 128_000, true, true));

    private final Map<String, FakeSigV4.Credential> credentials = new ConcurrentHashMap<>();
    private final Set<String> apiKeys = ConcurrentHashMap.newKeySet();
    private final Map<String, String> aliases = new ConcurrentHashMap<>();
    private volatile Clock clock = Clock.systemUTC();
    private volatile boolean tokenCountHeader = true;
    /** The families with their [U] switches; {@link #defaults} replaces them with fresh ones. */
    private volatile BedrockTitan titan = new BedrockTitan();
    private volatile BedrockCohere cohere = new BedrockCohere();

    private FakeBedrock(Options options) {
        super(options, API_KEY);
    }

    public static FakeBedrock start() {
        return start(Options.defaults());
    }

    public static FakeBedrock start(Options options) {
        FakeBedrock fake = new FakeBedrock(options);
        fake.defaults();
        fake.listen();
        return fake;
    }

    /** The base URL clients configure instead of {@code https://bedrock-runtime.us-east-1.amazonaws.com}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    /** Accepts SigV4 signatures by this key pair; a non-null {@code sessionToken} must then be sent and signed. */
    public FakeBedrock credentials(String accessKeyId, String secret, String sessionToken) {
        credentials.put(accessKeyId, new FakeSigV4.Credential(secret, sessionToken));
        return this;
    }

    /** Accepts this Bedrock API key as {@code Authorization: Bearer}. */
    public FakeBedrock acceptApiKey(String key) {
        apiKeys.add(key);
        return this;
    }

    /** Serves {@code modelId} (e.g. a provisioned-throughput ARN) as the known model {@code baseModel}. */
    public FakeBedrock alias(String modelId, String baseModel) {
        aliases.put(modelId, baseModel);
        return this;
    }

    /** What signatures are checked against (their ±5 minute window). */
    public FakeBedrock clock(Clock c) {
        this.clock = c;
        return this;
    }

    /** [U] Whether Cohere v4 answers {@code embeddings_by_type} even without {@code embedding_types}. */
    public FakeBedrock v4AlwaysByType(boolean v) {
        cohere.v4AlwaysByType = v;
        return this;
    }

    /** [U] The {@code truncate} values v4 takes (the v4 page says NONE/LEFT/RIGHT; v3 takes NONE/START/END). */
    public FakeBedrock v4Truncate(List<String> values) {
        cohere.v4Truncate = List.copyOf(values);
        return this;
    }

    /** [U] Titan {@code binary} as packed bytes (dims/8 values 0..255) instead of one 0/1 per dimension. */
    public FakeBedrock titanBinaryPacked(boolean v) {
        titan.binaryPacked = v;
        return this;
    }

    /** [U] Whether Titan sends {@code embedding} (floats) when only {@code binary} was asked for. */
    public FakeBedrock titanEmbeddingAlways(boolean v) {
        titan.embeddingAlways = v;
        return this;
    }

    /** [U] Whether replies carry {@code X-Amzn-Bedrock-Input-Token-Count}. */
    public FakeBedrock tokenCountHeader(boolean v) {
        this.tokenCountHeader = v;
        return this;
    }

    /** Back to the default credentials and switches (the clock too). */
    public FakeBedrock defaults() {
        credentials.clear();
        apiKeys.clear();
        aliases.clear();
        credentials(ACCESS_KEY_ID, SECRET_ACCESS_KEY, null);
        credentials(SESSION_ACCESS_KEY_ID, SESSION_SECRET_ACCESS_KEY, SESSION_TOKEN);
        acceptApiKey(API_KEY);
        clock = Clock.systemUTC();
        tokenCountHeader = true;
        titan = new BedrockTitan();
        cohere = new BedrockCohere();
        return this;
    }

    // ---- expected vectors ----

    /** Titan v2's vector for a text: unit length, or scaled by {@link #UNNORMALIZED_SCALE} when {@code normalize} is false. */
    public static float[] expectedTitanV2(String text, Integer dims, boolean normalize) {
        float[] full = FakeVectors.unit(TITAN_V2, text, 1024);
        float[] v = dims == null || dims == 1024 ? full : FakeVectors.shortened(full, dims);
        if (!normalize) {
            for (int i = 0; i < v.length; i++) {
                v[i] *= UNNORMALIZED_SCALE;
            }
        }
        return v;
    }

    /** Titan G1's vector: 1,536 values, not unit length. */
    public static float[] expectedTitanG1(String text) {
        return FakeVectors.raw(FakeVectors.seed(TITAN_G1, text), 1536);
    }

    /** A Cohere model's float vector (base id, e.g. {@code cohere.embed-v4:0}); {@code dims} null for the native size. */
    public static float[] expectedCohere(String model, String inputType, String text, Integer dims) {
        Model m = MODELS.get(model);
        float[] full = FakeVectors.unit(m.id() + "\n" + inputType, text, m.dims());
        return dims == null || dims == m.dims() ? full : FakeVectors.shortened(full, dims);
    }

    /** A Cohere model's values of a quantised type, with the default packing rule. */
    public static int[] expectedCohereInts(String model, String inputType, String text, Integer dims, String dtype) {
        return FakeQuantization.of(expectedCohere(model, inputType, text, dims), dtype, INT8_RANGE, false);
    }

    // ---- canned errors, as Bedrock sends them ----

    /** An error reply: {@code {"message"}} with the type in {@code x-amzn-ErrorType}, as the real header looks. */
    public static Fault error(int status, String type, String message) {
        return Fault.respond(status, errorBody(message), errorHeaders(type));
    }

    static String errorBody(String message) {
        return "{\"message\":" + quote(message) + "}";
    }

    /** Bedrock's message when a body fails the model's schema. */
    static String malformed(String detail) {
        return "Malformed input request: " + detail + ", please reformat your input and try again.";
    }

    static Map<String, String> errorHeaders(String type) {
        return Map.of("x-amzn-ErrorType", type + ":http://internal.amazon.com/coral/com.amazon.bedrock/", "x-amzn-RequestId",
                UUID.randomUUID().toString());
    }

    public static Fault throttling() {
        return error(429, "ThrottlingException", "Too many requests, please wait before trying again.");
    }

    public static Fault validation() {
        return error(400, "ValidationException", malformed("2 schema violations found"));
    }

    public static Fault quotaExceeded() {
        return error(400, "ServiceQuotaExceededException", "Your request exceeds the service quota for your account.");
    }

    public static Fault accessDenied() {
        return error(403, "AccessDeniedException", "You don't have access to the model with the specified model ID.");
    }

    public static Fault expiredToken() {
        return error(403, "ExpiredTokenException", "The security token included in the request is expired");
    }

    public static Fault notFound() {
        return error(404, "ResourceNotFoundException", "Could not resolve the foundation model from the provided model identifier.");
    }

    public static Fault modelTimeout() {
        return error(408, "ModelTimeoutException", "Model has timed out in processing the request. Try your request again.");
    }

    public static Fault modelError() {
        return error(424, "ModelErrorException", "The model returned an error: internal failure.");
    }

    public static Fault modelNotReady() {
        return error(429, "ModelNotReadyException", "Model is not ready to serve inference requests. Try again.");
    }

    public static Fault internalError() {
        return error(500, "InternalServerException", "Internal server error.");
    }

    public static Fault serviceUnavailable() {
        return error(503, "ServiceUnavailableException", "Bedrock is unable to process your request.");
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

    private static Answer refuse(int status, String type, String message) {
        Map<String, String> headers = new LinkedHashMap<>(errorHeaders(type));
        return new Answer(status, Buffer.buffer(errorBody(message)), headers);
    }

    private static Answer invalid(String message) {
        return refuse(400, "ValidationException", message);
    }

    private Answer respond(HttpServerRequest request, Buffer body, boolean dropLast) {
        String rawPath = request.path();
        if (request.method() != HttpMethod.POST || !rawPath.startsWith("/model/") || !rawPath.endsWith("/invoke")
                || rawPath.length() <= "/model//invoke".length()) {
            return refuse(404, "UnknownOperationException", "Unknown operation");
        }
        Answer refused = authenticate(request, rawPath, body.getBytes());
        if (refused != null) {
            return refused;
        }
        String modelId = percentDecode(rawPath.substring("/model/".length(), rawPath.length() - "/invoke".length()));
        Model model = model(modelId);
        if (model == null) {
            return refuse(404, "ResourceNotFoundException", "Could not resolve the foundation model from the provided model identifier.");
        }
        String type = request.getHeader("content-type");
        if (type == null || !type.startsWith("application/json")) {
            return invalid("Malformed input request, please reformat your input and try again.");
        }
        JsonNode req = jsonObject(body);
        if (req == null) {
            return invalid("Malformed input request, please reformat your input and try again.");
        }
        BedrockFamily family = model.cohere() ? cohere : titan;
        BedrockFamily.Reply reply = family.invoke(model, req, dropLast);
        return reply.invalid() != null ? invalid(reply.invalid()) : ok(reply);
    }

    /** Null when the request carries an accepted API key or a valid signature; the refusal otherwise. */
    private Answer authenticate(HttpServerRequest request, String rawPath, byte[] body) {
        String auth = request.getHeader("authorization");
        if (auth != null && auth.startsWith("Bearer ")) {
            // [U] what a bad or expired API key gets: a 403 with the usual body is assumed.
            return apiKeys.contains(auth.substring(7).trim()) ? null
                    : refuse(403, "UnrecognizedClientException", "The security token included in the request is invalid.");
        }
        FakeSigV4.Refusal r = FakeSigV4.verify(request.method().name(), rawPath, name -> request.headers().getAll(name), body,
                credentials::get, REGION, SERVICE, clock.instant());
        return r == null ? null : refuse(403, r.type(), r.message());
    }

    private Model model(String modelId) {
        String id = aliases.getOrDefault(modelId, modelId);
        if (id.startsWith("arn:aws:bedrock:") && (id.contains(":foundation-model/") || id.contains(":inference-profile/"))) {
            id = id.substring(id.lastIndexOf('/') + 1);
        }
        for (String prefix : PROFILE_PREFIXES) {
            if (id.startsWith(prefix)) {
                id = id.substring(prefix.length());
                break;
            }
        }
        return MODELS.get(id);
    }

    /** A family's 200 in Bedrock's headers, the input tokens in {@link #TOKEN_COUNT_HEADER} unless switched off. */
    private Answer ok(BedrockFamily.Reply reply) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("x-amzn-RequestId", UUID.randomUUID().toString());
        headers.put("X-Amzn-Bedrock-Invocation-Latency", "12");
        if (tokenCountHeader) {
            headers.put(TOKEN_COUNT_HEADER, Long.toString(reply.inputTokens()));
        }
        return new Answer(200, Buffer.buffer(reply.body()), headers);
    }

    /** A path label percent-decoded (no {@code +} for space: this is a path, not a form). */
    static String percentDecode(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            int hex = c == '%' && i + 2 < s.length() && HexFormat.isHexDigit(s.charAt(i + 1)) && HexFormat.isHexDigit(s.charAt(i + 2))
                    ? HexFormat.fromHexDigits(s, i + 1, i + 3)
                    : -1;
            if (hex >= 0) {
                out.write(hex);
                i += 2;
            } else {
                out.write(c);
            }
        }
        return out.toString(java.nio.charset.StandardCharsets.UTF_8);
    }
}
