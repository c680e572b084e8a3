package io.embedgate.provider.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;

import io.embedgate.spi.ProviderQuota;

class RateLimitHeadersTest {

    private static final RateLimitHeaders OPENAI = new RateLimitHeaders("x-ratelimit-limit-requests", "x-ratelimit-remaining-requests",
            "x-ratelimit-reset-requests", "x-ratelimit-limit-tokens", "x-ratelimit-remaining-tokens", "x-ratelimit-reset-tokens");
    private static final RateLimitHeaders MISTRAL = new RateLimitHeaders("x-ratelimit-limit-req-minute", "x-ratelimit-remaining-req-minute",
            null, "x-ratelimit-limit-tokens-minute", "x-ratelimit-remaining-tokens-minute", null);

    @Test
    void goDurations() {
        assertEquals(Duration.ofSeconds(1), RateLimitHeaders.duration("1s"));
        assertEquals(Duration.ofMinutes(6), RateLimitHeaders.duration("6m0s"));
        assertEquals(Duration.ofMillis(20), RateLimitHeaders.duration("20ms"));
        assertEquals(Duration.ofMillis(3_723_500), RateLimitHeaders.duration("1h2m3.5s"));
        assertEquals(Duration.ofMillis(2812), RateLimitHeaders.duration("2.812s"));
        assertEquals(Duration.ofNanos(1500), RateLimitHeaders.duration("1.5us"));
        assertEquals(Duration.ZERO, RateLimitHeaders.duration("0s"));
        assertEquals(Duration.ZERO, RateLimitHeaders.duration("0"));
        assertEquals(Duration.ofSeconds(3), RateLimitHeaders.duration(" 3s "));
    }

    @Test
    void badDurationsAreIgnored() {
        for (String bad : new String[]{"", "s", "5", "-5s", "1.2.3s", "5x", "1e9s", "NaNs", "Infinitys", "6m-1s", "1s2", "ms5",
                "9999999999999999999999h", "25h", "1d", "abc", "1,5s"}) {
            assertNull(RateLimitHeaders.duration(bad), bad);
        }
        assertNull(RateLimitHeaders.duration(null));
        assertEquals(Duration.ofDays(1), RateLimitHeaders.duration("24h"));
    }

    @Test
    void countsAreNonNegativeWholeNumbersOfSaneSize() {
        assertEquals(OptionalLong.of(0), RateLimitHeaders.count("0"));
        assertEquals(OptionalLong.of(9999), RateLimitHeaders.count(" 9999 "));
        for (String bad : new String[]{"-1", "1.5", "1e3", "", " ", "abc", "99999999999999999999", "1000000000001", "+3", "0x10"}) {
            assertTrue(RateLimitHeaders.count(bad).isEmpty(), bad);
        }
        assertTrue(RateLimitHeaders.count(null).isEmpty());
    }

    @Test
    void readsOpenAisSet() {
        Map<String, String> h = Map.of("x-ratelimit-limit-requests", "3000", "x-ratelimit-remaining-requests", "0",
                "x-ratelimit-reset-requests", "20ms", "x-ratelimit-limit-tokens", "1000000", "x-ratelimit-remaining-tokens", "999990",
                "x-ratelimit-reset-tokens", "6m0s");
        ProviderQuota q = OPENAI.read(h::get);
        assertEquals(new ProviderQuota.Allowance(OptionalLong.of(0), OptionalLong.of(3000), Optional.of(Duration.ofMillis(20))),
                q.requests());
        assertEquals(new ProviderQuota.Allowance(OptionalLong.of(999_990), OptionalLong.of(1_000_000), Optional.of(Duration.ofMinutes(6))),
                q.tokens());
    }

    @Test
    void azureSendsOnlyWhatIsLeft() {
        Map<String, String> h = Map.of("x-ratelimit-remaining-requests", "119", "x-ratelimit-remaining-tokens", "119000");
        ProviderQuota q = OPENAI.read(h::get);
        assertEquals(new ProviderQuota.Allowance(OptionalLong.of(119), OptionalLong.empty(), Optional.empty()), q.requests());
        assertEquals(OptionalLong.of(119_000), q.tokens().remaining());
    }

    @Test
    void readsMistralsNames() {
        Map<String, String> h = Map.of("x-ratelimit-limit-tokens-minute", "20000000", "x-ratelimit-remaining-tokens-minute", "19999990",
                "x-ratelimit-limit-req-minute", "300", "x-ratelimit-remaining-req-minute", "299");
        ProviderQuota q = MISTRAL.read(h::get);
        assertEquals(new ProviderQuota.Allowance(OptionalLong.of(299), OptionalLong.of(300), Optional.empty()), q.requests());
        assertEquals(OptionalLong.of(19_999_990), q.tokens().remaining());
        assertEquals(OptionalLong.of(20_000_000), q.tokens().limit());
    }

    @Test
    void nothingUsableIsNone() {
        assertSame(ProviderQuota.NONE, OPENAI.read(Map.<String, String>of()::get));
        // A limit and reset without what is left: nothing to act on.
        Map<String, String> h = Map.of("x-ratelimit-limit-requests", "3000", "x-ratelimit-reset-requests", "1s",
                "x-ratelimit-remaining-requests", "lots", "x-ratelimit-remaining-tokens", "-5");
        assertSame(ProviderQuota.NONE, OPENAI.read(h::get));
    }

    @Test
    void aBadLimitOrResetKeepsWhatIsLeft() {
        Map<String, String> h = Map.of("x-ratelimit-limit-requests", "-3", "x-ratelimit-remaining-requests", "7",
                "x-ratelimit-reset-requests", "soon");
        ProviderQuota q = OPENAI.read(h::get);
        assertEquals(new ProviderQuota.Allowance(OptionalLong.of(7), OptionalLong.empty(), Optional.empty()), q.requests());
        assertEquals(ProviderQuota.Allowance.UNKNOWN, q.tokens());
    }
}
