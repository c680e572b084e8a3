package io.embedgate.routing;

import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * A circuit breaker judging the failures of a recent stretch of time.
 * <ul>
 * <li>CLOSED: outcomes go into a rolling time window ({@link #BUCKETS} buckets, so old outcomes age
 * out). Only a recorded failure can open it, when the window holds at least {@code requestVolume}
 * calls and at least {@code failureRatio} of them failed. A success never opens it.</li>
 * <li>OPEN: calls are refused until {@code delay} has passed since it opened.</li>
 * <li>HALF_OPEN: at most {@code successThreshold} probes at once; more calls are refused.
 * {@code successThreshold} successful probes close it with an empty window; a failed probe opens it
 * for another full delay; a probe without an outcome (cancelled, or an error that is the caller's
 * business) frees its slot and counts as nothing, so it cannot stay half-open for lack of probes.</li>
 * </ul>
 * Not SmallRye Fault Tolerance's breaker: its window is the last n calls, however old, and it
 * evaluates the ratio on every call, successes included, so it can open on a success.
 * <p>
 * Thread-safe: state changes and recorded outcomes take one short lock; admitting a call while
 * closed, and reading the state (unless the delay has just passed), do not.
 */
public final class CircuitBreaker {

    public enum State {
        // The ordinal is the value of the state gauge: 0 closed, 1 open, 2 half-open.
        CLOSED, OPEN, HALF_OPEN
    }

    /** Buckets of the rolling window; an outcome counts for between 9/10 of the window and all of it. */
    static final int BUCKETS = 10;

    /**
     * @param requestVolume    calls the window must hold before the breaker may open
     * @param failureRatio     share of failures in the window, at or above which a failure opens it
     * @param window           the stretch of time whose outcomes count
     * @param delay            how long an open breaker refuses calls before it admits probes
     * @param successThreshold successful probes that close it; also the most probes at once
     */
    public record Config(int requestVolume, double failureRatio, Duration window, Duration delay, int successThreshold) {

        public Config {
            if (requestVolume < 1) {
                throw new IllegalArgumentException("request-volume must be at least 1, not " + requestVolume);
            }
            if (!(failureRatio > 0 && failureRatio <= 1)) {
                throw new IllegalArgumentException("failure-ratio must be above 0 and at most 1, not " + failureRatio);
            }
            if (window.toNanos() < BUCKETS) {
                throw new IllegalArgumentException("window must be positive, not " + window);
            }
            if (delay.isNegative()) {
                throw new IllegalArgumentException("delay must not be negative, not " + delay);
            }
            if (successThreshold < 1) {
                throw new IllegalArgumentException("success-threshold must be at least 1, not " + successThreshold);
            }
        }
    }

    /**
     * Leave to make one call, to be ended with {@link #succeeded()}, {@link #failed()} or
     * {@link #abandoned()}; only the first end counts. The outcome of a call admitted before the
     * breaker last changed state is ignored: it says nothing about the instance since.
     */
    public final class Permit {

        private final long generation;
        private boolean ended; // guarded by the breaker's lock

        private Permit(long generation) {
            this.generation = generation;
        }

        public void succeeded() {
            end(this, Outcome.SUCCESS);
        }

        public void failed() {
            end(this, Outcome.FAILURE);
        }

        /** The call ended without saying anything about the instance (cancelled, or the caller's error). */
        public void abandoned() {
            end(this, Outcome.NONE);
        }
    }

    private enum Outcome {
        SUCCESS, FAILURE, NONE
    }

    /** What is read without the lock: replaced as a whole, under the lock, on every state change. */
    private record Phase(State state, long generation, long openedAt) {
    }

    private final Config config;
    private final LongSupplier clock;
    private final Consumer<State> onChange;
    private final long delayNanos;
    private final long bucketNanos;
    private final long origin;

    private volatile Phase phase;

    // Guarded by this: the rolling window (bucket i holds absolute bucket number epoch[i]) and the probes.
    private final long[] epoch = new long[BUCKETS];
    private final int[] calls = new int[BUCKETS];
    private final int[] failures = new int[BUCKETS];
    private int probesInFlight;
    private int probeSuccesses;

    /**
     * @param clock    nanoseconds, monotonic ({@code System::nanoTime})
     * @param onChange told each state change once, in order, under the breaker's lock: keep it short and do not wait on other
     *                 threads
     */
    public CircuitBreaker(Config config, LongSupplier clock, Consumer<State> onChange) {
        this.config = config;
        this.clock = clock;
        this.onChange = onChange;
        this.delayNanos = config.delay().toNanos();
        this.bucketNanos = config.window().toNanos() / BUCKETS;
        this.origin = clock.getAsLong();
        this.phase = new Phase(State.CLOSED, 0, 0);
        clearWindow();
    }

    /** The state now: an open breaker whose delay has passed becomes half-open here, not only on the next call. */
    public State state() {
        Phase p = phase;
        if (p.state() == State.OPEN && clock.getAsLong() - p.openedAt() >= delayNanos) {
            synchronized (this) {
                halfOpenIfDelayPassed(clock.getAsLong());
                return phase.state();
            }
        }
        return p.state();
    }

    /** True while the breaker is open and its delay has not passed: calls are refused. */
    public boolean refusing() {
        return state() == State.OPEN;
    }

    /** Leave to make a call, or null when the breaker refuses it (open, or every probe slot taken). */
    public Permit tryAcquire() {
        Phase p = phase;
        if (p.state() == State.CLOSED) {
            return new Permit(p.generation());
        }
        synchronized (this) {
            halfOpenIfDelayPassed(clock.getAsLong());
            p = phase;
            if (p.state() == State.CLOSED) {
                return new Permit(p.generation());
            }
            if (p.state() == State.HALF_OPEN && probesInFlight < config.successThreshold()) {
                probesInFlight++;
                return new Permit(p.generation());
            }
            return null;
        }
    }

    private synchronized void end(Permit permit, Outcome outcome) {
        if (permit.ended) {
            return;
        }
        permit.ended = true;
        Phase p = phase;
        if (permit.generation != p.generation()) {
            return;
        }
        long now = clock.getAsLong();
        if (p.state() == State.CLOSED) {
            if (outcome != Outcome.NONE) {
                record(now, outcome == Outcome.FAILURE);
            }
        } else if (p.state() == State.HALF_OPEN) {
            probesInFlight--;
            if (outcome == Outcome.FAILURE) {
                change(State.OPEN, now);
            } else if (outcome == Outcome.SUCCESS && ++probeSuccesses >= config.successThreshold()) {
                clearWindow();
                change(State.CLOSED, now);
            }
        }
    }

    /** One outcome into the window; a failure may open the breaker, a success never does. */
    private void record(long now, boolean failure) {
        long bucket = (now - origin) / bucketNanos;
        int i = (int) (bucket % BUCKETS);
        if (epoch[i] != bucket) {
            epoch[i] = bucket;
            calls[i] = 0;
            failures[i] = 0;
        }
        calls[i]++;
        if (!failure) {
            return;
        }
        failures[i]++;
        int[] window = totals(bucket);
        if (window[0] >= config.requestVolume() && window[1] >= config.failureRatio() * window[0]) {
            change(State.OPEN, now);
        }
    }

    private void halfOpenIfDelayPassed(long now) {
        if (phase.state() == State.OPEN && now - phase.openedAt() >= delayNanos) {
            change(State.HALF_OPEN, now);
        }
    }

    /** A new phase: probes start afresh, outcomes of calls admitted before it are ignored. */
    private void change(State to, long now) {
        Phase p = phase;
        probesInFlight = 0;
        probeSuccesses = 0;
        phase = new Phase(to, p.generation() + 1, to == State.OPEN ? now : p.openedAt());
        onChange.accept(to);
    }

    private void clearWindow() {
        for (int k = 0; k < BUCKETS; k++) {
            epoch[k] = Long.MIN_VALUE / 2; // far in the past: never within the window
            calls[k] = 0;
            failures[k] = 0;
        }
    }

    /** Calls and failures in the window now, for tests. */
    synchronized int[] window() {
        return totals((clock.getAsLong() - origin) / bucketNanos);
    }

    /** Calls and failures in the {@link #BUCKETS} buckets up to and including {@code bucket}. */
    private int[] totals(long bucket) {
        int[] out = new int[2];
        for (int k = 0; k < BUCKETS; k++) {
            if (bucket - epoch[k] < BUCKETS) {
                out[0] += calls[k];
                out[1] += failures[k];
            }
        }
        return out;
    }
}
