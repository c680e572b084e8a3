package io.embedgate.fakes;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;

/**
 * A fake Microsoft Entra ID token endpoint for the client-credentials grant:
 * {@code POST /{tenant}/oauth2/v2.0/token} with a form body {@code grant_type=client_credentials&client_id&
 * client_secret&scope=<resource>/.default}, answered by {@code {"token_type":"Bearer","expires_in",
 * "ext_expires_in","access_token"}} or Entra's error body ({@code error}, {@code error_description} starting
 * with an AADSTS code and ending in trace and correlation ids, {@code error_codes}, ...). Access tokens are
 * JWT-shaped ({@code eyJ..}: header, payload with {@code aud}, {@code tid}, {@code appid}, {@code exp}, and a
 * signature nobody checks); the fake remembers them so that {@link FakeAzureOpenAi} can accept exactly
 * the live ones ({@link #verifier}), and a test can revoke one.
 */
public final class FakeEntraId extends FakeUpstream {

    public static final String TENANT = "0b6f4a3e-7c1d-4e2f-9a8b-5c6d7e8f9a0b";
    public static final String CLIENT_ID = "3f2e1d0c-b9a8-4766-8554-433221100fed";
    /** Shaped like an Entra client secret value (three characters, a digit, {@code Q~}, then 34 more). */
    public static final String CLIENT_SECRET = "Xk38Q~fakeEntraClientSecret.0123456789ab";
    public static final String COGNITIVE_SERVICES = "https://cognitiveservices.azure.com";

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'").withZone(ZoneOffset.UTC);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

    /** A token this fake issued: for whom, and until when. */
    private record Issued(String audience, Instant expiresAt) {
    }

    private final Set<String> tenants = ConcurrentHashMap.newKeySet();
    private final Map<String, String> clients = new ConcurrentHashMap<>();
    private final Set<String> resources = ConcurrentHashMap.newKeySet();
    private final Map<String, Issued> live = new ConcurrentHashMap<>();
    private final List<String> issued = Collections.synchronizedList(new ArrayList<>());
    private volatile long expiresIn = 3599;

    private FakeEntraId(Options options) {
        super(options, CLIENT_SECRET);
        tenants.add(TENANT);
        clients.put(CLIENT_ID, CLIENT_SECRET);
        resources.add(COGNITIVE_SERVICES);
    }

    /** A tenant {@link #TENANT} with one app registration, {@link #CLIENT_ID} / {@link #CLIENT_SECRET}. */
    public static FakeEntraId start() {
        return start(Options.defaults());
    }

    public static FakeEntraId start(Options options) {
        FakeEntraId fake = new FakeEntraId(options);
        fake.listen();
        return fake;
    }

    /** The authority host, as {@code AZURE_AUTHORITY_HOST} names it: {@code http://127.0.0.1:PORT}. */
    public String authorityHost() {
        return "http://127.0.0.1:" + port();
    }

    /** Another tenant (a GUID or a verified domain name) that this fake knows. */
    public FakeEntraId tenant(String tenant) {
        tenants.add(tenant);
        return this;
    }

    /** Another app registration with its secret. */
    public FakeEntraId client(String clientId, String secret) {
        clients.put(clientId, secret);
        return this;
    }

    /** The lifetime of tokens issued from now on ({@code expires_in}; Entra's default is 3599). */
    public FakeEntraId expiresIn(long seconds) {
        this.expiresIn = seconds;
        return this;
    }

    /** How many tokens were issued since the start (not cleared by {@link #reset()}, which only forgets requests). */
    public int tokensIssued() {
        return issued.size();
    }

    /** Every token issued since the start, in order. */
    public List<String> issuedTokens() {
        synchronized (issued) {
            return List.copyOf(issued);
        }
    }

    /** Forgets a token: the resource then refuses it as if it were revoked. */
    public void revoke(String token) {
        live.remove(token);
    }

    /** Whether {@code token} was issued by this fake for {@code audience}, is not revoked and has not expired. */
    public boolean accepts(String token, String audience) {
        Issued i = token == null ? null : live.get(token);
        return i != null && i.audience().equals(audience) && Instant.now().isBefore(i.expiresAt());
    }

    /** The check a resource of {@code audience} makes, for {@link FakeAzureOpenAi#acceptTokens}. */
    public Predicate<String> verifier(String audience) {
        return token -> accepts(token, audience);
    }

