package io.embedgate.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import org.junit.jupiter.api.Test;

import io.embedgate.spi.ProviderQuota;

/** The refill model and the admission of {@link Headroom}, on a clock the test moves. */
class HeadroomTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000_000L);
    private static final LongSupplier TEN_TOKENS = () -> 10;

    private Headroom headroom(Map<String, Headroom.Configured> instances) {
        return new Headroom(instances, true, now::get);
    }

    private Headroom unconfigured() {
        return headroom(Map.of("a", new Headroom.Configured(OptionalInt.empty(), OptionalInt.empty())));
    }

    private void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }

    private static ProviderQuota.Allowance allowance(long remaining, Long limit, Duration reset) {
        return new ProviderQuota.Allowance(OptionalLong.of(remaining), limit == null ? OptionalLong.empty() : OptionalLong.of(limit),
                Optional.ofNullable(reset));
    }

    private static ProviderQuota requests(long remaining, Long limit, Duration reset) {
        return new ProviderQuota(allowance(remaining, limit, reset), ProviderQuota.Allowance.UNKNOWN);
    }

    private static ProviderQuota tokens(long remaining, Long limit, Duration reset) {
        return new ProviderQuota(ProviderQuota.Allowance.UNKNOWN, allowance(remaining, limit, reset));
    }

    @Test
    void anInstanceNobodyKnowsAnythingAboutAlwaysHasHeadroom() {
        Headroom h = unconfigured();
        assertEquals(Headroom.Level.AMPLE, h.level("a", TEN_TOKENS));
        assertNull(h.admit("a", 1, TEN_TOKENS));
        assertNull(h.admit("not-configured", 1, TEN_TOKENS));
        h.reported("not-configured", requests(0, 10L, Duration.ofSeconds(1)));
        assertNull(h.admit("not-configured", 1, TEN_TOKENS));
    }

    @Test
    void noRequestsLeftIsExhaustedUntilTheReset() {
        Headroom h = unconfigured();
        h.reported("a", requests(0, 3000L, Duration.ofMillis(20)));
        assertEquals(Headroom.Level.EXHAUSTED, h.level("a", TEN_TOKENS));
        Duration wait = h.admit("a", 1, TEN_TOKENS);
        assertNotNull(wait);
        // 3000 back in 20 ms: one is back after 20/3000 ms.
        assertTrue(wait.toNanos() > 0 && wait.toNanos() <= Duration.ofMillis(20).toNanos(), wait.toString());
        advance(Duration.ofMillis(20));
        assertEquals(Headroom.Level.AMPLE, h.level("a", TEN_TOKENS));
        assertNull(h.admit("a", 1, TEN_TOKENS));
    }

    @Test
    void theRefillIsLinearFromWhatIsLeftToTheLimit() {
        Headroom h = unconfigured();
        // 1000 tokens short of a 1,000,000 limit that is full again in 6 minutes: 1000 come back every 0.36 s.
        h.reported("a", tokens(0, 1_000_000L, Duration.ofMinutes(6)));
        Duration wait = h.admit("a", 1, () -> 1000);
        assertEquals(360, wait.toMillis());
        advance(Duration.ofMillis(200));
        assertEquals(160, h.admit("a", 1, () -> 1000).toMillis());
        advance(Duration.ofMillis(160));
        assertNull(h.admit("a", 1, () -> 1000));
        // Taken: the next 1000 are again 0.36 s away.
        assertEquals(360, h.admit("a", 1, () -> 1000).toMillis());
    }

    @Test
    void fewerTokensLeftThanTheRequestNeedsIsExhaustedForThatRequestOnly() {
        Headroom h = unconfigured();
        h.reported("a", tokens(500, 1_000_000L, Duration.ofSeconds(60)));
        assertEquals(Headroom.Level.EXHAUSTED, h.level("a", () -> 501));
        assertEquals(Headroom.Level.LOW, h.level("a", () -> 500));
        assertNull(h.admit("a", 1, () -> 500));
    }

    @Test
    void littleHeadroomIsLowAboveTheShareAmple() {
        Headroom h = unconfigured();
        h.reported("a", requests(99, 1000L, Duration.ofSeconds(5)));
        assertEquals(Headroom.Level.LOW, h.level("a", TEN_TOKENS));
        h.reported("a", requests(100, 1000L, Duration.ofSeconds(5)));
        assertEquals(Headroom.Level.AMPLE, h.level("a", TEN_TOKENS));
    }

    @Test
    void withoutAResetTheLimitIsPerMinute() {
        Headroom h = unconfigured();
        // Mistral: 300 a minute, none left: one is back in 0.2 s.
        h.reported("a", requests(0, 300L, null));
        assertEquals(200, h.admit("a", 1, TEN_TOKENS).toMillis());
        advance(Duration.ofMillis(200));
        assertNull(h.admit("a", 1, TEN_TOKENS));
    }

    @Test
    void withNeitherLimitNorResetTheConfiguredPerMinuteValueOrOneSecond() {
        Headroom configured = headroom(Map.of("a", new Headroom.Configured(OptionalInt.of(600), OptionalInt.empty())));
        // Azure: only "0 left". Configured 600 a minute: one back in 0.1 s.
        configured.reported("a", requests(0, null, null));
        assertEquals(100, configured.admit("a", 1, TEN_TOKENS).toMillis());

        Headroom bare = unconfigured();
        bare.reported("a", requests(0, null, null));
        assertEquals(Headroom.UNKNOWN_REFILL, bare.admit("a", 1, TEN_TOKENS));
        advance(Headroom.UNKNOWN_REFILL);
        assertNull(bare.admit("a", 1, TEN_TOKENS));
    }

    @Test
    void theProvidersWordReplacesTheEstimate() {
        Headroom h = unconfigured();
        h.reported("a", requests(1, 100L, Duration.ofSeconds(60)));
        assertNull(h.admit("a", 1, TEN_TOKENS));
        assertNotNull(h.admit("a", 1, TEN_TOKENS), "the one left was taken");
        h.reported("a", requests(50, 100L, Duration.ofSeconds(30)));
        assertNull(h.admit("a", 1, TEN_TOKENS));
        // A reply without the headers leaves the estimate as it was.
        h.reported("a", ProviderQuota.NONE);
        assertEquals(Headroom.Level.AMPLE, h.level("a", TEN_TOKENS));
    }

    @Test
    void aProviders429BlocksForItsRetryAfterOrOneSecond() {
        Headroom h = unconfigured();
        h.rateLimited("a", Optional.of(Duration.ofSeconds(2)), ProviderQuota.NONE);
        assertEquals(Duration.ofSeconds(2), h.admit("a", 1, TEN_TOKENS));
        advance(Duration.ofSeconds(2));
        assertNull(h.admit("a", 1, TEN_TOKENS));

        h.rateLimited("a", Optional.empty(), ProviderQuota.NONE);
        assertEquals(Headroom.UNKNOWN_REFILL, h.admit("a", 1, TEN_TOKENS));
        advance(Headroom.UNKNOWN_REFILL);
        // A 429 whose headers say when: they decide.
        h.rateLimited("a", Optional.empty(), tokens(0, 1000L, Duration.ofMillis(500)));
        assertEquals(500, h.admit("a", 1, () -> 1000).toMillis());
    }

    @Test
    void aHugeRetryAfterIsBelievedForADayAtMost() {
        Headroom h = unconfigured();
        h.rateLimited("a", Optional.of(Duration.ofDays(3650)), ProviderQuota.NONE);
        assertEquals(Headroom.MAX_WAIT, h.admit("a", 1, TEN_TOKENS));
    }

    @Test
    void theConfiguredRequestsPerMinuteAreATokenBucket() {
        Headroom h = headroom(Map.of("a", new Headroom.Configured(OptionalInt.of(3), OptionalInt.empty())));
        for (int i = 0; i < 3; i++) {
            assertNull(h.admit("a", 1, TEN_TOKENS), "request " + (i + 1));
        }
        assertEquals(Headroom.Level.EXHAUSTED, h.level("a", TEN_TOKENS));
        // Three a minute: one back every 20 s.
        assertEquals(20, h.admit("a", 1, TEN_TOKENS).toSeconds());
        advance(Duration.ofSeconds(20));
        assertNull(h.admit("a", 1, TEN_TOKENS));
        assertNotNull(h.admit("a", 1, TEN_TOKENS));
    }

    @Test
    void aSplitBatchTakesOneRequestPerCall() {
        Headroom h = headroom(Map.of("a", new Headroom.Configured(OptionalInt.of(3), OptionalInt.empty())));
        assertNull(h.admit("a", 1, TEN_TOKENS));
        assertNotNull(h.admit("a", 3, TEN_TOKENS), "three calls do not fit the two left");
        assertNull(h.admit("a", 2, TEN_TOKENS));
    }

    @Test
    void theConfiguredTokensPerMinuteCountTheEstimateAndLetAnOversizedRequestThroughWhenFull() {
        Headroom h = headroom(Map.of("a", new Headroom.Configured(OptionalInt.empty(), OptionalInt.of(1000))));
        assertNull(h.admit("a", 1, () -> 600));
        assertEquals(Headroom.Level.AMPLE, h.level("a", () -> 400));
        assertEquals(Headroom.Level.EXHAUSTED, h.level("a", () -> 401));
        advance(Duration.ofMinutes(1));
        // Larger than the whole minute's allowance: sent once the bucket is full, then the bucket owes it.
        assertNull(h.admit("a", 1, () -> 5000));
        Duration wait = h.admit("a", 1, () -> 1);
        assertTrue(wait.compareTo(Duration.ofMinutes(4)) > 0, wait.toString());
    }

    @Test
    void tokensAreCountedOnlyWhenAnAllowanceNeedsThem() {
        Headroom h = headroom(Map.of("a", new Headroom.Configured(OptionalInt.of(100), OptionalInt.empty())));
        LongSupplier mustNotCount = () -> {
            throw new AssertionError("tokens counted");
        };
        assertNull(h.admit("a", 1, mustNotCount));
        assertEquals(Headroom.Level.AMPLE, h.level("a", mustNotCount));
    }

    @Test
    void notFollowingProvidersIgnoresTheirReportsButKeepsTheConfiguredLimits() {
        Headroom h = new Headroom(Map.of("a", new Headroom.Configured(OptionalInt.of(1), OptionalInt.empty())), false, now::get);
        h.reported("a", requests(0, 3000L, Duration.ofSeconds(20)));
        h.rateLimited("a", Optional.of(Duration.ofSeconds(20)), ProviderQuota.NONE);
        assertNull(h.admit("a", 1, TEN_TOKENS));
        assertNotNull(h.admit("a", 1, TEN_TOKENS), "the configured one a minute still counts");
    }
}
