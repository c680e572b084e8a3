package io.embedgate.routing;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.embedgate.catalog.Catalog;
import io.embedgate.catalog.ProviderInstance;
import io.embedgate.config.GatewayConfig;
import io.embedgate.spi.ProviderQuota;

/**
 * What the router knows of each instance's rate limits: the configured requests and tokens per
 * minute of this process (a local token bucket), and what the provider last reported
 * ({@link ProviderQuota}) or a 429 said. {@link CandidateOrder} puts instances with little headroom
 * after the others and known exhausted ones last; {@link ChunkedCall} takes a call's requests and
 * tokens here first, and an instance that cannot give them is not called (the router moves on).
 *
 * <p>Refill model: what is left grows linearly until the allowance is full again. With a reported
 * limit and reset (OpenAI: the reset is the time until the limit is back to its initial state), the
 * rate is {@code (limit - remaining) / reset}; with a limit but no reset (Mistral), the limit per
 * minute; with neither, the configured per-minute value; with nothing at all, the instance counts as
 * full again after {@link #UNKNOWN_REFILL}. An instance is exhausted only until its estimated refill:
 * a request larger than the whole limit is sent once the allowance is full, and the provider decides.
 *
 * <p>State is one immutable snapshot per configured instance, swapped by compare-and-set: no locks,
 * memory bounded by the number of instances.
 */
@Singleton
public class Headroom {

    /** How an instance stands for one request. */
    enum Level {
        AMPLE, LOW, EXHAUSTED
    }

    /** Below this share of its limit, an instance is tried after those with more headroom. */
    static final double LOW_SHARE = 0.10;
    /**
     * When a provider reports what is left but neither a limit nor a reset, and no per-minute value is
     * configured (Azure): how long a shortfall is believed. Short on purpose: the instance's next
     * answer (or a 429 with its retry-after) says more.
     */
    static final Duration UNKNOWN_REFILL = Duration.ofSeconds(1);
    /** The longest wait believed from a provider (a reset or retry-after): a day, the longest real window. */
    static final Duration MAX_WAIT = Duration.ofDays(1);

    private static final double NANOS_PER_MINUTE = 60e9;
    /** {@link State#blockedUntil} of an instance no 429 has blocked. */
    private static final long NOT_BLOCKED = Long.MIN_VALUE;

    /** The configured limits of one instance. */
    record Configured(OptionalInt requestsPerMinute, OptionalInt tokensPerMinute) {
    }

    private final Map<String, Slot> slots;
    private final LongSupplier clock;
    /** False: what providers report is ignored; only the configured limits count. */
    private final boolean followProviders;

    @Inject
    public Headroom(Catalog catalog, GatewayConfig config) {
        this(configured(catalog.instances()), config.routing().followProviderRateLimits(), System::nanoTime);
    }

    Headroom(Map<String, Configured> instances, boolean followProviders, LongSupplier nanoClock) {
        this.clock = nanoClock;
        this.followProviders = followProviders;
        long now = nanoClock.getAsLong();
        Map<String, Slot> built = new HashMap<>();
        instances.forEach((name, c) -> built.put(name, new Slot(c, now)));
        this.slots = Map.copyOf(built);
    }

    private static Map<String, Configured> configured(Map<String, ProviderInstance> instances) {
        Map<String, Configured> out = new HashMap<>();
        instances.forEach((name, i) -> out.put(name, new Configured(i.requestsPerMinute(), i.tokensPerMinute())));
        return out;
    }

    /** How {@code instance} stands for a request of one call and {@code tokens} (asked for only when needed). */
    Level level(String instance, LongSupplier tokens) {
        Slot slot = slots.get(instance);
        if (slot == null) {
            return Level.AMPLE;
        }
        State s = slot.state.get();
        if (s.unlimited()) {
            return Level.AMPLE;
        }
        long now = clock.getAsLong();
        if (s.wait(now, 1, tokens) > 0) {
            return Level.EXHAUSTED;
        }
        return s.low(now) ? Level.LOW : Level.AMPLE;
    }

