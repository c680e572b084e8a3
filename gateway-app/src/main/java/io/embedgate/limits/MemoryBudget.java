package io.embedgate.limits;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.embedgate.config.GatewayConfig;
import io.embedgate.spi.ReplyAllowance;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * The memory the gateway's requests in flight may hold: upstream replies, decoded vectors, inputs.
 * A request is admitted with its estimate ({@link MemoryEstimate}) set aside, and gives it back when
 * its response is over; an upstream reply that turns out larger than estimated takes the difference
 * from the same budget while it is read, or fails. So the heap holds at most this budget of request
 * data, whatever mix of requests and clients arrives, instead of running out of memory.
 *
 * <p>A request that does not fit waits, without holding a thread, for up to
 * {@code gateway.limits.inflight-wait}, then gets a 503 with {@code retry-after}. Waiters are
 * admitted first-come first-served among those that fit: a small request is not held up behind a
 * large one that is still waiting for room. A request larger than the whole budget is admitted only
 * into an empty budget, so every request that the limits allow can be served, one at a time.
 */
@Startup // its gauges and its start-up line from the first second, not the first request
@Singleton
public class MemoryBudget {

    private static final Logger LOG = Logger.getLogger(MemoryBudget.class);

    private final long capacity;
    private final Duration maxWait;
    private final Vertx vertx;
    /** Guarded by this. */
    private long used;
    /** Guarded by this; in arrival order. */
    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();

    @Inject
    public MemoryBudget(GatewayConfig config, Vertx vertx, MeterRegistry registry) {
        this(config.limits().maxInflightBytes().map(m -> m.asLongValue()).orElse(defaultCapacity()), config.limits().inflightWait(), vertx);
        Gauge.builder("embedgate.inflight.bytes", this, MemoryBudget::used).description("Memory set aside by requests in flight")
                .baseUnit("bytes").register(registry);
        Gauge.builder("embedgate.inflight.capacity", this, MemoryBudget::capacity)
                .description("The memory budget of requests in flight (gateway.limits.max-inflight-bytes)").baseUnit("bytes")
                .register(registry);
        Gauge.builder("embedgate.inflight.waiting", this, MemoryBudget::waiting)
                .description("Requests waiting for room in the memory budget")
                .register(registry);
        LOG.infof("Memory budget of requests in flight: %d MB (heap max %d MB)", capacity >> 20, Runtime.getRuntime().maxMemory() >> 20);
    }

    MemoryBudget(long capacity, Duration maxWait, Vertx vertx) {
        if (capacity < 1) {
            throw new IllegalArgumentException("gateway.limits.max-inflight-bytes must be positive");
        }
        this.capacity = capacity;
        this.maxWait = maxWait;
        this.vertx = vertx;
    }

    /** 40% of the maximum heap: the rest is the application itself, the in-process cache and the collector's headroom. */
    static long defaultCapacity() {
        return Runtime.getRuntime().maxMemory() / 5 * 2;
    }

    public long capacity() {
        return capacity;
    }

    public synchronized long used() {
        return used;
    }

    public synchronized int waiting() {
        return waiters.size();
    }

    /**
     * Admits at once when {@code bytes} fit; null when the request has to wait. A small request (up
     * to 1/64 of the budget, e.g. a few inputs) passes any waiters when it fits: one-input requests
     * keep being served while a large one waits for room. A larger one queues behind earlier waiters.
     */
    public Permit tryAdmit(long bytes) {
        synchronized (this) {
            if ((waiters.isEmpty() || bytes <= capacity / 64) && fits(bytes)) {
                used += bytes;
                return new Permit(bytes);
            }
        }
        return null;
    }

    /**
     * Admits when {@code bytes} fit, waiting at most {@code gateway.limits.inflight-wait} (and never
     * beyond {@code deadline}); fails with {@link Overloaded} when the wait is over. The permit is
     * delivered on the caller's Vert.x context.
     */
    public Uni<Permit> admit(long bytes, Duration deadline) {
        Permit now = tryAdmit(bytes);
        if (now != null) {
            return Uni.createFrom().item(now);
        }
        Duration wait = deadline.compareTo(maxWait) < 0 ? deadline : maxWait;
        Context context = Vertx.currentContext();
        return Uni.createFrom().emitter(emitter -> {
            Waiter w = new Waiter(bytes, context, emitter);
            synchronized (this) {
                if ((waiters.isEmpty() || bytes <= capacity / 64) && fits(bytes)) {
                    used += bytes;
                    emitter.complete(new Permit(bytes));
                    return;
                }
                waiters.add(w);
            }
            long timer = vertx.setTimer(Math.max(1, wait.toMillis()), id -> {
                if (remove(w)) {
                    emitter.fail(new Overloaded(bytes, capacity, wait));
                }
            });
            emitter.onTermination(() -> {
                vertx.cancelTimer(timer);
                remove(w); // cancelled while waiting: the client hung up
            });
        });
    }

