package io.embedgate.provider.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.smallrye.mutiny.Uni;

/** When a token is fetched, shared, refreshed and dropped; the clock is the test's. */
class TokenCacheTest {

    /** A clock the test moves. */
    static final class TestClock extends Clock {

        Instant now = Instant.parse("2026-01-15T12:00:00Z");

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }
    }

    final TestClock clock = new TestClock();
    final AtomicInteger fetches = new AtomicInteger();
    /** The fetches in flight, completed by the test. */
    final List<CompletableFuture<TokenCache.Token>> pending = new ArrayList<>();

    TokenCache cache() {
        return new TokenCache(() -> {
            fetches.incrementAndGet();
            CompletableFuture<TokenCache.Token> f = new CompletableFuture<>();
            pending.add(f);
            return Uni.createFrom().completionStage(f);
        }, clock);
    }

    TokenCache.Token token(String value, Duration life) {
        return new TokenCache.Token(value, clock.now.plus(life));
    }

    @Test
    void oneFetchServesEveryCallerUntilTheTokenNearsItsExpiry() {
        TokenCache cache = cache();
        CompletableFuture<String> a = cache.get().subscribeAsCompletionStage();
        CompletableFuture<String> b = cache.get().subscribeAsCompletionStage();
        assertEquals(1, fetches.get(), "callers that arrive while a fetch runs share it");
        pending.get(0).complete(token("t1", Duration.ofHours(1)));
        assertEquals("t1", a.join());
        assertEquals("t1", b.join());
        clock.advance(Duration.ofMinutes(50));
        assertEquals("t1", cache.get().await().indefinitely());
        assertEquals(1, fetches.get(), "still 10 minutes left: no refresh");
    }

    @Test
    void aTokenNearItsExpiryIsStillUsedWhileOneRefreshRunsInTheBackground() {
        TokenCache cache = cache();
        CompletableFuture<String> first = cache.get().subscribeAsCompletionStage();
        pending.get(0).complete(token("t1", Duration.ofHours(1)));
        first.join();
        clock.advance(Duration.ofMinutes(56)); // 4 minutes left: inside the 5-minute refresh window
        assertEquals("t1", cache.get().await().indefinitely(), "the caller does not wait for the refresh");
        assertEquals("t1", cache.get().await().indefinitely());
        assertEquals(2, fetches.get(), "one background refresh, however many callers");
        pending.get(1).complete(token("t2", Duration.ofHours(1)));
        assertEquals("t2", cache.get().await().indefinitely());
        assertEquals(2, fetches.get());
    }

    @Test
    void aShortLivedTokenIsRefreshedHalfwayThroughItsLife() {
        TokenCache cache = cache();
        CompletableFuture<String> first = cache.get().subscribeAsCompletionStage();
        pending.get(0).complete(token("t1", Duration.ofMinutes(4)));
        first.join();
        clock.advance(Duration.ofSeconds(100));
        cache.get().await().indefinitely();
        assertEquals(1, fetches.get(), "before half its life");
        clock.advance(Duration.ofSeconds(30)); // 130 s of 240: past half
        cache.get().await().indefinitely();
        assertEquals(2, fetches.get());
    }

    @Test
    void anExpiredTokenIsNeverSentTheCallerWaitsForANewOne() {
        TokenCache cache = cache();
        CompletableFuture<String> first = cache.get().subscribeAsCompletionStage();
        pending.get(0).complete(token("t1", Duration.ofHours(1)));
        first.join();
        clock.advance(Duration.ofMinutes(59).plusSeconds(40)); // within the last 30 s: treated as expired
        CompletableFuture<String> next = cache.get().subscribeAsCompletionStage();
        assertFalse(next.isDone());
        pending.get(1).complete(token("t2", Duration.ofHours(1)));
        assertEquals("t2", next.join());
    }

    @Test
    void aFailedFetchFailsItsCallersAndTheNextCallTriesAgain() {
        TokenCache cache = cache();
        CompletableFuture<String> a = cache.get().subscribeAsCompletionStage();
        pending.get(0).completeExceptionally(new IllegalStateException("token endpoint down"));
        assertThrows(Exception.class, a::join);
        CompletableFuture<String> b = cache.get().subscribeAsCompletionStage();
        assertEquals(2, fetches.get(), "a failure is not remembered");
        pending.get(1).complete(token("t1", Duration.ofHours(1)));
        assertEquals("t1", b.join());
    }

    @Test
    void aFailedBackgroundRefreshKeepsTheOldTokenAndPausesBeforeTheNextTry() {
        TokenCache cache = cache();
        CompletableFuture<String> first = cache.get().subscribeAsCompletionStage();
        pending.get(0).complete(token("t1", Duration.ofHours(1)));
        first.join();
        clock.advance(Duration.ofMinutes(56));
        assertEquals("t1", cache.get().await().indefinitely());
        pending.get(1).completeExceptionally(new IllegalStateException("down"));
        assertEquals("t1", cache.get().await().indefinitely());
        assertEquals(2, fetches.get(), "no new try at once: the token endpoint is not hammered");
        clock.advance(TokenCache.RETRY_PAUSE);
        assertEquals("t1", cache.get().await().indefinitely());
        assertEquals(3, fetches.get());
    }

    @Test
    void anInvalidatedTokenIsFetchedAnewButOnlyIfItIsStillTheCurrentOne() {
        TokenCache cache = cache();
        CompletableFuture<String> first = cache.get().subscribeAsCompletionStage();
        pending.get(0).complete(token("t1", Duration.ofHours(1)));
        first.join();
        cache.invalidate("t0"); // a stale refusal of an older token changes nothing
        assertEquals("t1", cache.get().await().indefinitely());
        cache.invalidate("t1");
        CompletableFuture<String> next = cache.get().subscribeAsCompletionStage();
        pending.get(1).complete(token("t2", Duration.ofHours(1)));
        assertEquals("t2", next.join());
    }

    @Test
    void aFetchThatAnswersAtOnceWorksToo() {
        java.util.Iterator<String> issued = List.of("t1", "t2").iterator();
        TokenCache cache = new TokenCache(() -> Uni.createFrom().item(token(issued.next(), Duration.ofHours(1))), clock);
        assertEquals("t1", cache.get().await().atMost(Duration.ofSeconds(1)));
        cache.invalidate("t1");
        assertEquals("t2", cache.get().await().atMost(Duration.ofSeconds(1)));
        assertEquals("t2", cache.current());
    }

    @Test
    void aTokenNeverPrintsItsValue() {
        assertTrue(token("ya29.secret-value", Duration.ofHours(1)).toString().indexOf("secret-value") < 0);
    }
}
