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
import io.embedgate.spi.ReplyAllowance;
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
        List<String> problems = urlProblems(settings);
        if (settings.apiKey().isEmpty()) {
            problems.add("no api-key configured");
        }
        return problems;
    }

    /** The base URL's problems only, for servers that need no key (Ollama, TEI, a local vLLM). */
    public static List<String> urlProblems(InstanceSettings settings) {
        List<String> problems = new ArrayList<>(2);
        if (settings.baseUrl().isEmpty()) {
            problems.add("no base-url configured");
        } else if (!List.of("http", "https").contains(String.valueOf(settings.baseUrl().get().getScheme()).toLowerCase(Locale.ROOT))
                || settings.baseUrl().get().getHost() == null) {
            problems.add("base-url must be an absolute http(s) URL");
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
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return out.toString();
    }

    public UpstreamEndpoint endpoint() {
        return endpoint;
    }

    /**
     * What a reply may take: {@code maxBytes} at most (a larger body, announced or streamed, is cut
     * off at once as invalid), of which whatever exceeds the {@code allowance}'s reserve is taken
     * from the gateway's budget while the body is read.
     */
    public record ReplyLimit(long maxBytes, ReplyAllowance allowance) {

        /** No cap and no accounting: for tools and tests. */
        public static final ReplyLimit NONE = new ReplyLimit(Long.MAX_VALUE, ReplyAllowance.UNLIMITED);
    }

    /**
     * POSTs a JSON body to a path under the base URL, without a reply limit (tools and tests), and
     * reads the reply with {@code read}, on the
     * thread the reply arrives on: one Mutiny stage per call, not one more per step. A transport
     * failure fails the Uni with a connection {@link UpstreamException}; a body over the limit with an
     * invalid-response one (the connection is reset, so nothing more is read); whatever {@code read}
     * throws fails it as is. Cancelling the Uni (an attempt's timeout) resets the request, which
     * closes its connection rather than leaving a pool slot waiting.
     */
    public <T> Uni<T> post(String path, byte[] body, Function<Reply, T> read) {
        return post(path, body, ReplyLimit.NONE, read);
    }

    /** {@link #post(String, byte[], Function)} with the reply body held to {@code limit}. */
    public <T> Uni<T> post(String path, byte[] body, ReplyLimit limit, Function<Reply, T> read) {
        return post(path, body, headers, limit, read);
    }

    /**
     * {@link #post(String, byte[], ReplyLimit, Function)} with headers of this one request (a
     * signature, a token, another content type) set over the instance's static ones.
     */
    public <T> Uni<T> post(String path, byte[] body, Map<String, String> extraHeaders, ReplyLimit limit, Function<Reply, T> read) {
        MultiMap all = MultiMap.caseInsensitiveMultiMap().addAll(headers);
        extraHeaders.forEach(all::set);
        return post(path, body, all, limit, read);
    }

    /** The {@code Host} header this client sends: the port only when it is not the scheme's default, as Vert.x writes it. */
    public String authority() {
        return port == (ssl ? 443 : 80) ? host : host + ":" + port;
    }

    /** The path of a call as it goes on the wire: the base URL's path, then {@code path}. */
    public String rawPath(String path) {
        return basePath + path;
    }

    /** The static headers of every request (content type, accept, the endpoint's own), for a signer. */
    public String header(String name) {
        return headers.get(name);
    }

    private <T> Uni<T> post(String path, byte[] body, MultiMap requestHeaders, ReplyLimit limit, Function<Reply, T> read) {
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost(host).setPort(port).setSsl(ssl)
                .setURI(basePath + path).setHeaders(requestHeaders);
        return Uni.createFrom().emitter(emitter -> {
            ContextInternal here = PerEventLoop.current(vertx);
            if (here != null) {
                send(clients.on(here), options, body, limit, read, emitter);
            } else {
                // Any other thread (a bare event-loop task, a worker, a test): the call runs on an event
                // loop of its own, so that the reply's head, body and end reach the handlers on the
                // thread that set them. Sent from elsewhere, the reply is handed over between threads,
                // and an empty body can end before its handlers are set (replies were seen to get lost).
                ContextInternal loop = ((VertxInternal) vertx).createEventLoopContext();
                loop.runOnContext(v -> send(clients.on(loop), options, body, limit, read, emitter));
            }
        });
    }

    private <T> void send(HttpClient client, RequestOptions options, byte[] body, ReplyLimit limit, Function<Reply, T> read,
            UniEmitter<? super T> emitter) {
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
                .compose(response -> reply(response, limit, endpoint.provider()))
                .onComplete(result -> {
                    if (state.getAndSet(OVER) == OVER) {
                        return;
                    }
                    if (result.failed()) {
                        Throwable cause = result.cause();
                        emitter.fail(cause instanceof UpstreamException u ? u : UpstreamException.connection(endpoint.provider(), cause));
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

    /** Error bodies are messages: anything longer than this is not worth reading. */
    static final int MAX_ERROR_BODY = 1 << 20;

    /**
     * The whole reply, its body copied once into one array sized from {@code Content-Length}
     * ({@code response.body()} would append every chunk to a growing buffer, then copy that again:
     * about three copies of a ~3 MB 256-vector body instead of one), never larger than the limit.
     */
    private static Future<Reply> reply(HttpClientResponse response, ReplyLimit limit, String provider) {
        int status = response.statusCode();
        long max = status >= 200 && status < 300 ? limit.maxBytes() : Math.min(limit.maxBytes(), MAX_ERROR_BODY);
        Promise<Reply> done = Promise.promise();
        Body body = new Body(response.getHeader(HttpHeaders.CONTENT_LENGTH), max, limit.allowance());
        UpstreamException refused = body.refusal(provider);
        if (refused != null) {
            response.request().reset();
            return Future.failedFuture(refused);
        }
        response.handler(chunk -> {
            UpstreamException over = body.append(chunk, provider);
            if (over != null && done.tryFail(over)) {
                // Stop reading: a body that never ends, or one far larger than any valid answer, must
                // not be read to its end. The reset closes the connection.
                response.request().reset();
            }
        }).exceptionHandler(done::tryFail)
                .endHandler(v -> done.tryComplete(new Reply(response.statusCode(), response.headers(), body.bytes())));
        return done.future();
    }

    /**
     * A body collected chunk by chunk, within a byte limit; grows only when the length was not
     * announced (or was wrong). Memory past the allowance's reserve is taken from the gateway's
     * budget as the array grows.
     */
    private static final class Body {

        /** A length above this is not trusted for a single allocation up front. */
        private static final int MAX_PRESIZE = 64 << 20;
        private static final byte[] EMPTY = new byte[0];

        private final long announcedLength;
        private final int announced;
        private final long max;
        private final ReplyAllowance allowance;
        /** Bytes of capacity taken from the budget beyond the allowance's reserve. */
        private long extended;
        private byte[] bytes = EMPTY;
        private int length;

        Body(String contentLength, long max, ReplyAllowance allowance) {
            long n = -1;
            if (contentLength != null) {
                try {
                    n = Long.parseLong(contentLength.trim());
                } catch (NumberFormatException ignored) {
                    // Netty rejects a malformed Content-Length before this; grow as for a chunked body.
                }
            }
            this.announcedLength = n;
            this.max = max;
            this.allowance = allowance;
            announced = n >= 0 && n <= MAX_PRESIZE && n <= max ? (int) n : -1;
        }

        /** Why the reply is refused before a byte of its body is read; null when it is not. */
        UpstreamException refusal(String provider) {
            if (announcedLength > max) {
                return UpstreamException.invalidResponse(provider, "announced a body of " + announcedLength
                        + " bytes, more than any valid answer to this call can take (" + max + ")");
            }
            return null;
        }

        /** Appends a chunk; the reason to stop reading when the body outgrows its limit or the budget. */
        UpstreamException append(Buffer chunk, String provider) {
            int n = chunk.length();
            if (length + (long) n > max) {
                return UpstreamException.invalidResponse(provider, "sent a body of more than " + max
                        + " bytes, more than any valid answer to this call can take; it was cut off");
            }
            if (length == 0 && n == announced && reserve(n)) {
                // The whole body in one chunk (most replies up to tens of KB): Vert.x has already
                // copied it out of Netty's pooled buffer into an unpooled array of exactly this size,
                // which nobody else holds; take that array instead of copying it once more.
                ByteBuf b = chunk.getByteBuf();
                if (b.hasArray() && b.arrayOffset() == 0 && b.array().length == n) {
                    bytes = b.array();
                    length = n;
                    return null;
                }
            }
            if (length + n > bytes.length) {
                long wanted = length == 0 && announced >= n ? announced : Math.max(bytes.length * 2L, Math.max(length + n, 16 * 1024));
                int size = (int) Math.min(wanted, Math.min(max, Integer.MAX_VALUE - 16));
                if (!reserve(size)) {
                    return UpstreamException.overloaded(provider, "the gateway's memory budget cannot hold a reply of "
                            + size + " bytes right now");
                }
                bytes = Arrays.copyOf(bytes, size);
            }
            chunk.getBytes(0, n, bytes, length);
            length += n;
            return null;
        }

        /** Makes sure a buffer of {@code capacity} bytes is covered by the reserve plus what was taken from the budget. */
        private boolean reserve(long capacity) {
            long beyond = capacity - allowance.reserved() - extended;
            if (beyond <= 0) {
                return true;
            }
            if (!allowance.tryExtend(beyond)) {
                return false;
            }
            extended += beyond;
            return true;
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
