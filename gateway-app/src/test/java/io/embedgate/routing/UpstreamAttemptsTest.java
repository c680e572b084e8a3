package io.embedgate.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.embedgate.spi.UpstreamException;

/** {@link UpstreamAttempts#retryable} and {@link UpstreamAttempts#backoff}: what is retried, and after how long. */
class UpstreamAttemptsTest {

    private static final RoutingPolicy.RetryPolicy POLICY = new RoutingPolicy.RetryPolicy(3, Set.of(429, 503), Duration.ofMillis(100),
            Duration.ofMillis(250), Duration.ofSeconds(2));

    @Test
    void thePolicysCodesAndConnectionFailuresAreRetried() {
        assertTrue(UpstreamAttempts.retryable(status(503, null), POLICY));
        assertFalse(UpstreamAttempts.retryable(status(500, null), POLICY), "not in on_codes");
        assertFalse(UpstreamAttempts.retryable(UpstreamException.fromStatus("p", 503, null, null, "m", null, false), POLICY),
                "the provider says retrying is pointless");
        assertFalse(UpstreamAttempts.retryable(UpstreamException.timeout("p", Duration.ofSeconds(1)), POLICY), "the deadline is spent");
    }

    @Test
    void backoffHasFullJitterUnderTheCap() {
        for (int attempt = 0; attempt < 30; attempt++) {
            Duration d = UpstreamAttempts.backoff(POLICY, attempt, status(503, null));
            long capMillis = Math.min(250, 100L << Math.min(attempt, 20));
            assertTrue(!d.isNegative() && d.toMillis() <= capMillis, attempt + ": " + d);
        }
    }

    @Test
    void retryAfterIsHonouredUpToItsLimit() {
        assertEquals(Duration.ZERO, UpstreamAttempts.backoff(POLICY, 0, status(429, Duration.ZERO)), "retry now");
        assertEquals(Duration.ofSeconds(2), UpstreamAttempts.backoff(POLICY, 0, status(429, Duration.ofSeconds(2))));
        assertNull(UpstreamAttempts.backoff(POLICY, 0, status(429, Duration.ofMillis(2001))), "longer than allowed: not retried");
    }

    private static UpstreamException status(int status, Duration retryAfter) {
        return UpstreamException.fromStatus("p", status, null, null, "m", retryAfter, null);
    }
}
