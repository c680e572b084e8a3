package io.embedgate.admin;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.embedgate.api.ApiException;
import io.embedgate.auth.ApiKeys;
import io.embedgate.auth.KeySpec;
import io.embedgate.auth.RuntimeKeyStore;
import io.embedgate.auth.RuntimeKeys;
import io.embedgate.auth.StoredKey;
import io.smallrye.mutiny.Uni;

/**
 * Creating, rotating, changing and revoking runtime keys. A new key is 32 random bytes, returned once
 * to the caller; only its SHA-256 is stored. Every change is a compare-and-set on the stored value,
 * and this replica re-reads the store before answering, so the change holds here at once and on the
 * other replicas within their sync interval.
 */
@Singleton
public class KeyOperations {

    private static final Logger LOG = Logger.getLogger(KeyOperations.class);
    /** Compare-and-set rounds before two admins changing one key at once get a 409. */
    private static final int ATTEMPTS = 3;

    /** A key's stored form and, when it was just made, the key itself (shown once). */
    public record Issued(StoredKey key, String secret) {
    }

    /** Per instance, not static: nothing holding entropy may be initialised when a native image is built. */
    private final SecureRandom random = new SecureRandom();
    private final RuntimeKeyStore store;
    private final RuntimeKeys runtime;
    private final ApiKeys keys;

    @Inject
    public KeyOperations(RuntimeKeyStore store, RuntimeKeys runtime, ApiKeys keys) {
        this.store = store;
        this.runtime = runtime;
        this.keys = keys;
    }

    public Uni<Issued> create(Optional<String> requestedId, KeySpec spec) {
        requireStore();
        String id = requestedId.orElseGet(() -> "key-" + HexFormat.of().formatHex(bytes(6)));
        if (!StoredKey.ID.matcher(id).matches()) {
            throw ApiException.invalid("id", "id must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit.");
        }
        if (keys.configured().containsKey(id)) {
            throw new ApiException(409, "invalid_request_error", "key_exists", "id",
                    "A key with id '" + id + "' is defined in configuration.", null);
        }
        String secret = newSecret();
        Instant now = now();
        StoredKey key = new StoredKey(id, StoredKey.hash(secret), Optional.empty(), Optional.empty(), false, now, Optional.empty(),
                Optional.empty(), spec);
        return store.create(key).onFailure().transform(KeyOperations::unavailable).chain(created -> {
            if (!created) {
                throw new ApiException(409, "invalid_request_error", "key_exists", "id", "A key with id '" + id
                        + "' exists or existed (ids of revoked keys are not reused).", null);
            }
            LOG.infof("Admin API: gateway key '%s' created", id);
            return settled(new Issued(key, secret));
        });
    }

    /** A new secret for the key; the old one keeps working for {@code grace}, then stops. */
    public Uni<Issued> rotate(String id, Duration grace) {
        String secret = newSecret();
        Instant now = now();
        return change(id, k -> {
            active(k);
            return new StoredKey(id, StoredKey.hash(secret), grace.isZero() ? Optional.empty() : Optional.of(k.sha256()),
                    grace.isZero() ? Optional.empty() : Optional.of(now.plus(grace)), false, k.createdAt(), Optional.of(now),
                    Optional.empty(), k.spec());
        }).map(k -> {
            LOG.infof("Admin API: gateway key '%s' rotated%s", id, grace.isZero() ? "" : "; the old key works until " + now.plus(grace));
            return new Issued(k, secret);
        });
    }

    /** Replaces the key's description and policy. */
    public Uni<StoredKey> update(String id, KeySpec spec) {
        return change(id, k -> {
            active(k);
            return new StoredKey(id, k.sha256(), k.previousSha256(), k.previousValidUntil(), false, k.createdAt(), k.rotatedAt(),
                    Optional.empty(), spec);
        }).invoke(k -> LOG.infof("Admin API: gateway key '%s' policy changed", id));
    }

    /** Revokes the key (and a previous key still in its grace). Revoking a revoked key changes nothing. */
    public Uni<StoredKey> revoke(String id) {
        Instant now = now();
        return change(id, k -> k.revoked() ? k
                : new StoredKey(id, k.sha256(), Optional.empty(), Optional.empty(), true, k.createdAt(), k.rotatedAt(), Optional.of(now),
                        k.spec()))
                .invoke(k -> LOG.infof("Admin API: gateway key '%s' revoked", id));
    }

    /** One stored key as the store has it now (not this replica's snapshot). */
    public Uni<StoredKey> get(String id) {
        requireStore();
        return store.get(id).onFailure().transform(KeyOperations::unavailable).map(raw -> {
            if (raw == null) {
                throw notFound(id);
            }
            return parse(id, raw);
        });
    }

    private Uni<StoredKey> change(String id, UnaryOperator<StoredKey> how) {
        if (keys.configured().containsKey(id)) {
            throw new ApiException(409, "invalid_request_error", "config_key", null,
                    "Gateway key '" + id + "' is defined in configuration; change it there.", null);
        }
        requireStore();
        return attempt(id, how, 1);
    }

    private Uni<StoredKey> attempt(String id, UnaryOperator<StoredKey> how, int round) {
        return store.get(id).onFailure().transform(KeyOperations::unavailable).chain(raw -> {
            if (raw == null) {
                throw notFound(id);
            }
            StoredKey next = how.apply(parse(id, raw));
            return store.replace(raw, next).onFailure().transform(KeyOperations::unavailable).chain(replaced -> {
                if (replaced) {
                    return settled(next);
                }
                if (round >= ATTEMPTS) {
                    throw new ApiException(409, "invalid_request_error", "conflict", null,
                            "Gateway key '" + id + "' is being changed by another request; retry.", null);
                }
                return attempt(id, how, round + 1);
            });
        });
    }

    /** Re-reads the store so this replica holds the change before the caller hears of it. */
    private <T> Uni<T> settled(T result) {
        return runtime.refresh().onFailure().recoverWithNull().replaceWith(result);
    }

    private static StoredKey parse(String id, String raw) {
        try {
            return StoredKey.parse(raw);
        } catch (IllegalArgumentException e) {
            throw new ApiException(500, "server_error", "key_store_corrupt", null,
                    "The stored record of gateway key '" + id + "' is malformed (" + e.getMessage() + ").", null);
        }
    }

    private static void active(StoredKey k) {
        if (k.revoked()) {
            throw new ApiException(409, "invalid_request_error", "key_revoked", null, "Gateway key '" + k.id() + "' is revoked.", null);
        }
    }

    private void requireStore() {
        if (!store.enabled()) {
            throw new ApiException(409, "invalid_request_error", "runtime_keys_need_redis", null,
                    "Runtime keys are kept in the shared Redis, so that every replica sees them and they survive restarts; set"
                            + " gateway.cache.redis.url (EMBEDGATE_REDIS_URL). Keys in configuration work without it.",
                    null);
        }
    }

    private static ApiException notFound(String id) {
        return new ApiException(404, "invalid_request_error", "key_not_found", null, "No runtime gateway key '" + id + "'.", null);
    }

    static Throwable unavailable(Throwable t) {
        return t instanceof ApiException ? t
                : new ApiException(503, "server_error", "key_store_unavailable", null,
                        "The shared Redis holding the runtime keys cannot be reached; retry shortly.", Map.of("retry-after", "1"));
    }

    private String newSecret() {
        return "eg_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes(32));
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }
}