    @Override
    protected Answer answer(HttpServerRequest request, Buffer body) {
        String path = request.path();
        String suffix = "/oauth2/v2.0/token";
        if (request.method() != HttpMethod.POST || !path.endsWith(suffix) || path.indexOf('/', 1) != path.length() - suffix.length()) {
            return new Answer(404, Buffer.buffer(""), Map.of());
        }
        String tenant = path.substring(1, path.length() - suffix.length());
        Map<String, String> form = form(body.toString(StandardCharsets.UTF_8));
        if (!tenants.contains(tenant)) {
            return error(400, "invalid_request", 90002, "Tenant '" + tenant + "' not found. Check to make sure you have the correct tenant "
                    + "ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there "
                    + "are no active subscriptions for the tenant.");
        }
        String grant = form.get("grant_type");
        if (grant == null) {
            return error(400, "invalid_request", 900144, "The request body must contain the following parameter: 'grant_type'.");
        }
        if (!grant.equals("client_credentials")) {
            return error(400, "unsupported_grant_type", 70003, "The app requested an unsupported grant type '" + grant + "'.");
        }
        String clientId = form.get("client_id");
        if (clientId == null) {
            return error(400, "invalid_request", 900144, "The request body must contain the following parameter: 'client_id'.");
        }
        String scope = form.get("scope");
        if (scope == null) {
            return error(400, "invalid_request", 90014,
                    "The required field 'scope' is missing from the credential. Ensure that you have all the necessary parameters for "
                            + "the login request.");
        }
        String secret = clients.get(clientId);
        if (secret == null) {
            return error(400, "unauthorized_client", 700016, "Application with identifier '" + clientId + "' was not found in the "
                    + "directory '" + tenant + "'. This can happen if the application has not been installed by the administrator of "
                    + "the tenant or consented to by any user in the tenant. You may have sent your authentication request to the "
                    + "wrong tenant.");
        }
        String sent = form.get("client_secret");
        if (sent == null) {
            return error(401, "invalid_client", 7000216,
                    "'client_assertion', 'client_secret' or 'request' is required for the 'client_credentials' grant type.");
        }
        if (!sent.equals(secret)) {
            return error(401, "invalid_client", 7000215, "Invalid client secret provided. Ensure the secret being sent in the request is "
                    + "the client secret value, not the client secret ID, for a secret added to app '" + clientId + "'.");
        }
        if (!scope.endsWith("/.default")) {
            return error(400, "invalid_scope", 1002012, "The provided value for scope " + scope + " is not valid. Client credential "
                    + "flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).");
        }
        String resource = scope.substring(0, scope.length() - "/.default".length());
        if (!resources.contains(resource)) {
            return error(400, "invalid_resource", 500011, "The resource principal named " + resource + " was not found in the tenant "
                    + "named " + tenant + ". This can happen if the application has not been installed by the administrator of the "
                    + "tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong "
                    + "tenant.");
        }
        long life = expiresIn;
        Instant now = Instant.now();
        String token = jwt(tenant, clientId, resource, now, life);
        live.put(token, new Issued(resource, now.plusSeconds(life)));
        issued.add(token);
        return Answer.json(200, "{\"token_type\":\"Bearer\",\"expires_in\":" + life + ",\"ext_expires_in\":" + life
                + ",\"access_token\":" + quote(token) + "}", noCache());
    }

    @Override
    protected Answer answerMissingVector(HttpServerRequest request, Buffer body) {
        return answer(request, body);
    }

    /** A JWT-shaped token: what a resource (and a redactor) sees; its signature is random bytes. */
    private static String jwt(String tenant, String clientId, String audience, Instant now, long life) {
        String header = "{\"typ\":\"JWT\",\"alg\":\"RS256\",\"kid\":\"fake-entra-key\"}";
        String payload = "{\"aud\":" + quote(audience) + ",\"iss\":" + quote("https://sts.windows.net/" + tenant + "/") + ",\"iat\":"
                + now.getEpochSecond() + ",\"nbf\":" + now.getEpochSecond() + ",\"exp\":" + (now.getEpochSecond() + life)
                + ",\"appid\":" + quote(clientId) + ",\"tid\":" + quote(tenant) + ",\"uti\":" + quote(UUID.randomUUID().toString())
                + ",\"ver\":\"1.0\"}";
        byte[] signature = new byte[64];
        RANDOM.nextBytes(signature);
        return B64URL.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
                + B64URL.encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "." + B64URL.encodeToString(signature);
    }

    /** Entra's error body: the AADSTS code leads the description, the trace and correlation ids end it. */
    private static Answer error(int status, String error, int code, String message) {
        String trace = UUID.randomUUID().toString();
        String correlation = UUID.randomUUID().toString();
        String stamp = STAMP.format(Instant.now());
        String description = "AADSTS" + code + ": " + message + "\r\nTrace ID: " + trace + "\r\nCorrelation ID: " + correlation
                + "\r\nTimestamp: " + stamp;
        return Answer.json(status, "{\"error\":" + quote(error) + ",\"error_description\":" + quote(description) + ",\"error_codes\":["
                + code + "],\"timestamp\":" + quote(stamp) + ",\"trace_id\":" + quote(trace) + ",\"correlation_id\":" + quote(correlation)
                + ",\"error_uri\":" + quote("https://login.microsoftonline.com/error?code=" + code) + "}", noCache());
    }

    private static Map<String, String> noCache() {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("cache-control", "no-store, no-cache");
        h.put("x-ms-request-id", UUID.randomUUID().toString());
        return h;
    }

    private static Map<String, String> form(String body) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = eq < 0 ? pair : pair.substring(0, eq);
            String v = eq < 0 ? "" : pair.substring(eq + 1);
            out.put(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
        }
        return out;
    }
}
