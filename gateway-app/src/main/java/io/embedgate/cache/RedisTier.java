package io.embedgate.cache;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.embedgate.redis.Replies;
import io.embedgate.redis.SharedRedis;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;

/**
 * The cache's shared tier, in the shared Redis ({@link SharedRedis}). Reads are one {@code MGET} on a
 * standalone server or behind Sentinel, and on a cluster one pipelined batch of {@code GET}s per node
 * (keys spread over every master); writes one batch of {@code SET key value PX ttl} (per node). Values
 * are compact ({@link RedisValue}) and checked against the request when read back. Redis being down,
 * slow or refusing writes never fails a request: the call is skipped after a short timeout (on a
 * cluster, only the share of the node that failed: its keys are misses), a warning is logged once
 * per outage ({@link RedisHealth}), and {@link #failures()} counts it.
 */
@Singleton
public class RedisTier {

    private static final Logger LOG = Logger.getLogger(RedisTier.class);

    private final SharedRedis redis;
    private final Duration timeout;
    private final byte[] prefix;
    // Both log under this class's category: the shared tier's lines are found in one place.
    private final RedisHealth health = new RedisHealth(LOG, System::nanoTime, RedisHealth.QUIET_NANOS);
    private final InvalidValues invalid = new InvalidValues(LOG, System::nanoTime);

    @Inject
    public RedisTier(SharedRedis redis) {
        this.redis = redis;
        this.timeout = redis.timeout();
        this.prefix = redis.keyPrefix().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        if (redis.enabled()) {
            LOG.info("Embedding cache: shared tier in the shared Redis");
        }
    }

    public boolean enabled() {
        return redis.enabled();
    }

    /**
     * Entries found in Redis for these keys that fit {@code expected}; an empty map when Redis is
     * off, down or slow. A value that does not fit is left out (a miss, so the fresh answer replaces
     * it), counted and logged sparingly.
     */
    public Uni<Map<ByteBuffer, CachedVector>> getAll(List<ByteBuffer> keys, VectorShape expected) {
        if (!redis.enabled() || keys.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return read(keys).map(replies -> {
            Map<ByteBuffer, CachedVector> found = new HashMap<>();
            long now = System.currentTimeMillis();
            for (int i = 0; i < keys.size(); i++) {
                Response r = replies.get(i);
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
            Throwable failed = replies.failure();
            if (failed == null) {
                health.succeeded(RedisHealth.Call.READ);
            } else {
                health.failed(RedisHealth.Call.READ, failed);
            }
            return found;
        });
    }

    /** One {@code MGET} on one server; a {@code GET} per key, one batch per node, on a cluster. Never fails. */
    private Uni<Replies> read(List<ByteBuffer> keys) {
        if (redis.cluster()) {
            List<Request> gets = new ArrayList<>(keys.size());
            int[] slots = new int[keys.size()];
            for (int i = 0; i < keys.size(); i++) {
                byte[] k = key(keys.get(i));
                gets.add(Request.cmd(Command.GET).arg(Buffer.buffer(k)));
                slots[i] = redis.slot(k);
            }
            return redis.pipeline(gets, slots, timeout);
        }
        Request mget = Request.cmd(Command.MGET);
        for (ByteBuffer k : keys) {
            mget.arg(Buffer.buffer(key(k)));
        }
        return redis.send(-1, mget).map(response -> Replies.ofArray(response, keys.size())).onFailure()
                .recoverWithItem(t -> Replies.failed(keys.size(), t));
    }

    /** Writes in the background: a client never waits for (or fails because of) the shared tier. */
    public void putAll(Map<ByteBuffer, CachedVector> entries) {
        if (!redis.enabled() || entries.isEmpty()) {
            return;
        }
        List<Request> batch = new ArrayList<>(entries.size());
        int[] slots = new int[entries.size()];
        long now = System.currentTimeMillis();
        entries.forEach((k, v) -> {
            long ttlMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(v.ttlNanos()));
            byte[] key = key(k);
            slots[batch.size()] = redis.slot(key);
            batch.add(Request.cmd(Command.SET).arg(Buffer.buffer(key)).arg(Buffer.buffer(RedisValue.encode(v, now + ttlMillis))).arg("PX")
                    .arg(ttlMillis));
        });
        redis.pipeline(batch, slots, timeout.multipliedBy(5)).subscribe().with(replies -> {
            Throwable failed = replies.failure();
            if (failed == null) {
                health.succeeded(RedisHealth.Call.WRITE);
            } else {
                health.failed(RedisHealth.Call.WRITE, failed);
            }
        }, t -> health.failed(RedisHealth.Call.WRITE, t));
    }

    private byte[] key(ByteBuffer k) {
        byte[] b = new byte[prefix.length + k.remaining()];
        System.arraycopy(prefix, 0, b, 0, prefix.length);
        k.duplicate().get(b, prefix.length, k.remaining());
        return b;
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
}
