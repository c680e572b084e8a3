package io.embedgate.provider.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.embedgate.spi.Deadline;
import io.embedgate.spi.Embedding;
import io.embedgate.spi.EmbeddingCall;
import io.embedgate.spi.EmbeddingInputs;
import io.embedgate.spi.EmbeddingResult;
import io.embedgate.spi.InstanceSettings;
import io.embedgate.spi.OutputDtype;
import io.embedgate.spi.ReplySize;
import io.embedgate.spi.Secrets;
import io.embedgate.spi.UpstreamException;
import io.embedgate.spi.Usage;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;

/**
 * A client with an {@link UpstreamAuth}: each request carries the headers the auth gives for exactly
 * the bytes, Host and path that go on the wire (a server recomputes a SigV4 signature from what it
 * received), and the auth's live secrets are removed from the provider's error messages.
 */
class AuthorisedCallTest {

    static final AwsSigV4.Credentials CREDENTIALS = new AwsSigV4.Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            Optional.of("session-token-value"));
    static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    static Vertx vertx;
    static HttpServer server;
    static final AtomicInteger accepted = new AtomicInteger();
    static final AtomicInteger unauthorized = new AtomicInteger();
    static final List<String> bearerCalls = new java.util.concurrent.CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        server = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
            if (request.uri().endsWith("/bearer")) {
                bearerCalls.add(String.valueOf(request.getHeader("authorization")));
                boolean good = "Bearer good".equals(request.getHeader("authorization"));
                request.response().setStatusCode(good ? 200 : 401).putHeader("content-type", "application/json")
                        .end(good ? "{\"ok\":true}" : "{\"message\":\"token refused\"}");
                return;
            }
            if (request.uri().endsWith("/always-401")) {
                unauthorized.incrementAndGet();
                request.response().setStatusCode(401).end("{\"message\":\"no\"}");
                return;
            }
            // What a server checks: the signature over the raw path, Host, content-type and body it received.
            Instant at = Instant.from(AMZ_DATE.parse(request.getHeader("x-amz-date")));
            Map<String, String> expected = AwsSigV4.sign("POST", request.getHeader("host"), request.uri(),
                    Map.of("content-type", request.getHeader("content-type")), body.getBytes(), CREDENTIALS, "us-east-1", "bedrock", at);
            boolean ok = expected.get("Authorization").equals(request.getHeader("authorization"))
                    && "session-token-value".equals(request.getHeader("x-amz-security-token"));
            if (request.uri().endsWith("/echo-error")) {
                request.response().setStatusCode(400).putHeader("content-type", "application/json")
                        .end("{\"message\":\"rejected token session-token-value\"}");
            } else if (ok) {
                accepted.incrementAndGet();
                request.response().putHeader("content-type", "application/json").end("{\"ok\":true}");
            } else {
                request.response().setStatusCode(403).end("{\"message\":\"The request signature we calculated does not match\"}");
            }
        })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() {
        vertx.close();
    }

    /** SigV4 over what the client gives it, as the Bedrock adapter signs. */
    static final class SigV4Auth implements UpstreamAuth {

        @Override
        public Uni<Map<String, String>> headers(Request r) {
            return Uni.createFrom().item(AwsSigV4.sign(r.method(), r.host(), r.rawPath(), r.headers(), r.body(), CREDENTIALS, "us-east-1",
                    "bedrock", Instant.now()));
        }

        @Override
        public String redact(String text) {
            return text.replace(CREDENTIALS.sessionToken().orElseThrow(), Secrets.MASK);
        }
    }

    static HttpProviderClient client(String basePath, String path) {
        return client(basePath, path, new SigV4Auth());
    }

    static HttpProviderClient client(String basePath, String path, UpstreamAuth auth) {
        InstanceSettings settings = new InstanceSettings("bedrock", "bedrock",
                Optional.of(URI.create("http://127.0.0.1:" + server.actualPort() + basePath)), Optional.empty(), Map.of(),
                Duration.ofSeconds(2), 4);
        UpstreamHttp http = UpstreamHttp.connect(vertx, settings, UpstreamEndpoint.of(settings, Map.of()));
        HttpProviderClient.Wire wire = HttpProviderClient.Wire.of(path,
                call -> ("{\"inputText\":\"" + ((EmbeddingInputs.Texts) call.inputs()).values().get(0) + "\"}")
                        .getBytes(StandardCharsets.UTF_8),
                (body, call, provider) -> new EmbeddingResult(List.of(Embedding.Floats.of(new float[]{1f})), Usage.NONE, "m"),
                (status, body, retryAfter, shouldRetry, provider, key) -> UpstreamException.fromStatus(provider, status, null, null,
                        new String(body, StandardCharsets.UTF_8), retryAfter, shouldRetry),
                ReplySize.NONE);
        return new HttpProviderClient(http, "", wire, auth);
    }

    static EmbeddingCall call(String text) {
        return new EmbeddingCall("amazon.titan-embed-text-v2:0", new EmbeddingInputs.Texts(List.of(text)), OptionalInt.empty(),
                OutputDtype.FLOAT, Map.of(), Optional.empty(), Deadline.after(Duration.ofSeconds(10)));
    }

    @Test
    void eachRequestIsSignedOverTheBytesHostAndPathThatGoOnTheWire() {
        int before = accepted.get();
        // A base URL with a path and a non-default port, and a model id whose ':' is percent-encoded.
        HttpProviderClient c = client("/base", "/model/" + UpstreamHttp.pathSegment("amazon.titan-embed-text-v2:0") + "/invoke");
        c.embed(call("hello world")).await().atMost(Duration.ofSeconds(10));
        c.embed(call("another body, another signature")).await().atMost(Duration.ofSeconds(10));
        assertEquals(before + 2, accepted.get());
        c.close();
    }

    @Test
    void aRefusedTokenIsDroppedAndTheCallSentOnceMoreWithAFreshOne() {
        java.util.Iterator<String> issued = List.of("stale", "good").iterator();
        TokenCache tokens = new TokenCache(
                () -> Uni.createFrom().item(new TokenCache.Token(issued.next(), Instant.now().plusSeconds(3600))),
                java.time.Clock.systemUTC());
        HttpProviderClient c = client("", "/bearer", new BearerTokenAuth(tokens, () -> {
        }));
        bearerCalls.clear();
        c.embed(call("x")).await().atMost(Duration.ofSeconds(10));
        assertEquals(List.of("Bearer stale", "Bearer good"), bearerCalls, "refused, then the same call with a fresh token");
        c.embed(call("y")).await().atMost(Duration.ofSeconds(10));
        assertEquals(3, bearerCalls.size(), "the fresh token is kept");
        c.close();
    }

    @Test
    void aRefusedSignatureIsTheAnswerNotTriedAgain() {
        int before = unauthorized.get();
        HttpProviderClient c = client("", "/always-401");
        UpstreamException e = assertThrows(UpstreamException.class, () -> c.embed(call("x")).await().atMost(Duration.ofSeconds(10)));
        assertEquals(401, e.httpStatus());
        assertEquals(before + 1, unauthorized.get(), "signing again with the same keys would change nothing");
        c.close();
    }

    @Test
    void theAuthsSecretsAreRemovedFromTheProvidersErrorMessages() {
        HttpProviderClient c = client("", "/echo-error");
        UpstreamException e;
        try {
            c.embed(call("x")).await().atMost(Duration.ofSeconds(10));
            throw new AssertionError("expected a failure");
        } catch (UpstreamException thrown) {
            e = thrown;
        } catch (CompletionException wrapped) {
            e = (UpstreamException) wrapped.getCause();
        }
        assertEquals(400, e.httpStatus());
        assertFalse(e.getMessage().contains("session-token-value"), e.getMessage());
        assertTrue(e.getMessage().contains(Secrets.MASK), e.getMessage());
        c.close();
    }

    @Test
    void theHostHeaderIsWhatVertxSends() {
        InstanceSettings s = new InstanceSettings("x", "x", Optional.of(URI.create("https://bedrock-runtime.us-east-1.amazonaws.com")),
                Optional.empty(), Map.of(), Duration.ofSeconds(1), 1);
        UpstreamHttp https = UpstreamHttp.connect(vertx, s, UpstreamEndpoint.of(s, Map.of()));
        assertEquals("bedrock-runtime.us-east-1.amazonaws.com", https.authority(), "the default port is not written");
        assertEquals("/model/m/invoke", https.rawPath("/model/m/invoke"));
        https.close();
    }
}