    /**
     * Takes {@code requests} and {@code tokens} from the instance's allowances for the calls about to
     * be sent; null when taken, else the estimated wait until they would be there (nothing taken).
     */
    Duration admit(String instance, int requests, LongSupplier tokens) {
        Slot slot = slots.get(instance);
        if (slot == null) {
            return null;
        }
        while (true) {
            State s = slot.state.get();
            if (s.unlimited()) {
                return null;
            }
            long now = clock.getAsLong();
            long wait = s.wait(now, requests, tokens);
            if (wait > 0) {
                return Duration.ofNanos(wait);
            }
            if (slot.state.compareAndSet(s, s.charged(now, requests, tokens))) {
                return null;
            }
        }
    }

    /** What a reply (an answer or an error) reported: it replaces the estimate of what the provider has left. */
    void reported(String instance, ProviderQuota quota) {
        if (!followProviders || quota.empty()) {
            return;
        }
        Slot slot = slots.get(instance);
        if (slot == null) {
            return;
        }
        long now = clock.getAsLong();
        slot.state.updateAndGet(s -> s.reported(quota, slot.configured, now));
    }

    /**
     * A provider's 429: what its headers reported, and no call until its retry-after has passed (or
     * {@link #UNKNOWN_REFILL} without one and without headers saying more).
     */
    void rateLimited(String instance, Optional<Duration> retryAfter, ProviderQuota quota) {
        if (!followProviders) {
            return;
        }
        Slot slot = slots.get(instance);
        if (slot == null) {
            return;
        }
        long now = clock.getAsLong();
        Duration wait = retryAfter.map(d -> d.compareTo(MAX_WAIT) > 0 ? MAX_WAIT : d)
                .orElse(quota.empty() ? UNKNOWN_REFILL : Duration.ZERO);
        slot.state.updateAndGet(s -> s.reported(quota, slot.configured, now).blockedUntil(now + wait.toNanos()));
    }

    /** The state of one instance and its configuration. */
    private static final class Slot {

        final Configured configured;
        final AtomicReference<State> state;

        Slot(Configured c, long now) {
            this.configured = c;
            this.state = new AtomicReference<>(new State(bucket(c.requestsPerMinute(), now), bucket(c.tokensPerMinute(), now), null,
                    null, NOT_BLOCKED));
        }

        private static Allowance bucket(OptionalInt perMinute, long now) {
            if (perMinute.isEmpty()) {
                return null;
            }
            double limit = perMinute.getAsInt();
            return new Allowance(limit, limit, limit / NANOS_PER_MINUTE, now, now);
        }
    }

    /**
     * One instance's allowances (null where nothing is known): the local buckets of the configured
     * limits, the provider's as last reported, and a 429's block.
     */
    private record State(Allowance localRequests, Allowance localTokens, Allowance providerRequests, Allowance providerTokens,
            long blockedUntil) {

        boolean unlimited() {
            return localRequests == null && localTokens == null && providerRequests == null && providerTokens == null
                    && blockedUntil == NOT_BLOCKED;
        }

        boolean usesTokens() {
            return localTokens != null || providerTokens != null;
        }

        /** Nanoseconds until {@code requests} and {@code tokens} are there; 0 when they are now. */
        long wait(long now, int requests, LongSupplier tokens) {
            long wait = blockedUntil != NOT_BLOCKED && blockedUntil - now > 0 ? blockedUntil - now : 0;
            wait = Math.max(wait, Allowance.waitFor(localRequests, now, requests));
            wait = Math.max(wait, Allowance.waitFor(providerRequests, now, requests));
            if (usesTokens()) {
                long need = tokens.getAsLong();
                wait = Math.max(wait, Allowance.waitFor(localTokens, now, need));
                wait = Math.max(wait, Allowance.waitFor(providerTokens, now, need));
            }
            return wait;
        }

        boolean low(long now) {
            return Allowance.low(localRequests, now) || Allowance.low(localTokens, now) || Allowance.low(providerRequests, now)
                    || Allowance.low(providerTokens, now);
        }

        State charged(long now, int requests, LongSupplier tokens) {
            long need = usesTokens() ? tokens.getAsLong() : 0;
            return new State(Allowance.charged(localRequests, now, requests), Allowance.charged(localTokens, now, need),
                    Allowance.charged(providerRequests, now, requests), Allowance.charged(providerTokens, now, need), blockedUntil);
        }

        State reported(ProviderQuota q, Configured c, long now) {
            return new State(localRequests, localTokens, Allowance.of(q.requests(), c.requestsPerMinute(), now, providerRequests),
                    Allowance.of(q.tokens(), c.tokensPerMinute(), now, providerTokens), blockedUntil);
        }

        State blockedUntil(long until) {
            long later = blockedUntil == NOT_BLOCKED || until - blockedUntil > 0 ? until : blockedUntil;
            return new State(localRequests, localTokens, providerRequests, providerTokens, later);
        }
    }

