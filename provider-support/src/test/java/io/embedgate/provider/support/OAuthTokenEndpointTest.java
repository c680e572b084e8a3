package io.embedgate.provider.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.embedgate.spi.InstanceSettings;
import io.embedgate.spi.UpstreamException;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;

/** A token endpoint on loopback answering what the test scripts; what the client sends and makes of the answers. */
class OAuthTokenEndpointTest {

    static final String SECRET = "client-secret-value-123";
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-15T12:00:00Z"), ZoneOffset.UTC);

    static Vertx vertx;
    static HttpServer server;
    static final AtomicReference<String> form = new AtomicReference<>();
    static final AtomicReference<String> contentType = new AtomicReference<>();
    static final AtomicReference<String> path = new AtomicReference<>();
    /** The next answer: status and body. */
    static volatile int status;
    static volatile String answer;

    static OAuthTokenEndpoint endpoint;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        server = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
            form.set(body.toString());
            contentType.set(request.getHeader("content-type"));
            path.set(request.uri());
            request.response().setStatusCode(status).putHeader("content-type", "application/json").end(answer);
        })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        InstanceSettings instance = new InstanceSettings("cloud", "test", Optional.of(URI.create("https://provider.example")),
                Optional.of("provider-key"), Map.of("X-Provider-Header", "never sent to the token endpoint"), Duration.ofSeconds(2), 4);
        endpoint = OAuthTokenEndpoint.connect(vertx, instance,
                URI.create("http://127.0.0.1:" + server.actualPort() + "/tenant-1/oauth2/v2.0/token"), CLOCK);
    }

    @AfterAll
    static void stop() {
        endpoint.close();
        vertx.close();
    }

    static TokenCache.Token fetch() {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("grant_type", "client_credentials");
        fields.put("client_secret", SECRET);
        fields.put("scope", "https://cognitiveservices.azure.com/.default");
        try {
            return endpoint.fetch(OAuthTokenEndpoint.form(fields), SECRET).await().atMost(Duration.ofSeconds(10));
        } catch (CompletionException e) {
            throw (RuntimeException) e.getCause();
        }
    }

    @Test
    void aFormIsPostedAndTheTokenAndItsLifetimeAreRead() {
        status = 200;
        answer = "{\"token_type\":\"Bearer\",\"expires_in\":3599,\"ext_expires_in\":3599,\"access_token\":\"eyJ0eXAi.eyJhdWQi.c2ln\"}";
        TokenCache.Token t = fetch();
        assertEquals("eyJ0eXAi.eyJhdWQi.c2ln", t.value());
        assertEquals(CLOCK.instant().plusSeconds(3599), t.expiresAt());
        assertEquals("application/x-www-form-urlencoded", contentType.get());
        assertEquals("/tenant-1/oauth2/v2.0/token", path.get());
        assertEquals("grant_type=client_credentials&client_secret=client-secret-value-123"
                + "&scope=https%3A%2F%2Fcognitiveservices.azure.com%2F.default", form.get());
    }

    @Test
    void expiresInAsAStringIsReadAndAnAbsurdLifetimeIsCapped() {
        status = 200;
        answer = "{\"access_token\":\"ya29.a0AfH6SM\",\"expires_in\":\"3600\"}";
        assertEquals(CLOCK.instant().plusSeconds(3600), fetch().expiresAt());
        answer = "{\"access_token\":\"ya29.a0AfH6SM\",\"expires_in\":99999999}";
        assertEquals(CLOCK.instant().plus(OAuthTokenEndpoint.MAX_LIFETIME), fetch().expiresAt());
    }

    @Test
    void aTokenThatCannotGoIntoAHeaderIsRefused() {
        status = 200;
        for (String bad : new String[]{"{\"access_token\":\"two words\"}", "{\"access_token\":\"line\\r\\nX-Injected: 1\"}",
                "{\"access_token\":\"\"}", "{\"expires_in\":3600}", "not json", "{\"access_token\":42}"}) {
            answer = bad;
            UpstreamException e = assertThrows(UpstreamException.class, OAuthTokenEndpointTest::fetch, bad);
            assertEquals(UpstreamException.Kind.INVALID_RESPONSE, e.kind(), bad);
            assertEquals("cloud", e.provider());
        }
    }

    @Test
    void refusedCredentialsAreAnAuthenticationErrorWithoutTheSecret() {
        status = 401;
        answer = "{\"error\":\"invalid_client\",\"error_description\":\"AADSTS7000215: Invalid client secret provided: "
                + SECRET + "\\r\\nTrace ID: 0000\",\"error_codes\":[7000215]}";
        UpstreamException e = assertThrows(UpstreamException.class, OAuthTokenEndpointTest::fetch);
        assertEquals(UpstreamException.Kind.AUTHENTICATION, e.kind());
        assertFalse(e.retryable());
        assertEquals("invalid_client", e.errorCode().orElse(null));
        assertTrue(e.getMessage().contains("AADSTS7000215"), e.getMessage());
        assertFalse(e.getMessage().contains(SECRET), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
    }

    @Test
    void aThrottledOrFailingEndpointIsRetryable() {
        status = 503;
        answer = "<html>unavailable</html>";
        UpstreamException e = assertThrows(UpstreamException.class, OAuthTokenEndpointTest::fetch);
        assertTrue(e.retryable(), e.getMessage());
        status = 429;
        answer = "{\"error\":\"temporarily_unavailable\"}";
        assertTrue(assertThrows(UpstreamException.class, OAuthTokenEndpointTest::fetch).retryable());
    }

    @Test
    void anAnswerLargerThanATokenAnswerIsCutOff() {
        status = 200;
        answer = "{\"access_token\":\"" + "a".repeat((int) OAuthTokenEndpoint.MAX_REPLY) + "\"}";
        assertEquals(UpstreamException.Kind.INVALID_RESPONSE, assertThrows(UpstreamException.class, OAuthTokenEndpointTest::fetch).kind());
    }
}