    private boolean fits(long bytes) {
        return used + bytes <= capacity || used == 0;
    }

    private synchronized boolean remove(Waiter w) {
        return waiters.remove(w);
    }

    private void free(long bytes) {
        java.util.List<Waiter> admitted = null;
        synchronized (this) {
            used -= bytes;
            for (Iterator<Waiter> it = waiters.iterator(); it.hasNext();) {
                Waiter w = it.next();
                if (fits(w.bytes)) {
                    it.remove();
                    used += w.bytes;
                    if (admitted == null) {
                        admitted = new java.util.ArrayList<>(2);
                    }
                    admitted.add(w);
                }
            }
        }
        if (admitted != null) {
            for (Waiter w : admitted) {
                Permit p = new Permit(w.bytes);
                // Continue on the request's own event loop, not on the thread that freed the room.
                if (w.context != null) {
                    w.context.runOnContext(v -> w.emitter.complete(p));
                } else {
                    w.emitter.complete(p);
                }
            }
        }
    }

    /** Takes {@code bytes} more without waiting; false when they do not fit. */
    private synchronized boolean tryTake(long bytes) {
        if (used + bytes > capacity) {
            return false;
        }
        used += bytes;
        return true;
    }

    /**
     * Takes {@code bytes} more for a request that holds the whole budget alone (one admitted beyond
     * the budget, see {@link #fits}): it may grow to the per-request cap of twice the budget, which
     * the 413 check before admission is measured against. Without this, such a request's replies, a
     * little larger than estimated, would fail it with a 503 that no retry can cure.
     */
    private boolean tryTakeAlone(Permit p, long bytes) {
        if (used != p.admitted + p.extended || used + bytes > 2 * capacity) {
            return false;
        }
        used += bytes;
        return true;
    }

    private record Waiter(long bytes, Context context, io.smallrye.mutiny.subscription.UniEmitter<? super Permit> emitter) {
    }

    /** No room within the wait: the client gets a 503 with retry-after. */
    public static final class Overloaded extends RuntimeException {

        private final long bytes;

        Overloaded(long bytes, long capacity, Duration waited) {
            super("the gateway's memory budget for requests in flight (" + (capacity >> 20) + " MB) had no room for this request (about "
                    + Math.max(1, bytes >> 20) + " MB) within " + waited.toMillis() + " ms", null, false, false);
            this.bytes = bytes;
        }

        public long bytes() {
            return bytes;
        }
    }

    /**
     * One request's share of the budget. It has two holders, the response and the work that produces
     * it (which can outlive a client that hung up, when its answer is being cached), and is given back
     * when both are done. More holders can join ({@link #hold()}).
     */
    public final class Permit implements RequestMemory {

        private final long admitted;
        /** Guarded by MemoryBudget.this. */
        private long extended;
        private int holders = 2;

        Permit(long admitted) {
            this.admitted = admitted;
        }

        public long admitted() {
            return admitted;
        }

        @Override
        public void hold() {
            synchronized (MemoryBudget.this) {
                if (holders == 0) {
                    throw new IllegalStateException("permit already released");
                }
                holders++;
            }
        }

        @Override
        public void release() {
            long back;
            synchronized (MemoryBudget.this) {
                if (holders == 0) {
                    return;
                }
                if (--holders > 0) {
                    return;
                }
                back = admitted + extended;
            }
            free(back);
        }

        @Override
        public ReplyAllowance forReply(long reserved) {
            return new ReplyAllowance() {

                @Override
                public long reserved() {
                    return reserved;
                }

                @Override
                public boolean tryExtend(long bytes) {
                    synchronized (MemoryBudget.this) {
                        if (holders == 0 || !(tryTake(bytes) || tryTakeAlone(Permit.this, bytes))) {
                            return false;
                        }
                        extended += bytes;
                        return true;
                    }
                }
            };
        }
    }
}
