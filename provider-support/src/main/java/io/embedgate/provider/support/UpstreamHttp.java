package io.embedgate.provider.support;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import io.embedgate.spi.InstanceSettings;
import io.embedgate.spi.UpstreamException;
import io.netty.buffer.ByteBuf;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.impl.ContextInternal;
import io.vertx.core.impl.VertxInternal;

/**
 * The HTTP client of one remote provider instance: its own keep-alive pools (one per event loop),
 * connect timeout and static headers, on Quarkus' Vert.x. Adapters send and receive raw bytes (they
 * stream JSON themselves), so a declarative client would only add per-call work: header maps, reader
 * and writer look-ups, a filter chain. Measured here at 40-200 µs per call; this is the same Vert.x
 * client without those layers.
 */
public final class UpstreamHttp implements AutoCloseable {

    /** A complete upstream response. */
    public record Reply(int status, MultiMap headers, byte[] body) {

        /** The headers as a plain map, for the debug trace. */
        public Map<String, List<String>> headerMap() {
            Map<String, List<String>> map = new LinkedHashMap<>();
            for (String name : headers.names()) {
                map.put(name, List.copyOf(headers.getAll(name)));
            }
            return map;
        }
    }

    /** Idle pooled connections are closed before the typical 60 s idle timeout of provider load balancers. */
    private static final int KEEP_ALIVE_SECONDS = 30;
    private static final Object OVER = new Object();
    private static final CancellationException CANCELLED = new CancellationException("cancelled before sending");

    private final UpstreamEndpoint endpoint;
    private final Vertx vertx;
    /** One client, and so one pool, per event loop: a reply is read on the loop serving its request. */
    private final PerEventLoop<HttpClient> clients;
    private final String host;
    private final int port;
    private final boolean ssl;
    private final String basePath;
    private final MultiMap headers;

