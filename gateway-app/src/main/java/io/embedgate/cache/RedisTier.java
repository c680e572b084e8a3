package io.embedgate.cache;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.embedgate.config.GatewayConfig;
import io.embedgate.provider.support.PerEventLoop;
import io.embedgate.routing.Timers;
import io.smallrye.mutiny.Uni;
import io.vertx.core.impl.ContextInternal;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import io.vertx.redis.client.RedisOptions;

/**
 * The shared tier: one Redis for all replicas. Reads are one {@code MGET}, writes one pipelined batch
 * of {@code SET key value PX ttl}. Values are compact ({@link RedisValue}) and checked against the
 * request when read back. Redis being down, slow or refusing writes never fails a request: the call
 * is skipped after a short timeout, a warning is logged once per outage ({@link RedisHealth}), and
 * {@link #failures()} counts it.
 *
 * <p>One client, and so one connection pool, per event loop ({@link PerEventLoop}): a Vert.x Redis
 * client opens every connection on the event loop it was created on, so shared by all loops, each
 * call from another loop would cross threads for the command and again for the reply.
 */
@Singleton
public class RedisTier {

    private static final Logger LOG = Logger.getLogger(RedisTier.class);

    private final Vertx vertx;
    private final RedisOptions options;
    /** For callers outside an event loop (tests, worker threads); null when the tier is off. */
    private final Redis redis;
    private final PerEventLoop<Redis> clients = new PerEventLoop<>(this::createOn);
    private final long timeoutMillis;
    private final byte[] prefix;
    // Both log under this class's category: the shared tier's lines are found in one place.
    private final RedisHealth health = new RedisHealth(LOG, System::nanoTime, RedisHealth.QUIET_NANOS);
    private final InvalidValues invalid = new InvalidValues(LOG, System::nanoTime);

    @Inject
    public RedisTier(GatewayConfig config, Vertx vertx) {
        GatewayConfig.Cache.Redis c = config.cache().redis();
        this.vertx = vertx;
        this.timeoutMillis = c.timeout().toMillis();
        this.prefix = c.keyPrefix().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        this.options = c.url().filter(u -> !u.isBlank())
                .map(u -> new RedisOptions().setConnectionString(u).setMaxPoolSize(c.maxPoolSize()).setMaxWaitingHandlers(1024))
                .orElse(null);
        this.redis = options == null ? null : Redis.createClient(vertx, options);
        if (redis != null) {
            LOG.infof("Embedding cache: shared Redis tier at %s", c.url().get().replaceAll("//[^@/]*@", "//***@"));
        }
    }

    public boolean enabled() {
        return redis != null;
    }

    /**
     * Entries found in Redis for these keys that fit {@code expected}; an empty map when Redis is
     * off, down or slow. A value that does not fit is left out (a miss, so the fresh answer replaces
     * it), counted and logged sparingly.
     */
    public Uni<Map<ByteBuffer, CachedVector>> getAll(List<ByteBuffer> keys, VectorShape expected) {
        if (redis == null || keys.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        Request mget = Request.cmd(Command.MGET);
        for (ByteBuffer k : keys) {
            mget.arg(key(k));
        }
        return client().send(mget)
                .ifNoItem().after(Duration.ofMillis(timeoutMillis)).on(Timers.executor()).fail()
                .map(response -> {
                    health.succeeded(RedisHealth.Call.READ);
                    Map<ByteBuffer, CachedVector> found = new HashMap<>();
                    long now = System.currentTimeMillis();
                    for (int i = 0; i < keys.size(); i++) {
                        Response r = response.get(i);
                        if (r == null) {
                            continue;
                        }
                        RedisValue.Decoded d = RedisValue.decode(r.toBuffer().getDelegate(), expected, now);
                        if (d.entry() != null) {
                            found.put(keys.get(i), d.entry());
                        } else {
                            invalid.seen(keys.get(i), d.problem());
                        }
                    }
                    return found;
                })
                .onFailure().recoverWithItem(t -> {
                    health.failed(RedisHealth.Call.READ, t);
                    return Map.of();
                });
    }

    /** Writes in the background: a client never waits for (or fails because of) the shared tier. */
    public void putAll(Map<ByteBuffer, CachedVector> entries) {
        if (redis == null || entries.isEmpty()) {
            return;
        }
        List<Request> batch = new ArrayList<>(entries.size());
        long now = System.currentTimeMillis();
        entries.forEach((k, v) -> {
            long ttlMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(v.ttlNanos()));
            batch.add(Request.cmd(Command.SET).arg(key(k)).arg(Buffer.buffer(RedisValue.encode(v, now + ttlMillis))).arg("PX")
                    .arg(ttlMillis));
        });
        client().batch(batch)
                .ifNoItem().after(Duration.ofMillis(timeoutMillis * 5)).on(Timers.executor()).fail()
                .subscribe().with(ok -> health.succeeded(RedisHealth.Call.WRITE), t -> health.failed(RedisHealth.Call.WRITE, t));
    }

    /**
     * One command to the shared Redis, bounded by the tier's timeout: for other state the replicas
     * share (rate-limit buckets). Fails when Redis is off, down or slow; the caller decides what then.
     */
    public Uni<Response> send(Request request) {
        if (redis == null) {
            return Uni.createFrom().failure(new IllegalStateException("no shared Redis configured"));
        }
        return client().send(request).ifNoItem().after(Duration.ofMillis(timeoutMillis)).on(Timers.executor()).fail();
    }

    /** Several commands to the shared Redis in one round trip, bounded like {@link #send}. */
    public Uni<List<Response>> batch(List<Request> requests) {
        if (redis == null) {
            return Uni.createFrom().failure(new IllegalStateException("no shared Redis configured"));
        }
        return client().batch(requests).ifNoItem().after(Duration.ofMillis(timeoutMillis * 5)).on(Timers.executor()).fail();
    }

    /** The calling event loop's own client; the shared one elsewhere. */
    private Redis client() {
        ContextInternal here = PerEventLoop.current(vertx.getDelegate());
        return here != null ? clients.on(here) : redis;
    }

    /**
     * A client created with the loop's root context as the current one: a Vert.x Redis client opens
     * all its connections on the context current at its creation, and the request's own (duplicated)
     * context must not outlive the request.
     */
    private Redis createOn(ContextInternal loop) {
        Redis[] created = new Redis[1];
        loop.unwrap().emit(null, ignored -> created[0] = Redis.createClient(vertx, options)); // runs at once, on this thread
        return created[0];
    }

    private Buffer key(ByteBuffer k) {
        byte[] b = new byte[prefix.length + k.remaining()];
        System.arraycopy(prefix, 0, b, 0, prefix.length);
        k.duplicate().get(b, prefix.length, k.remaining());
        return Buffer.buffer(b);
    }

    /** Redis calls that failed, timed out or were rejected (a metric). */
    public long failures() {
        return health.failures();
    }

    /** Outages seen (each logged once). */
    public long outages() {
        return health.outages();
    }

    /** Values read from Redis that did not fit their request and were treated as misses (a metric). */
    public long invalidValues() {
        return invalid.total();
    }

    @PreDestroy
    void close() {
        clients.all().forEach(Redis::close);
        if (redis != null) {
            redis.close();
        }
    }
}
