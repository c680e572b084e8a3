package io.embedgate.usage;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.embedgate.config.GatewayConfig;
import io.embedgate.redis.SharedRedis;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;

/**
 * What each gateway key's answers counted, per model and UTC day: requests, inputs, tokens sent
 * upstream, tokens served from the cache, and their cost at the list price. Only answers count (a
 * request that failed spent nothing the gateway can price). With authentication off, usage goes
 * to the key id {@value #ANONYMOUS}.
 *
 * <p>Answers are counted in process ({@link UsageCells}); no request waits for Redis. With a shared
 * Redis a timer sends what was counted every {@code gateway.usage.flush-interval} in one round trip
 * ({@link RedisUsage}), and the queries read Redis, so they see every replica's usage, up to one
 * interval late. A flush that fails is kept and sent with the next one (one warning per outage).
 * Without Redis the cells are the ledger: per process, and gone at restart.
 */
@Singleton
public class UsageLedger {

    /** The key id of usage while authentication is off. */
    public static final String ANONYMOUS = "anonymous";

    private static final Logger LOG = Logger.getLogger(UsageLedger.class);
    private static final long DAY_MS = 86_400_000L;

    private final UsageCells cells = new UsageCells();
    /** Null without a shared Redis. */
    private final RedisUsage shared;
    private final Vertx vertx;
    private final int retentionDays;
    private final long flushMillis;
    private final AtomicBoolean flushing = new AtomicBoolean();
    private final AtomicBoolean outage = new AtomicBoolean();
    private volatile long timer = -1;

    @Inject
    public UsageLedger(GatewayConfig config, SharedRedis redis, Vertx vertx) {
        GatewayConfig.Usage c = config.usage();
        if (c.retentionDays() < 1) {
            throw new IllegalStateException("gateway.usage.retention-days must be at least 1, not " + c.retentionDays());
        }
        if (c.flushInterval().toMillis() < 10) {
            throw new IllegalStateException("gateway.usage.flush-interval must be at least 10ms, not " + c.flushInterval());
        }
        this.vertx = vertx;
        this.retentionDays = c.retentionDays();
        this.flushMillis = c.flushInterval().toMillis();
        this.shared = redis.enabled() ? new RedisUsage(redis, redis.keyPrefix(), retentionDays) : null;
    }

    /**
     * Counts one answer: its inputs, the tokens it sent upstream, the tokens served from the cache,
     * and what those cost and saved at the model's list price ({@code cost} null: the model has no
     * price). Cheap enough for every request: a map lookup and a few adds.
     */
    public void record(String keyId, String model, int inputs, long tokens, long cachedTokens, BigDecimal cost, BigDecimal saved) {
        boolean priced = cost != null;
        UsageCounters answer = new UsageCounters(1, inputs, tokens, cachedTokens, priced, priced ? PicoUsd.of(cost) : 0,
                priced && saved != null ? PicoUsd.of(saved) : 0);
        cells.add(keyId == null ? ANONYMOUS : keyId, model, System.currentTimeMillis() / DAY_MS, answer);
    }

    /**
     * Usage rows from {@code from} to {@code to} (UTC days, both included) of one key, or of every key
     * when {@code keyId} is empty, optionally of one model; sorted by date, model and key id. Fails
     * when the shared Redis cannot be read.
     */
    public Uni<List<UsageRow>> query(Optional<String> keyId, LocalDate from, LocalDate to, Optional<String> model) {
        if (shared == null) {
            return Uni.createFrom().item(() -> cells.rows(keyId, from, to, model));
        }
        return shared.rows(keyId, from, to, model);
    }

    /** The days a query can find: those still kept. */
    public int retentionDays() {
        return retentionDays;
    }

    void start(@Observes StartupEvent ignored) {
        timer = vertx.setPeriodic(flushMillis, id -> flush().subscribe().with(ok -> {
        }, failure -> {
        }));
    }

    /** On shutdown, what is still counted goes to Redis once (a few seconds at most). */
    void stop(@Observes ShutdownEvent ignored) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        if (shared != null) {
            try {
                // A tick's flush may be on its way: the last one waits for it, so that what it gives back is sent too.
                long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                while (flushing.get() && System.nanoTime() < until) {
                    Thread.sleep(10);
                }
                flush().await().atMost(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                LOG.warnf("Usage: the last flush to Redis at shutdown failed (%s); the %d answers this replica still held are not counted",
                        (e.getCause() != null ? e.getCause() : e).getClass().getSimpleName(), cells.pending().requests());
            }
        }
    }

    /**
     * One tick: drops the days past retention and, with Redis, sends what was counted since the last
     * flush. One flush at a time; a tick during a flush does nothing.
     */
    Uni<Void> flush() {
        long today = System.currentTimeMillis() / DAY_MS;
        if (!flushing.compareAndSet(false, true)) {
            return Uni.createFrom().voidItem();
        }
        cells.dropBefore(today - retentionDays + 1);
        if (shared == null) {
            flushing.set(false);
            return Uni.createFrom().voidItem();
        }
        Map<UsageCells.Key, UsageCounters> deltas = cells.drain();
        if (deltas.isEmpty()) {
            cells.removeFlushedBefore(today - 1);
            flushing.set(false);
            return Uni.createFrom().voidItem();
        }
        return shared.add(deltas).onItemOrFailure().transformToUni((unsent, error) -> {
            Throwable failure = error != null ? error : unsent.failure();
            if (failure != null) {
                cells.restore(error != null ? deltas : unsent.deltas());
                if (outage.compareAndSet(false, true)) {
                    LOG.warnf("Usage: the shared Redis cannot be reached (%s); usage is kept in this replica and sent when it answers",
                            failure.getClass().getSimpleName());
                }
            } else if (outage.compareAndSet(true, false)) {
                LOG.info("Usage: the shared Redis answers again; the usage kept meanwhile is sent");
            }
            flushing.set(false);
            return failure == null ? Uni.createFrom().voidItem() : Uni.createFrom().failure(failure);
        });
    }

    /** What this replica counted and has not yet sent to Redis (everything it counted, without Redis). */
    UsageCounters pending() {
        return cells.pending();
    }

    /** Fields read from Redis that did not parse and were left out. */
    public long invalidFields() {
        return shared == null ? 0 : shared.invalid();
    }
}
