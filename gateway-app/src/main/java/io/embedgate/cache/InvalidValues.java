package io.embedgate.cache;

import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import org.jboss.logging.Logger;

/**
 * Counts the values read from the shared tier that could not be used, and logs them sparingly: the
 * first one, then at most one line per {@link #INTERVAL_NANOS} with the number seen since. A Redis
 * full of garbage must not turn every request into a log line. A line names the key by a short
 * prefix of its hash and never shows the value.
 */
final class InvalidValues {

    static final long INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(10);
    private static final HexFormat HEX = HexFormat.of();

    private final Logger log;
    private final LongSupplier nanoTime;
    private final AtomicLong total = new AtomicLong();
    private final AtomicLong unreported = new AtomicLong();
    private final AtomicLong nextReport;
    private volatile boolean reportedOnce;

    InvalidValues(Logger log, LongSupplier nanoTime) {
        this.log = log;
        this.nanoTime = nanoTime;
        this.nextReport = new AtomicLong(nanoTime.getAsLong());
    }

    /** One value that was treated as a miss; {@code key} is the entry's hash, without the prefix. */
    void seen(ByteBuffer key, String problem) {
        total.incrementAndGet();
        unreported.incrementAndGet();
        long now = nanoTime.getAsLong();
        long due = nextReport.get();
        if (now - due < 0 || !nextReport.compareAndSet(due, now + INTERVAL_NANOS)) {
            return;
        }
        long count = unreported.getAndSet(0);
        String latest = "key " + shortHex(key) + "…: " + problem;
        if (!reportedOnce) {
            reportedOnce = true;
            log.warnf("Embedding cache: a value in Redis does not fit the request (%s); treated as a miss and overwritten with the "
                    + "fresh answer. Such values are counted in embedgate_cache_redis_invalid_total and logged at most every 10 minutes",
                    latest);
        } else {
            log.warnf(
                    "Embedding cache: %d values in Redis did not fit their requests since the last report (latest: %s); treated as misses",
                    count, latest);
        }
    }

    /** Values read from the shared tier and treated as misses (a metric). */
    long total() {
        return total.get();
    }

    private static String shortHex(ByteBuffer key) {
        ByteBuffer k = key.duplicate();
        byte[] head = new byte[Math.min(4, k.remaining())];
        k.get(head);
        return HEX.formatHex(head);
    }
}