    /**
     * An estimate of what is left of one allowance, refilling linearly.
     *
     * @param remaining what was left at {@code at} (below zero after a call larger than what was left)
     * @param limit     the full allowance; infinite when unknown
     * @param perNano   the refill rate; 0 when unknown (then the allowance is full, or unknown, at {@code fullAt})
     * @param fullAt    when the allowance is full again: until then it can be exhausted, after it not
     */
    record Allowance(double remaining, double limit, double perNano, long at, long fullAt) {

        /** From a reported allowance; the previous estimate when the reply did not say what is left. */
        static Allowance of(ProviderQuota.Allowance reported, OptionalInt configuredPerMinute, long now, Allowance previous) {
            OptionalLong left = reported.remaining();
            if (left.isEmpty()) {
                return previous;
            }
            double remaining = left.getAsLong();
            double limit = reported.limit().isPresent() ? reported.limit().getAsLong()
                    : configuredPerMinute.isPresent() ? configuredPerMinute.getAsInt() : Double.POSITIVE_INFINITY;
            Optional<Duration> reset = reported.reset().map(d -> d.compareTo(MAX_WAIT) > 0 ? MAX_WAIT : d);
            if (reset.isPresent()) {
                long resetNanos = reset.get().toNanos();
                // Full already (a reset of 0s): charges refill at the limit per minute.
                double rate = !Double.isFinite(limit) ? 0
                        : limit > remaining && resetNanos > 0 ? (limit - remaining) / resetNanos : limit / NANOS_PER_MINUTE;
                return new Allowance(remaining, limit, rate, now, now + resetNanos);
            }
            if (Double.isFinite(limit) && limit > 0) {
                double rate = limit / NANOS_PER_MINUTE;
                return new Allowance(remaining, limit, rate, now, now + nanos(Math.max(0, limit - remaining) / rate));
            }
            return new Allowance(remaining, limit, 0, now, now + UNKNOWN_REFILL.toNanos());
        }

        double left(long now) {
            if (now - fullAt >= 0) {
                return limit;
            }
            return Math.min(limit, remaining + perNano * (now - at));
        }

        static long waitFor(Allowance a, long now, long need) {
            if (a == null || now - a.fullAt >= 0) {
                return 0;
            }
            double short_ = need - a.left(now);
            if (short_ <= 0) {
                return 0;
            }
            long untilFull = a.fullAt - now;
            return a.perNano > 0 ? Math.min(untilFull, Math.max(1, nanos(short_ / a.perNano))) : untilFull;
        }

        static boolean low(Allowance a, long now) {
            return a != null && Double.isFinite(a.limit) && now - a.fullAt < 0 && a.left(now) < a.limit * LOW_SHARE;
        }

        static Allowance charged(Allowance a, long now, long n) {
            if (a == null || n == 0) {
                return a;
            }
            double left = a.left(now) - n;
            long fullAt = a.fullAt;
            if (a.perNano > 0 && Double.isFinite(a.limit)) {
                fullAt = now + nanos(Math.max(0, a.limit - left) / a.perNano);
            }
            return new Allowance(left, a.limit, a.perNano, now, fullAt);
        }

        private static long nanos(double d) {
            return d >= Long.MAX_VALUE / 2.0 ? Long.MAX_VALUE / 2 : (long) Math.ceil(d);
        }
    }
}
