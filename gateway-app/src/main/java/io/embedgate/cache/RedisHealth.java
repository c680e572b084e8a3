package io.embedgate.cache;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

import org.jboss.logging.Logger;

import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;

/**
 * Turns the outcome of every shared-tier call into one warning per outage and one line when it is
 * over, never a line per call. Three conditions come and go apart, so each is tracked on its own:
 * Redis unreachable or slow (no reply at all, from any call), and Redis replying with an error to
 * reads, or to writes (a full Redis with {@code noeviction} refuses every write while reads still
 * work). A condition is over only once a call of its kind has worked after {@code quiet} without a
 * failure of that kind, so calls that keep alternating between working and failing stay one outage.
 */
final class RedisHealth {

    enum Call {
        READ, WRITE
    }

    /** How long a condition must go without a failure before a working call ends it. */
    static final long QUIET_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** How a Java exception reads ({@code java.io.IOException: ...}), as opposed to a Redis error reply ({@code OOM ...}). */
    private static final Pattern JAVA_EXCEPTION = Pattern.compile("^[A-Za-z_$][\\w$]*(\\.[A-Za-z_$][\\w$]*)+(:.*)?$");
    /** The prefix the client puts on each failed command of a pipelined batch. */
    private static final Pattern BATCH_PREFIX = Pattern.compile("^ERR \\[\\d+\\] ");

    private final Logger log;
    private final LongSupplier nanoTime;
    private final long quietNanos;
    private final Condition unreachable = new Condition();
    private final Condition readsRejected = new Condition();
    private final Condition writesRejected = new Condition();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong outages = new AtomicLong();

    RedisHealth(Logger log, LongSupplier nanoTime, long quietNanos) {
        this.log = log;
        this.nanoTime = nanoTime;
        this.quietNanos = quietNanos;
    }

    void succeeded(Call call) {
        if (unreachable.on() || rejected(call).on()) { // the common case, all well, costs two volatile reads
            long now = nanoTime.getAsLong();
            replied(now);
            if (rejected(call).end(now)) {
                log.info(call == Call.WRITE ? "Embedding cache: Redis accepts writes again" : "Embedding cache: Redis answers reads again");
            }
        }
    }

    void failed(Call call, Throwable t) {
        failures.incrementAndGet();
        long now = nanoTime.getAsLong();
        String reply = errorReply(t);
        if (reply == null) {
            if (unreachable.begin(now)) {
                outages.incrementAndGet();
                log.warnf("Embedding cache: Redis unreachable or slow (%s); serving from the local tier and upstream until it recovers",
                        summary(t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage())));
            }
            return;
        }
        replied(now); // an error reply is a reply: Redis is reachable
        if (rejected(call).begin(now)) {
            outages.incrementAndGet();
            log.warnf(call == Call.WRITE
                    ? "Embedding cache: Redis rejects writes (%s); new entries are not shared until it accepts them again"
                    : "Embedding cache: Redis rejects reads (%s); serving from the local tier and upstream until it answers them again",
                    summary(reply));
        }
    }

    /** Shared-tier calls that failed, timed out or were rejected. */
    long failures() {
        return failures.get();
    }

    /** Outages begun, each warned about once. */
    long outages() {
        return outages.get();
    }

    private void replied(long now) {
        if (unreachable.end(now)) {
            log.info("Embedding cache: Redis is reachable again");
        }
    }

    private Condition rejected(Call call) {
        return call == Call.WRITE ? writesRejected : readsRejected;
    }

    /**
     * Redis' error reply ({@code OOM command not allowed ...}), or null when the call got no reply.
     * The client reports both as an error-type response: a dropped connection as
     * {@code CONNECTION_CLOSED}, and a failed pipelined command as {@code ERR [i] <reason>}, where the
     * reason may be a Java exception's text.
     */
    static String errorReply(Throwable t) {
        if (!(t instanceof Response r) || r.type() != ResponseType.ERROR || t.getMessage() == null) {
            return null;
        }
        String first = BATCH_PREFIX.matcher(firstLine(t.getMessage())).replaceFirst("");
        return first.isEmpty() || first.startsWith("CONNECTION_CLOSED") || JAVA_EXCEPTION.matcher(first).matches() ? null : first;
    }

    /** One short line: a batch's error names every failed command, and a message may run long. */
    private static String summary(String message) {
        String line = firstLine(message);
        return line.length() > 200 ? line.substring(0, 200) + "…" : line;
    }

    private static String firstLine(String s) {
        int end = s.indexOf('\n');
        return (end < 0 ? s : s.substring(0, end)).strip();
    }

    /** One condition's state; the time of its latest failure holds off its end. */
    private final class Condition {

        private final AtomicBoolean on = new AtomicBoolean();
        private volatile long lastFailure;

        boolean on() {
            return on.get();
        }

        /** Whether this failure begins the condition. */
        boolean begin(long now) {
            lastFailure = now;
            return on.compareAndSet(false, true);
        }

        /** Whether this working call ends the condition. */
        boolean end(long now) {
            return on.get() && now - lastFailure >= quietNanos && on.compareAndSet(true, false);
        }
    }
}
