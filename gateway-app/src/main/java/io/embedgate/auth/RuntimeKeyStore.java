package io.embedgate.auth;

import java.util.HashMap;
import java.util.Map;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.embedgate.config.GatewayConfig;
import io.embedgate.redis.SharedRedis;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;

/**
 * Where runtime keys live: one Redis hash (id to {@link StoredKey} JSON) and a version counter that
 * every write increments, so replicas poll one small number and read the hash only when it moved.
 * Both share a hash tag, so the scripts below run on one node of a cluster. Writes are
 * compare-and-set scripts: two admins rotating one key at once cannot both win.
 */
@Singleton
public class RuntimeKeyStore {

    /** Stores the value only if the id is new; bumps the version. */
    private static final String CREATE = """
            if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 1 then
              redis.call('INCR', KEYS[2])
              return 1
            end
            return 0
            """;

    /** Replaces the value only if it is still the one the caller read; bumps the version. */
    private static final String REPLACE = """
            if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then
              redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
              redis.call('INCR', KEYS[2])
              return 1
            end
            return 0
            """;

    private final SharedRedis redis;
    private final String hash;
    private final String version;
    /** The hash and its version share the tag {@code {admin-keys}}: one slot, so the scripts may change both. */
    private final int slot;

    @Inject
    public RuntimeKeyStore(SharedRedis redis, GatewayConfig config) {
        this.redis = redis;
        String prefix = config.cache().redis().keyPrefix();
        this.hash = prefix + "keys:{admin-keys}";
        this.version = prefix + "keys:{admin-keys}:version";
        this.slot = redis.slot(hash);
    }

    public boolean enabled() {
        return redis.enabled();
    }

    /** The version counter: 0 before the first write. */
    public Uni<Long> version() {
        return redis.send(slot, Request.cmd(Command.GET).arg(version)).map(r -> {
            if (r == null) {
                return 0L;
            }
            try {
                return Long.parseLong(r.toString());
            } catch (NumberFormatException e) {
                throw new IllegalStateException("the runtime keys' version in Redis is not a number");
            }
        });
    }

    /** Every stored key by id, raw (each value is parsed and checked by the caller), with the version read in the same round trip. */
    public Uni<Snapshot> all() {
        return redis.batch(slot, java.util.List.of(Request.cmd(Command.GET).arg(version), Request.cmd(Command.HGETALL).arg(hash)))
                .map(replies -> {
                    Response v = replies.get(0);
                    long at;
                    try {
                        at = v == null ? 0 : Long.parseLong(v.toString());
                    } catch (NumberFormatException e) {
                        throw new IllegalStateException("the runtime keys' version in Redis is not a number");
                    }
                    Map<String, String> values = new HashMap<>();
                    Response all = replies.get(1);
                    if (all != null) {
                        for (String field : all.getKeys()) {
                            values.put(field, all.get(field).toString());
                        }
                    }
                    return new Snapshot(at, values);
                });
    }

    /** The raw stored value of one id, or null. */
    public Uni<String> get(String id) {
        return redis.send(slot, Request.cmd(Command.HGET).arg(hash).arg(id)).map(r -> r == null ? null : r.toString());
    }

    /** Stores a new key; false when the id is taken. */
    public Uni<Boolean> create(StoredKey key) {
        return redis.send(slot, Request.cmd(Command.EVAL).arg(CREATE).arg(2).arg(hash).arg(version).arg(key.id()).arg(key.toJson()))
                .map(r -> r.toInteger() == 1);
    }

    /** Replaces a key; false when someone else changed it since {@code expected} was read. */
    public Uni<Boolean> replace(String expected, StoredKey key) {
        return redis.send(slot, Request.cmd(Command.EVAL).arg(REPLACE).arg(2).arg(hash).arg(version).arg(key.id()).arg(expected)
                .arg(key.toJson())).map(r -> r.toInteger() == 1);
    }

    /** The stored values at one version. */
    public record Snapshot(long version, Map<String, String> values) {
    }
}
