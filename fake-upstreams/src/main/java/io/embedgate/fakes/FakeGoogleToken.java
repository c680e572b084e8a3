package io.embedgate.fakes;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;

/**
 * A fake of Google's OAuth2 token endpoint for service accounts ({@code POST /token}, the jwt-bearer
 * grant of RFC 7523): checks the assertion's RS256 signature against the test key pair's public half,
 * and its {@code iss}, {@code aud}, {@code scope}, {@code iat} and {@code exp} as Google does; issues
 * {@code ya29.}-style tokens with a configurable {@code expires_in}; remembers them (with their expiry)
 * for {@link FakeVertex} to check. Errors are {@code {"error","error_description"}} as Google sends them.
 */
public final class FakeGoogleToken extends FakeUpstream {

    public static final String GRANT_TYPE = "urn:ietf:params:oauth:grant-type:jwt-bearer";
    public static final String SCOPE = "https://www.googleapis.com/auth/cloud-platform";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final PublicKey publicKey;
    private final String clientEmail;
    private final Map<String, Instant> issued = new ConcurrentHashMap<>();
    private final AtomicInteger issuedCount = new AtomicInteger();
    private volatile int expiresIn = 3599;

    private FakeGoogleToken(Options options, PublicKey publicKey, String clientEmail) {
        super(options, null);
        this.publicKey = publicKey;
        this.clientEmail = clientEmail;
    }

    /** A token endpoint that trusts the service account {@code clientEmail} holding the private half of {@code publicKey}. */
    public static FakeGoogleToken start(PublicKey publicKey, String clientEmail) {
        return start(Options.defaults(), publicKey, clientEmail);
    }

    public static FakeGoogleToken start(Options options, PublicKey publicKey, String clientEmail) {
        FakeGoogleToken fake = new FakeGoogleToken(options, publicKey, clientEmail);
        fake.listen();
        return fake;
    }

    /** The {@code token_uri} a key file names, and the {@code aud} its assertions must carry. */
    public String tokenUri() {
        return "http://127.0.0.1:" + port() + "/token";
    }

    /** The lifetime of tokens issued from now on, in seconds (Google: 3599). */
    public FakeGoogleToken expiresIn(int seconds) {
        this.expiresIn = seconds;
        return this;
    }

    /** Tokens issued since the last {@link #reset()}. */
    public int issuedCount() {
        return issuedCount.get();
    }

    /** Whether {@code token} was issued here and has not expired or been revoked. */
    public boolean valid(String token) {
        Instant until = issued.get(token);
        return until != null && Instant.now().isBefore(until);
    }

    /** Every token issued so far stops being accepted (as after a key is disabled). */
    public void revokeAll() {
        issued.clear();
    }

    @Override
    public void reset() {
        super.reset();
        issuedCount.set(0);
        expiresIn = 3599;
    }

    @Override
    protected Answer answer(HttpServerRequest request, Buffer body) {
        if (request.method() != HttpMethod.POST || !request.path().equals("/token")) {
            return Answer.json(404, "{\"error\":\"not_found\"}", Map.of());
        }
        String type = String.valueOf(request.getHeader("content-type"));
        if (!type.startsWith("application/x-www-form-urlencoded")) {
            return error("invalid_request", "Bad Request");
        }
        Map<String, String> form = form(body.toString(StandardCharsets.UTF_8));
        if (!GRANT_TYPE.equals(form.get("grant_type"))) {
            return error("unsupported_grant_type", "Invalid grant_type: " + form.getOrDefault("grant_type", ""));
        }
        String assertion = form.get("assertion");
        String[] parts = assertion == null ? new String[0] : assertion.split("\\.", -1);
        if (parts.length != 3) {
            return error("invalid_request", "Invalid JWT: Missing required segments");
        }
        JsonNode header;
        JsonNode claims;
        try {
            Base64.Decoder d = Base64.getUrlDecoder();
            header = JSON.readTree(d.decode(parts[0]));
            claims = JSON.readTree(d.decode(parts[1]));
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initVerify(publicKey);
            rsa.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            if (!rsa.verify(d.decode(parts[2]))) {
                return error("invalid_grant", "Invalid JWT Signature.");
            }
        } catch (Exception e) {
            return error("invalid_grant", "Invalid JWT Signature.");
        }
        if (!"RS256".equals(header.path("alg").asText())) {
            return error("invalid_grant", "Invalid JWT Signature.");
        }
        long now = Instant.now().getEpochSecond();
        long iat = claims.path("iat").asLong(-1);
        long exp = claims.path("exp").asLong(-1);
        if (iat < 0 || exp < 0 || exp - iat > 3600 || iat > now + 300 || exp < now) {
            return error("invalid_grant", "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. "
                    + "Check your iat and exp values in the JWT claim.");
        }
        if (!clientEmail.equals(claims.path("iss").asText())) {
            return error("invalid_grant", "Invalid grant: account not found");
        }
        if (!tokenUri().equals(claims.path("aud").asText())) {
            return error("invalid_grant", "Invalid JWT: Failed audience check. The right audience is " + tokenUri());
        }
        if (!(" " + claims.path("scope").asText() + " ").contains(" " + SCOPE + " ")) {
            return error("invalid_scope", "Invalid OAuth scope or ID token audience provided.");
        }
        String token = "ya29.c.fake" + UUID.randomUUID().toString().replace("-", "");
        issued.put(token, Instant.now().plusSeconds(expiresIn));
        issuedCount.incrementAndGet();
        return Answer.json(200, "{\"access_token\":" + quote(token) + ",\"expires_in\":" + expiresIn + ",\"token_type\":\"Bearer\"}",
                Map.of("cache-control", "no-cache, no-store, max-age=0, must-revalidate"));
    }

    @Override
    protected Answer answerMissingVector(HttpServerRequest request, Buffer body) {
        return answer(request, body);
    }

    /**
     * A service account key file's JSON for {@code privateKey} (PKCS#8 PEM, JSON-escaped as in a real
     * file), naming this endpoint as its {@code token_uri}.
     */
    public String serviceAccountJson(PrivateKey privateKey, String projectId) {
        String pem = "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, new byte[]{'\n'}).encodeToString(privateKey.getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        return "{\"type\":\"service_account\",\"project_id\":" + quote(projectId)
                + ",\"private_key_id\":\"0123456789abcdef0123456789abcdef01234567\","
                + "\"private_key\":" + quote(pem) + ",\"client_email\":" + quote(clientEmail) + ",\"client_id\":\"100000000000000000001\","
                + "\"auth_uri\":\"https://accounts.google.com/o/oauth2/auth\",\"token_uri\":" + quote(tokenUri()) + "}";
    }

    /** Google's OAuth2 error body (400). */
    public static String errorBody(String error, String description) {
        return "{\"error\":" + quote(error) + ",\"error_description\":" + quote(description) + "}";
    }

    private static Answer error(String error, String description) {
        return Answer.json(400, errorBody(error, description), Map.of());
    }

    private static Map<String, String> form(String body) {
        Map<String, String> out = new HashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }
}
