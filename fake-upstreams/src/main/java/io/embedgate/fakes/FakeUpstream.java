package io.embedgate.fakes;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;

/**
 * Common machinery of the fake provider APIs: an HTTP server on loopback, a record of every request,
 * a queue of scripted faults and, for benchmarks, memoised answers per request body.
 * Subclasses implement one provider's wire format in {@link #answer}.
 */
public abstract class FakeUpstream implements AutoCloseable {

    /** A normal answer computed by the provider-specific code. */
    protected record Answer(int status, Buffer body, Map<String, String> headers) {
        static Answer json(int status, String body, Map<String, String> headers) {
            return new Answer(status, Buffer.buffer(body), headers);
        }
    }

    /** Knobs shared by all fakes. */
    public record Options(int port, int eventLoops, boolean memoize, boolean record) {
        public static Options defaults() {
            return new Options(0, 1, false, true);
        }
    }

    private final Options options;
    private final Vertx vertx;
    private final List<RecordedRequest> requests = Collections.synchronizedList(new ArrayList<>());
    private final Queue<Fault> faults = new ConcurrentLinkedQueue<>();
    private final Map<Buffer, Answer> memo = new ConcurrentHashMap<>();
    private final AtomicInteger calls = new AtomicInteger();
    private final AtomicInteger abandoned = new AtomicInteger();
    private volatile int port;

    private final String apiKey;

    protected FakeUpstream(Options options, String apiKey) {
        this.options = options;
        this.apiKey = apiKey;
        this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(Math.max(1, options.eventLoops()))
                .setPreferNativeTransport(true));
    }

    /** "epoll" or "nio": which network transport this fake's Vert.x runs on. */
    public final String transport() {
        return transport(vertx);
    }

    /** "epoll" or "nio": which network transport a Vert.x instance runs on. */
    static String transport(Vertx vertx) {
        return vertx.isNativeTransportEnabled() ? "epoll" : "nio";
    }

    /** Starts the server; blocks until it listens. */
    protected final void listen() {
        try {
            // The first server binds (port 0 = any free port); the others share its port, and Vert.x
            // spreads connections over their event loops.
            port = deploy(options.port(), 1);
            if (options.eventLoops() > 1) {
                deploy(port, options.eventLoops() - 1);
            }
        } catch (Exception e) {
            close();
            throw new IllegalStateException("fake upstream did not start", e);
        }
    }

    private int deploy(int onPort, int instances) throws Exception {
        AtomicInteger actual = new AtomicInteger();
        vertx.deployVerticle(() -> new AbstractVerticle() {
            @Override
            public void start(Promise<Void> started) {
                vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setTcpNoDelay(true))
                        .requestHandler(FakeUpstream.this::handle)
                        .listen(onPort)
                        .onSuccess(s -> {
                            actual.set(s.actualPort());
                            started.complete();
                        })
                        .onFailure(started::fail);
            }
        }, new DeploymentOptions().setInstances(instances))
                .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        return actual.get();
    }

    /** The key this fake accepts. */
    public String apiKey() {
        return apiKey;
    }

    public int port() {
        return port;
    }

    /** Every request received since the last {@link #reset()}, in arrival order. */
    public List<RecordedRequest> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    /** Number of requests received since the last {@link #reset()}, including faulted ones. */
    public int callCount() {
        return calls.get();
    }

    /**
     * Number of {@link Fault.Delay delayed} calls whose connection the caller closed before the
     * answer was due, since the last {@link #reset()}: work the caller gave up on.
     */
    public int abandonedCount() {
        return abandoned.get();
    }

    /** Scripts the next calls: each queued fault is used by one call, in order. */
    public FakeUpstream enqueue(Fault... next) {
        Collections.addAll(faults, next);
        return this;
    }

    /** Forgets recorded requests and pending faults. */
    public void reset() {
        requests.clear();
        faults.clear();
        calls.set(0);
        abandoned.set(0);
    }

    @Override
    public void close() {
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // best effort on shutdown
        }
    }

    /** Computes the normal answer for a request that got past the scripted faults. */
    protected abstract Answer answer(HttpServerRequest request, Buffer body);

    /** Body of a 200 whose vectors are one short, for {@link Fault.MissingVector}. */
    protected abstract Answer answerMissingVector(HttpServerRequest request, Buffer body);

    private void handle(HttpServerRequest request) {
        request.body().onSuccess(body -> {
            calls.incrementAndGet();
            if (options.record()) {
                Map<String, String> headers = new HashMap<>();
                request.headers().forEach(h -> headers.put(h.getKey().toLowerCase(Locale.ROOT), h.getValue()));
                requests.add(new RecordedRequest(request.method().name(), request.uri(), headers, body.toString(), System.nanoTime()));
            }
            Fault fault = faults.poll();
            if (fault == null) {
                send(request, options.memoize() ? memo.computeIfAbsent(body, b -> answer(request, b)) : answer(request, body));
                return;
            }
            if (fault instanceof Fault.Respond r) {
                send(request, Answer.json(r.status(), r.body(), r.headers()));
            } else if (fault instanceof Fault.Delay d) {
                vertx.setTimer(Math.max(1, d.delay().toMillis()), t -> {
                    if (!request.response().closed()) {
                        send(request, answer(request, body));
                    } else {
                        abandoned.incrementAndGet();
                    }
                });
            } else if (fault instanceof Fault.Disconnect) {
                request.connection().close();
            } else if (fault instanceof Fault.MalformedJson) {
                send(request, Answer.json(200, "{\"object\":\"list\",\"data\":[{\"embedding\":[0.1,", Map.of()));
            } else if (fault instanceof Fault.MissingVector) {
                send(request, answerMissingVector(request, body));
            }
        });
    }

    private static void send(HttpServerRequest request, Answer a) {
        var response = request.response().setStatusCode(a.status());
        response.putHeader("content-type", "application/json");
        a.headers().forEach(response::putHeader);
        response.end(a.body());
    }

    /** JSON string literal of {@code s}, for hand-built error bodies. */
    protected static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    protected static Duration millis(long ms) {
        return Duration.ofMillis(ms);
    }
}
