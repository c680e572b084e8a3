package io.embedgate.provider.support;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.embedgate.spi.InstanceSettings;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.impl.ContextInternal;
import io.vertx.core.impl.VertxInternal;

/** The instance client against a real HTTP server on loopback. */
class UpstreamHttpTest {

    static Vertx vertx;
    static HttpServer server;
    static final List<HttpServerRequest> received = new CopyOnWriteArrayList<>();
    static final List<String> bodies = new CopyOnWriteArrayList<>();
    static volatile CompletableFuture<Void> slowConnectionClosed = new CompletableFuture<>();
    static final String LARGE = "0123456789abcdef".repeat(20_000); // 320,000 bytes: many socket reads

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        server = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
            received.add(request);
            bodies.add(body.toString());
            switch (request.path()) {
                // Never answers: the caller gives up.
                case "/v1/slow" -> request.connection().closeHandler(v -> slowConnectionClosed.complete(null));
                case "/v1/limited" -> request.response().setStatusCode(429).putHeader("retry-after-ms", "250")
                        .putHeader("content-type", "application/json").end("{\"error\":{\"message\":\"slow down\"}}");
                // A large body in many chunks, without Content-Length, and the same with it.
                case "/v1/chunked" -> request.response().setChunked(true).write(LARGE.substring(0, 100_000))
                        .compose(v -> request.response().write(LARGE.substring(100_000))).compose(v -> request.response().end());
                case "/v1/large" -> request.response().end(LARGE);
                default -> {
                    if (request.path().startsWith("/v1/size/")) { // /v1/size/N: N bytes with Content-Length
                        request.response().end(LARGE.substring(0, Integer.parseInt(request.path().substring(9))));
                    } else {
                        request.response().putHeader("content-type", "application/json").end("{\"ok\":true}");
                    }
                }
            }
        })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @BeforeEach
    void clear() {
        received.clear();
        bodies.clear();
        slowConnectionClosed = new CompletableFuture<>();
    }

    static InstanceSettings settings(String baseUrl, int maxConnections) {
        return new InstanceSettings("openai-test", "openai", Optional.of(URI.create(baseUrl)), Optional.of("sk-test-key"),
                Map.of("OpenAI-Project", "proj_1"), Duration.ofSeconds(2), maxConnections);
    }

    static UpstreamHttp client(int maxConnections) {
        InstanceSettings s = settings("http://127.0.0.1:" + server.actualPort() + "/v1/", maxConnections);
        return UpstreamHttp.connect(vertx, s, UpstreamEndpoint.of(s, Map.of("Authorization", "Bearer sk-test-key")));
    }

    @Test
    void sendsTheBodyAndStaticHeadersUnderTheBasePathAndReturnsStatusHeadersAndBody() {
        try (UpstreamHttp http = client(4)) {
            UpstreamHttp.Reply reply = http.post("/limited", "{\"input\":\"x\"}".getBytes(StandardCharsets.UTF_8), r -> r)
                    .await().atMost(Duration.ofSeconds(5));
            assertEquals(429, reply.status());
            assertEquals("250", reply.headers().get("Retry-After-Ms"));
            assertArrayEquals("{\"error\":{\"message\":\"slow down\"}}".getBytes(StandardCharsets.UTF_8), reply.body());
            assertEquals(List.of("250"), reply.headerMap().get("retry-after-ms"));

            HttpServerRequest request = received.get(0);
            assertEquals("POST", request.method().name());
            assertEquals("/v1/limited", request.uri());
            assertEquals("Bearer sk-test-key", request.getHeader("Authorization"));
            assertEquals("proj_1", request.getHeader("OpenAI-Project"));
            assertEquals("application/json", request.getHeader("Content-Type"));
            assertEquals("embedgate", request.getHeader("User-Agent"));
            assertEquals("{\"input\":\"x\"}", bodies.get(0));
        }
    }

    /** Around the sizes where a body stops arriving as one piece (one read, Netty's chunk limits). */
    @Test
    void bodiesOfEverySizeArriveExactly() {
        try (UpstreamHttp http = client(4)) {
            for (int size : new int[]{0, 1, 8191, 8192, 8193, 8600, 16_384, 65_535, 65_536, 65_537, 200_000}) {
                UpstreamHttp.Reply reply = http.post("/size/" + size, new byte[]{'{', '}'}, r -> r).await().atMost(Duration.ofSeconds(5));
                assertEquals(200, reply.status());
                assertArrayEquals(LARGE.substring(0, size).getBytes(StandardCharsets.US_ASCII), reply.body(), size + " bytes");
            }
        }
    }

    @Test
    void aLargeBodyArrivesWholeWithOrWithoutContentLength() {
        try (UpstreamHttp http = client(4)) {
            for (String path : List.of("/large", "/chunked")) {
                UpstreamHttp.Reply reply = http.post(path, new byte[]{'{', '}'}, r -> r).await().atMost(Duration.ofSeconds(5));
                assertEquals(200, reply.status());
                assertEquals(path.equals("/large") ? null : "chunked", reply.headers().get("Transfer-Encoding"));
                assertArrayEquals(LARGE.getBytes(StandardCharsets.US_ASCII), reply.body(), path);
            }
        }
    }

    @Test
    void aCancelledCallClosesItsConnectionAndFreesThePool() throws Exception {
        try (UpstreamHttp http = client(1)) {
            Cancellable slow = http.post("/slow", new byte[]{'{', '}'}, r -> r).subscribe().with(r -> {
            }, f -> {
            });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (received.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertEquals(1, received.size(), "the slow call reached the server");
            slow.cancel();
            slowConnectionClosed.get(5, TimeUnit.SECONDS);
            // One connection in the pool: the next call gets through only if the cancelled one let go of it.
            UpstreamHttp.Reply next = http.post("/fast", new byte[]{'{', '}'}, r -> r).await().atMost(Duration.ofSeconds(5));
            assertEquals(200, next.status());
        }
    }

    @Test
    void aCallStartedFromABareEventLoopTaskCompletes() throws Exception {
        try (UpstreamHttp http = client(2)) {
            ContextInternal context = (ContextInternal) vertx.getOrCreateContext();
            for (int i = 0; i < 50; i++) {
                CompletableFuture<Integer> status = new CompletableFuture<>();
                // Like a timer that fires as a plain Netty task: an event loop thread with no current context.
                context.nettyEventLoop().execute(() -> http.post("/fast", new byte[]{'{', '}'}, r -> r)
                        .subscribe().with(r -> status.complete(r.status()), status::completeExceptionally));
                assertEquals(200, status.get(5, TimeUnit.SECONDS));
            }
        }
    }

    @Test
    void eachEventLoopKeepsItsOwnConnectionsAndReadsItsOwnReplies() throws Exception {
        ContextInternal first = ((VertxInternal) vertx).createEventLoopContext();
        ContextInternal second = ((VertxInternal) vertx).createEventLoopContext(); // new contexts take the loops in turn
        assertNotSame(first.nettyEventLoop(), second.nettyEventLoop(), "two event loops to call from");
        try (UpstreamHttp http = client(4)) {
            // One call at a time, so a shared pool would hand the first loop's idle connection to the second.
            for (ContextInternal caller : List.of(first, second, first, second)) {
                CompletableFuture<Boolean> readOnCaller = new CompletableFuture<>();
                caller.runOnContext(v -> http.post("/fast", new byte[]{'{', '}'}, r -> caller.nettyEventLoop().inEventLoop())
                        .subscribe().with(readOnCaller::complete, readOnCaller::completeExceptionally));
                assertTrue(readOnCaller.get(5, TimeUnit.SECONDS), "the reply is read on the calling loop");
            }
        }
        List<HttpConnection> connections = received.stream().map(HttpServerRequest::connection).toList();
        assertEquals(4, connections.size());
        assertSame(connections.get(0), connections.get(2), "a loop reuses its own keep-alive connection");
        assertSame(connections.get(1), connections.get(3));
        assertNotSame(connections.get(0), connections.get(1), "the second loop opened its own connection");
    }

    @Test
    void aConnectionFailureFailsTheCall() {
        InstanceSettings s = settings("http://127.0.0.1:1/v1", 1);
        try (UpstreamHttp http = UpstreamHttp.connect(vertx, s, UpstreamEndpoint.of(s, Map.of()))) {
            Throwable failure = http.post("/embeddings", new byte[]{'{', '}'}, r -> r).onItem().<Throwable>transform(r -> null)
                    .onFailure().recoverWithItem(f -> f).await().atMost(Duration.ofSeconds(5));
            assertTrue(failure != null, "a refused connection is a failure, not a reply");
        }
    }

    @Test
    void pathSegmentsArePercentEncoded() {
        assertEquals("gemini-embedding-001", UpstreamHttp.pathSegment("gemini-embedding-001"));
        assertEquals("a%2Fb%3Fc%23d%3Ae%20f%C3%A9", UpstreamHttp.pathSegment("a/b?c#d:e fé"));
        assertEquals("..%2F..%2Fadmin", UpstreamHttp.pathSegment("../../admin"));
    }

    @Test
    void problemsNameAMissingKeyAndABaseUrlThatIsNotAbsoluteHttp() {
        assertEquals(List.of(), UpstreamHttp.problems(settings("https://api.openai.com/v1", 1)));
        assertEquals(List.of("base-url must be an absolute http(s) URL"), UpstreamHttp.problems(settings("ftp://example.com/v1", 1)));
        assertEquals(List.of("base-url must be an absolute http(s) URL"), UpstreamHttp.problems(settings("/v1", 1)));
        InstanceSettings noKey = new InstanceSettings("x", "openai", Optional.empty(), Optional.empty(), Map.of(), null, 1);
        assertEquals(List.of("no base-url configured", "no api-key configured"), UpstreamHttp.problems(noKey));
    }
}
