package io.embedgate.auth;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.embedgate.config.GatewayConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;

/**
 * This replica's view of the keys created through the admin API. Requests authenticate against an
 * immutable snapshot (no Redis call per request); a timer asks Redis for the store's version every
 * {@code gateway.admin.key-sync-interval} and re-reads the keys only when it moved, so a key created,
 * rotated or revoked on any replica is seen by every replica within that interval. While Redis
 * cannot be reached the last snapshot stays in force (one warning per outage): an outage of Redis
 * must not lock every runtime key out, and a revocation then lands when Redis is back.
 */
@Singleton
public class RuntimeKeys {

    private static final Logger LOG = Logger.getLogger(RuntimeKeys.class);

    /** What one snapshot of the store holds, indexed for lookups. */
    record Snapshot(long version, Map<String, StoredKey> byId, Map<ByteBuffer, String> current, Map<ByteBuffer, String> previous,
            Map<String, KeyPolicy> policies) {

        static final Snapshot EMPTY = new Snapshot(-1, Map.of(), Map.of(), Map.of(), Map.of());

        static Snapshot of(long version, Map<String, StoredKey> keys) {
            Map<ByteBuffer, String> current = new HashMap<>();
            Map<ByteBuffer, String> previous = new HashMap<>();
            Map<String, KeyPolicy> policies = new HashMap<>();
            keys.values().forEach(k -> {
                if (!k.revoked()) {
                    current.put(ByteBuffer.wrap(HexFormat.of().parseHex(k.sha256())), k.id());
                    k.previousSha256().ifPresent(h -> previous.put(ByteBuffer.wrap(HexFormat.of().parseHex(h)), k.id()));
                    policies.put(k.id(), k.spec().policy(k.id()));
                }
            });
            return new Snapshot(version, Map.copyOf(keys), Map.copyOf(current), Map.copyOf(previous), Map.copyOf(policies));
        }
    }

    private final RuntimeKeyStore store;
    private final Vertx vertx;
    private final Duration interval;
    private final AtomicReference<Snapshot> snapshot = new AtomicReference<>(Snapshot.EMPTY);
    private final AtomicBoolean syncing = new AtomicBoolean();
    private final AtomicBoolean outage = new AtomicBoolean();
    /** Stored values that failed their checks, by id and value, so each is logged once. */
    private final Map<String, String> rejected = new java.util.concurrent.ConcurrentHashMap<>();
    private long timer = -1;

    @Inject
    public RuntimeKeys(RuntimeKeyStore store, Vertx vertx, GatewayConfig config) {
        this.store = store;
        this.vertx = vertx;
        this.interval = config.admin().keySyncInterval();
    }

    @PostConstruct
    void start() {
        if (store.enabled()) {
            sync();
            timer = vertx.setPeriodic(Math.max(50, interval.toMillis()), id -> sync());
        }
    }

    @PreDestroy
    void stop() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    /** The id of the runtime key with this SHA-256, if it is in force now. */
    public Optional<String> authenticate(byte[] sha256, Instant now) {
        Snapshot s = snapshot.get();
        ByteBuffer h = ByteBuffer.wrap(sha256);
        String id = s.current().get(h);
        if (id == null) {
            id = s.previous().get(h);
            if (id != null && !s.byId().get(id).previousValid(now)) {
                id = null;
            }
        }
        return Optional.ofNullable(id);
    }

    /** The policy of an active runtime key, or null. */
    public KeyPolicy policy(String id) {
        return snapshot.get().policies().get(id);
    }

    public boolean debugAllowed(String id) {
        StoredKey k = snapshot.get().byId().get(id);
        return k != null && !k.revoked() && k.spec().debugAllowed();
    }

    /** The keys as last read, revoked ones included. */
    public Map<String, StoredKey> all() {
        return snapshot.get().byId();
    }

    /** Reads the store now (after this replica wrote to it, so its answer holds at once on this replica). */
    public Uni<Void> refresh() {
        return store.all().invoke(this::install).replaceWithVoid();
    }

    private void sync() {
        if (!syncing.compareAndSet(false, true)) {
            return; // the previous round is still waiting for Redis
        }
        store.version().chain(v -> v == snapshot.get().version() ? Uni.createFrom().voidItem() : refresh())
                .subscribe().with(ok -> {
                    syncing.set(false);
                    if (outage.compareAndSet(true, false)) {
                        LOG.info("Runtime keys: the shared Redis answers again; keys are in sync");
                    }
                }, failure -> {
                    syncing.set(false);
                    if (outage.compareAndSet(false, true)) {
                        LOG.warnf(
                                "Runtime keys: the shared Redis cannot be reached (%s); the keys as last read stay in force until it answers",
                                failure.getClass().getSimpleName());
                    }
                });
    }

    private void install(RuntimeKeyStore.Snapshot raw) {
        Map<String, StoredKey> keys = new HashMap<>();
        raw.values().forEach((id, json) -> {
            try {
                StoredKey k = StoredKey.parse(json);
                if (!k.id().equals(id)) {
                    throw new IllegalArgumentException("stored under another id");
                }
                keys.put(id, k);
            } catch (IllegalArgumentException e) {
                if (!json.equals(rejected.put(id, json))) {
                    // The id is safe to log only once it is known to be a plain id.
                    LOG.warnf("Runtime keys: a stored key%s is malformed (%s) and is left out", StoredKey.ID.matcher(id).matches()
                            ? " '" + id + "'"
                            : "", e.getMessage());
                }
            }
        });
        snapshot.updateAndGet(old -> raw.version() < old.version() ? old : Snapshot.of(raw.version(), keys));
    }
}
