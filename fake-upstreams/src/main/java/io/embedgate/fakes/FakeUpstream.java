package io.embedgate.fakes;

import java.io.IOException;
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

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

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

    private static final ObjectMapper JSON = new ObjectMapper();

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
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger peakInFlight = new AtomicInteger();
    private volatile Duration latency = Duration.ZERO;
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

    /**
     * How long every normal answer takes (default none): requests then overlap, and
     * {@link #peakConcurrency()} shows how many a client keeps in flight at once.
     */
    public FakeUpstream latency(Duration d) {
        this.latency = d;
        return this;
    }

    /** The most requests that were in flight at once (received, not yet answered) since the last {@link #reset()}. */
    public int peakConcurrency() {
        return peakInFlight.get();
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
        peakInFlight.set(0);
        latency = Duration.ZERO;
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
            peakInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
            Runnable answered = () -> {
                if (done.compareAndSet(false, true)) {
                    inFlight.decrementAndGet();
                }
            };
            request.response().endHandler(v -> answered.run());
            request.response().closeHandler(v -> answered.run());
            if (options.record()) {
                Map<String, String> headers = new HashMap<>();
                request.headers().forEach(h -> headers.put(h.getKey().toLowerCase(Locale.ROOT), h.getValue()));
                requests.add(new RecordedRequest(request.method().name(), request.uri(), headers, body.toString(), System.nanoTime()));
            }
            Fault fault = faults.poll();
            Duration wait = latency;
            if (fault == null && !wait.isZero()) {
                vertx.setTimer(Math.max(1, wait.toMillis()), t -> {
                    if (!request.response().closed()) {
                        send(request, answer(request, body));
                    }
                });
                return;
            }
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
            } else if (fault instanceof Fault.EndlessBody) {
                stream(request, Long.MAX_VALUE);
            } else if (fault instanceof Fault.HugeBody h) {
                stream(request, h.bytes());
            } else if (fault instanceof Fault.TrickleBody t) {
                trickle(request, answer(request, body), t);
            } else if (fault instanceof Fault.CutOffBody) {
                cutOff(request, answer(request, body));
            } else if (fault instanceof Fault.Redirect r) {
                request.response().setStatusCode(r.status()).putHeader("location", r.location()).putHeader("content-type", "text/html")
                        .end("<html><body>Moved</body></html>");
            } else if (fault instanceof Fault.SwitchingProtocols) {
                request.response().setStatusCode(101).putHeader("connection", "upgrade").putHeader("upgrade", "websocket").end();
            } else if (fault instanceof Fault.Rewrite r) {
                Answer a = answer(request, body);
                Map<String, String> headers = new HashMap<>(a.headers());
                headers.putAll(r.extraHeaders());
                send(request, new Answer(a.status(), Buffer.buffer(r.body().apply(a.body().toString())), headers));
            }
        });
    }

    /** Start of a valid OpenAI-shaped answer; what follows it never completes the JSON. */
    private static final Buffer STREAM_HEAD = Buffer
            .buffer("{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":0,\"embedding\":\"");
    private static final Buffer FILLER = Buffer.buffer("AAAA".repeat(16 * 1024));

    /**
     * A 200 body of {@code total} bytes (endless for {@code Long.MAX_VALUE}: chunked), written only
     * as fast as the caller reads, until it is sent or the caller hangs up.
     */
    private void stream(HttpServerRequest request, long total) {
        var response = request.response().setStatusCode(200).putHeader("content-type", "application/json");
        if (total == Long.MAX_VALUE) {
            response.setChunked(true);
        } else {
            response.putHeader("content-length", Long.toString(total));
        }
        long[] sent = {0};
        Runnable[] pump = new Runnable[1];
        pump[0] = () -> {
            while (!response.closed() && !response.writeQueueFull()) {
                Buffer next = sent[0] == 0 ? STREAM_HEAD : FILLER;
                long left = total - sent[0];
                if (left <= next.length()) {
                    response.end(next.getBuffer(0, (int) left));
                    return;
                }
                response.write(next);
                sent[0] += next.length();
            }
            if (!response.closed()) {
                response.drainHandler(v -> pump[0].run());
            }
        };
        pump[0].run();
    }

    /** The answer, {@code t.bytesPerTick()} bytes per tick, with its real {@code Content-Length}. */
    private void trickle(HttpServerRequest request, Answer a, Fault.TrickleBody t) {
        var response = request.response().setStatusCode(a.status()).putHeader("content-type", "application/json")
                .putHeader("content-length", Integer.toString(a.body().length()));
        a.headers().forEach(response::putHeader);
        int[] at = {0};
        vertx.setPeriodic(Math.max(1, t.interval().toMillis()), id -> {
            if (response.closed()) {
                vertx.cancelTimer(id);
                abandoned.incrementAndGet();
                return;
            }
            int end = Math.min(a.body().length(), at[0] + t.bytesPerTick());
            Buffer piece = a.body().getBuffer(at[0], end);
            at[0] = end;
            if (end == a.body().length()) {
                vertx.cancelTimer(id);
                response.end(piece);
            } else {
                response.write(piece);
            }
        });
    }

    /** Announces the whole answer, sends half of it, and closes the connection. */
    private static void cutOff(HttpServerRequest request, Answer a) {
        var response = request.response().setStatusCode(a.status()).putHeader("content-type", "application/json")
                .putHeader("content-length", Integer.toString(a.body().length()));
        response.write(a.body().getBuffer(0, a.body().length() / 2))
                .onComplete(done -> request.connection().close());
    }

    private static void send(HttpServerRequest request, Answer a) {
        var response = request.response().setStatusCode(a.status());
        response.putHeader("content-type", "application/json");
        a.headers().forEach(response::putHeader);
        response.end(a.body());
    }

    /**
     * The request body as JSON, or null when it is empty or not JSON: each provider answers that in its own words.
     * Package-visible helpers such as the request checks use it too.
     */
    protected static JsonNode jsonBody(Buffer body) {
        try {
            JsonNode node = JSON.readTree(body.getBytes());
            return node == null || node.isMissingNode() ? null : node;
        } catch (IOException e) {
            return null;
        }
    }

    /** {@link #jsonBody}, but null too when the JSON is not an object. */
    protected static JsonNode jsonObject(Buffer body) {
        JsonNode node = jsonBody(body);
        return node != null && node.isObject() ? node : null;
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