    private UpstreamHttp(Vertx vertx, InstanceSettings settings, UpstreamEndpoint endpoint) {
        URI base = UpstreamEndpoint.baseUrl(settings);
        this.endpoint = endpoint;
        this.vertx = vertx;
        this.ssl = "https".equalsIgnoreCase(base.getScheme());
        this.host = base.getHost();
        this.port = base.getPort() > 0 ? base.getPort() : ssl ? 443 : 80;
        String path = base.getRawPath() == null ? "" : base.getRawPath();
        this.basePath = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        this.headers = MultiMap.caseInsensitiveMultiMap();
        endpoint.headers().forEach(headers::add);
        headers.add("Content-Type", "application/json");
        headers.add("Accept", "application/json");
        HttpClientOptions clientOptions = new HttpClientOptions()
                .setSsl(ssl)
                .setVerifyHost(true)
                // Providers sit behind shared front ends that pick the certificate by SNI; Vert.x sends none unless asked.
                .setForceSni(true)
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, settings.connectTimeout().toMillis()))
                .setKeepAlive(true)
                .setKeepAliveTimeout(KEEP_ALIVE_SECONDS)
                // Body pieces of up to what one socket read brings (Netty's default cuts at 8 KB): a
                // 1536-float base64 reply (~8.5 KB) then arrives as one piece, which Body keeps uncopied.
                .setMaxChunkSize(64 * 1024);
        PoolOptions poolOptions = new PoolOptions().setHttp1MaxSize(settings.maxConnections());
        this.clients = new PerEventLoop<>(loop -> vertx.createHttpClient(clientOptions, poolOptions));
    }

    /** The client of a remote instance whose {@link #problems} are empty. */
    public static UpstreamHttp connect(Vertx vertx, InstanceSettings settings, UpstreamEndpoint endpoint) {
        return new UpstreamHttp(vertx, settings, endpoint);
    }

    /** What a remote instance cannot do without: a base URL and a key (for {@code ProviderAdapter.validate}). */
    public static List<String> problems(InstanceSettings settings) {
        List<String> problems = new ArrayList<>(2);
        if (settings.baseUrl().isEmpty()) {
            problems.add("no base-url configured");
        } else if (!List.of("http", "https").contains(String.valueOf(settings.baseUrl().get().getScheme()).toLowerCase(Locale.ROOT))
                || settings.baseUrl().get().getHost() == null) {
            problems.add("base-url must be an absolute http(s) URL");
        }
        if (settings.apiKey().isEmpty()) {
            problems.add("no api-key configured");
        }
        return problems;
    }

    /** A value percent-encoded as one URL path segment (RFC 3986 unreserved characters kept), e.g. a model name. */
    public static String pathSegment(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~') {
                out.append(c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16))).append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return out.toString();
    }

    public UpstreamEndpoint endpoint() {
        return endpoint;
    }

    /**
     * POSTs a JSON body to a path under the base URL and reads the reply with {@code read}, on the
     * thread the reply arrives on: one Mutiny stage per call, not one more per step. A transport
     * failure fails the Uni with a connection {@link UpstreamException}; whatever {@code read} throws
     * fails it as is. Cancelling the Uni (an attempt's timeout) resets the request, which closes its
     * connection rather than leaving a pool slot waiting.
     */
    public <T> Uni<T> post(String path, byte[] body, Function<Reply, T> read) {
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost(host).setPort(port).setSsl(ssl)
                .setURI(basePath + path).setHeaders(headers);
        return Uni.createFrom().emitter(emitter -> {
            ContextInternal here = PerEventLoop.current(vertx);
            if (here != null) {
                send(clients.on(here), options, body, read, emitter);
            } else {
                // Any other thread (a bare event-loop task, a worker, a test): the call runs on an event
                // loop of its own, so that the reply's head, body and end reach the handlers on the
                // thread that set them. Sent from elsewhere, the reply is handed over between threads,
                // and an empty body can end before its handlers are set (replies were seen to get lost).
                ContextInternal loop = ((VertxInternal) vertx).createEventLoopContext();
                loop.runOnContext(v -> send(clients.on(loop), options, body, read, emitter));
            }
        });
    }

    private <T> void send(HttpClient client, RequestOptions options, byte[] body, Function<Reply, T> read, UniEmitter<? super T> emitter) {
        // null: waiting for a connection; a request: in flight; OVER: answered or cancelled
        AtomicReference<Object> state = new AtomicReference<>();
        emitter.onTermination(() -> {
            if (state.getAndSet(OVER) instanceof HttpClientRequest inFlight) {
                inFlight.reset();
            }
        });
        client.request(options)
                .compose(request -> {
                    if (!state.compareAndSet(null, request)) {
                        request.reset();
                        return Future.failedFuture(CANCELLED);
                    }
                    return request.send(Buffer.buffer(body));
                })
                .compose(UpstreamHttp::reply)
                .onComplete(result -> {
                    if (state.getAndSet(OVER) == OVER) {
                        return;
                    }
                    if (result.failed()) {
                        emitter.fail(UpstreamException.connection(endpoint.provider(), result.cause()));
                        return;
                    }
                    T value;
                    try {
                        value = read.apply(result.result());
                    } catch (Throwable e) { // as Mutiny does: whatever the reader throws fails the call, never hangs it
                        emitter.fail(e);
                        return;
                    }
                    emitter.complete(value);
                });
    }

    /**
     * The whole reply, its body copied once into one array sized from {@code Content-Length}
     * ({@code response.body()} would append every chunk to a growing buffer, then copy that again:
     * about three copies of a ~3 MB 256-vector body instead of one).
     */
    private static Future<Reply> reply(HttpClientResponse response) {
        Promise<Reply> done = Promise.promise();
        Body body = new Body(response.getHeader(HttpHeaders.CONTENT_LENGTH));
        response.handler(body::append)
                .exceptionHandler(done::tryFail)
                .endHandler(v -> done.tryComplete(new Reply(response.statusCode(), response.headers(), body.bytes())));
        return done.future();
    }

    /** A body collected chunk by chunk; grows only when the length was not announced (or was wrong). */
    private static final class Body {
        /** A length above this is not trusted for a single allocation up front. */
        private static final int MAX_PRESIZE = 64 << 20;
        private static final byte[] EMPTY = new byte[0];

        private final int announced;
        private byte[] bytes = EMPTY;
        private int length;

        Body(String contentLength) {
            long n = -1;
            if (contentLength != null) {
                try {
                    n = Long.parseLong(contentLength.trim());
                } catch (NumberFormatException ignored) {
                    // Netty rejects a malformed Content-Length before this; grow as for a chunked body.
                }
            }
            announced = n >= 0 && n <= MAX_PRESIZE ? (int) n : -1;
        }

        void append(Buffer chunk) {
            int n = chunk.length();
            if (length == 0 && n == announced) {
                // The whole body in one chunk (most replies up to tens of KB): Vert.x has already
                // copied it out of Netty's pooled buffer into an unpooled array of exactly this size,
                // which nobody else holds; take that array instead of copying it once more.
                ByteBuf b = chunk.getByteBuf();
                if (b.hasArray() && b.arrayOffset() == 0 && b.array().length == n) {
                    bytes = b.array();
                    length = n;
                    return;
                }
            }
            if (length + n > bytes.length) {
                int size = length == 0 && announced >= n ? announced : Math.max(bytes.length * 2, Math.max(length + n, 16 * 1024));
                bytes = Arrays.copyOf(bytes, size);
            }
            chunk.getBytes(0, n, bytes, length);
            length += n;
        }

        byte[] bytes() {
            return length == bytes.length ? bytes : Arrays.copyOf(bytes, length);
        }
    }

    @Override
    public void close() {
        clients.all().forEach(HttpClient::close);
    }
}
