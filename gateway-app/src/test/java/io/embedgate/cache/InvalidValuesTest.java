package io.embedgate.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.jboss.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.embedgate.testing.LogCapture;

/** Every bad value counted; the first logged, then at most one line per 10 minutes with the count since. */
class InvalidValuesTest {

    static final String KEY_HEX = "0a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20212223242526272829";

    final String category = "test.InvalidValues." + System.nanoTime();
    final LogCapture log = LogCapture.of(category);
    final AtomicLong clock = new AtomicLong(-5); // nanoTime may be negative
    final InvalidValues invalid = new InvalidValues(Logger.getLogger(category), clock::get);
    final ByteBuffer key = ByteBuffer.wrap(HexFormat.of().parseHex(KEY_HEX));

    @AfterEach
    void close() {
        log.close();
    }

    @Test
    void theFirstIsLoggedThenOneLinePerTenMinutesWithTheCount() {
        invalid.seen(key, "expired");
        assertEquals(1, log.warnings().size());
        String first = log.warnings().get(0);
        assertTrue(first.contains("key 0a0b0c0d…: expired"), first);
        assertFalse(first.contains(KEY_HEX.substring(0, 10)), "only a short prefix of the key: " + first);
        for (int i = 0; i < 500; i++) {
            invalid.seen(key, "NaN, infinite or all-zero floats");
            clock.addAndGet(TimeUnit.SECONDS.toNanos(1));
        }
        assertEquals(1, log.warnings().size(), "500 more within 10 minutes: no more lines");
        clock.addAndGet(InvalidValues.INTERVAL_NANOS);
        invalid.seen(key, "expired");
        assertEquals(2, log.warnings().size());
        assertEquals(
                "Embedding cache: 501 values in Redis did not fit their requests since the last report (latest: key 0a0b0c0d…: expired); "
                        + "treated as misses",
                log.warnings().get(1));
        assertEquals(502, invalid.total(), "every one is counted");
        assertEquals(List.of(), log.infos());
    }

    @Test
    void theKeyIsNotConsumed() {
        invalid.seen(key, "expired");
        assertEquals(32, key.remaining());
    }
}
