package io.embedgate.routing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import io.embedgate.routing.CircuitBreaker.Permit;
import io.embedgate.routing.CircuitBreaker.State;

/** The breaker's states and window against a clock the test moves: no sleeping. */
class CircuitBreakerSemanticsTest {

    static final Duration WINDOW = Duration.ofSeconds(30);
    static final Duration DELAY = Duration.ofSeconds(10);

    // Not zero, and negative: System.nanoTime() may be either.
    final AtomicLong now = new AtomicLong(-7_000_000_000L);
    final List<State> changes = new CopyOnWriteArrayList<>();

    CircuitBreaker breaker(int requestVolume, double failureRatio, int successThreshold) {
        return new CircuitBreaker(new CircuitBreaker.Config(requestVolume, failureRatio, WINDOW, DELAY, successThreshold), now::get,
                changes::add);
    }

    void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }

    static void fail(CircuitBreaker b, int n) {
        for (int i = 0; i < n; i++) {
            Permit p = b.tryAcquire();
            assertNotNull(p, "call " + (i + 1) + " admitted");
            p.failed();
        }
    }

    static void succeed(CircuitBreaker b, int n) {
        for (int i = 0; i < n; i++) {
            Permit p = b.tryAcquire();
            assertNotNull(p, "call " + (i + 1) + " admitted");
            p.succeeded();
            assertEquals(State.CLOSED, b.state(), "after success " + (i + 1));
        }
    }

    /** The open breaker of a fresh instance: 10 failures with request volume 10. */
    CircuitBreaker opened(int successThreshold) {
        CircuitBreaker b = breaker(10, 0.5, successThreshold);
        fail(b, 10);
        assertEquals(State.OPEN, b.state());
        return b;
    }

    @Test
    void theReportedSequenceNeverOpens() {
        CircuitBreaker b = breaker(10, 0.5, 2);
        fail(b, 5);
        advance(DELAY.plusSeconds(1));
        // Past the delay, still inside the window: the five failures still count, half of ten calls
        // after five successes. A breaker judging the ratio on a success would open on the fifth.
        assertArrayEquals(new int[]{5, 5}, b.window());
        succeed(b, 20);
        assertArrayEquals(new int[]{25, 5}, b.window());
        assertEquals(List.of(), changes);
    }

    @Test
    void theReportedSequenceNeverOpensPastTheWindowEither() {
        CircuitBreaker b = breaker(10, 0.5, 2);
        fail(b, 5);
        advance(WINDOW.plusSeconds(1));
        succeed(b, 20);
        assertArrayEquals(new int[]{20, 0}, b.window());
        assertEquals(List.of(), changes);
    }

    @Test
    void failuresOlderThanTheWindowNoLongerCount() {
        CircuitBreaker b = breaker(10, 0.5, 2);
        fail(b, 9);
        advance(WINDOW);
        assertArrayEquals(new int[]{0, 0}, b.window());
        fail(b, 1);
        assertEquals(State.CLOSED, b.state(), "one failure in the window, of one call");
        fail(b, 8);
        assertEquals(State.CLOSED, b.state(), "nine calls are below the request volume");
        fail(b, 1);
        assertEquals(State.OPEN, b.state());
    }

    @Test
    void failuresSpreadOverTheWindowAddUp() {
        CircuitBreaker b = breaker(10, 0.5, 2);
        fail(b, 5);
        advance(WINDOW.dividedBy(2));
        fail(b, 4);
        assertEquals(State.CLOSED, b.state());
        fail(b, 1);
        assertEquals(State.OPEN, b.state(), "ten failures within the window");
    }

    @Test
    void opensAtTheFailureThatReachesTheRatioNeverAtASuccess() {
        CircuitBreaker b = breaker(10, 0.5, 2);
        succeed(b, 5);
        fail(b, 4);
        assertEquals(State.CLOSED, b.state(), "nine calls");
        fail(b, 1);
        assertEquals(State.OPEN, b.state(), "ten calls, five failed");
        assertEquals(List.of(State.OPEN), changes);

        changes.clear();
        CircuitBreaker c = breaker(10, 0.5, 2);
        fail(c, 5);
        succeed(c, 6);
        assertEquals(List.of(), changes, "the tenth call, a success, met the ratio and did not open it");
        fail(c, 1);
        assertEquals(State.OPEN, c.state(), "twelve calls, six failed");
    }

    @Test
    void outcomesThatAreNeitherSuccessNorFailureCountAsNothing() {
        CircuitBreaker b = breaker(10, 0.5, 2);
        for (int i = 0; i < 20; i++) {
            b.tryAcquire().abandoned();
        }
        assertArrayEquals(new int[]{0, 0}, b.window());
    }

    @Test
    void refusesWhileOpenThenAdmitsAtMostTheSuccessThresholdOfProbesThenCloses() {
        CircuitBreaker b = opened(2);
        assertNull(b.tryAcquire());
        assertTrue(b.refusing());
        advance(DELAY.minusNanos(1));
        assertNull(b.tryAcquire(), "the delay has not quite passed");
        assertTrue(b.refusing());
        advance(Duration.ofNanos(1));
        assertFalse(b.refusing());
        assertEquals(State.HALF_OPEN, b.state(), "half-open once the delay has passed, before any call");

        Permit first = b.tryAcquire();
        Permit second = b.tryAcquire();
        assertNotNull(first);
        assertNotNull(second);
        assertNull(b.tryAcquire(), "two probes in flight: a third is refused");
        first.succeeded();
        assertEquals(State.HALF_OPEN, b.state());
        Permit third = b.tryAcquire();
        assertNotNull(third, "the first probe's slot is free again");
        second.succeeded();
        assertEquals(State.CLOSED, b.state());
        assertArrayEquals(new int[]{0, 0}, b.window(), "closed with an empty window");
        third.failed();
        assertEquals(State.CLOSED, b.state(), "a probe that ends after the breaker closed says nothing");
        assertArrayEquals(new int[]{0, 0}, b.window());
        assertEquals(List.of(State.OPEN, State.HALF_OPEN, State.CLOSED), changes);

        // The old failures are gone: it takes a full request volume of new ones to open again.
        fail(b, 9);
        assertEquals(State.CLOSED, b.state());
        fail(b, 1);
        assertEquals(State.OPEN, b.state());
    }

    @Test
    void aFailedProbeReopensForAFullDelay() {
        CircuitBreaker b = opened(2);
        advance(DELAY);
        Permit probe = b.tryAcquire();
        assertNotNull(probe);
        Permit other = b.tryAcquire();
        advance(Duration.ofSeconds(3));
        probe.failed();
        assertEquals(State.OPEN, b.state());
        other.succeeded();
        assertEquals(State.OPEN, b.state(), "a probe of the earlier half-open phase says nothing");
        advance(DELAY.minusNanos(1));
        assertNull(b.tryAcquire());
        advance(Duration.ofNanos(1));
        assertNotNull(b.tryAcquire());
        assertEquals(List.of(State.OPEN, State.HALF_OPEN, State.OPEN, State.HALF_OPEN), changes);
    }

    @Test
    void aProbeWithoutAnOutcomeFreesItsSlot() {
        CircuitBreaker b = opened(2);
        advance(DELAY);
        for (int round = 0; round < 5; round++) {
            Permit p1 = b.tryAcquire();
            Permit p2 = b.tryAcquire();
            assertNotNull(p1, "round " + round);
            assertNotNull(p2, "round " + round);
            assertNull(b.tryAcquire());
            p1.abandoned();
            p2.abandoned();
            assertEquals(State.HALF_OPEN, b.state());
        }
        b.tryAcquire().succeeded();
        b.tryAcquire().succeeded();
        assertEquals(State.CLOSED, b.state());
    }

    @Test
    void onlyTheFirstEndOfAPermitCounts() {
        CircuitBreaker b = opened(1);
        advance(DELAY);
        Permit probe = b.tryAcquire();
        probe.abandoned();
        probe.succeeded();
        assertEquals(State.HALF_OPEN, b.state(), "the success after the abandon is ignored");

        CircuitBreaker c = breaker(10, 0.5, 1);
        Permit p = c.tryAcquire();
        p.failed();
        p.failed();
        assertArrayEquals(new int[]{1, 1}, c.window());
    }

    @Test
    void aCallAdmittedBeforeTheBreakerOpenedIsNotAProbe() {
        CircuitBreaker b = breaker(10, 0.5, 1);
        Permit slow = b.tryAcquire();
        fail(b, 10);
        advance(DELAY);
        assertEquals(State.HALF_OPEN, b.state());
        slow.succeeded();
        assertEquals(State.HALF_OPEN, b.state(), "a success of a call admitted while closed does not close it");
        assertNotNull(b.tryAcquire(), "nor does it take the probe slot");
    }

    @Test
    void concurrentOutcomesAreAllCounted() throws Exception {
        CircuitBreaker b = breaker(Integer.MAX_VALUE, 1.0, 1);
        int threads = 4;
        int each = 10_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < each; i++) {
                        Permit p = b.tryAcquire();
                        if (i % 4 == 0) {
                            p.failed();
                        } else {
                            p.succeeded();
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertArrayEquals(new int[]{threads * each, threads * each / 4}, b.window());
        assertEquals(State.CLOSED, b.state());
    }

    @Test
    void concurrentCallersNeverGetMoreProbesThanTheThreshold() throws Exception {
        CircuitBreaker b = opened(3);
        advance(DELAY);
        int threads = 4;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Integer>> admitted = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                admitted.add(pool.submit(() -> {
                    start.await();
                    int n = 0;
                    for (int i = 0; i < 1_000; i++) {
                        n += b.tryAcquire() != null ? 1 : 0;
                    }
                    return n;
                }));
            }
            start.countDown();
            int total = 0;
            for (Future<Integer> f : admitted) {
                total += f.get(30, TimeUnit.SECONDS);
            }
            assertEquals(3, total, "probes admitted, none ended");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void nonsenseConfigurationIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new CircuitBreaker.Config(0, 0.5, WINDOW, DELAY, 1));
        assertThrows(IllegalArgumentException.class, () -> new CircuitBreaker.Config(10, 0, WINDOW, DELAY, 1));
        assertThrows(IllegalArgumentException.class, () -> new CircuitBreaker.Config(10, 1.5, WINDOW, DELAY, 1));
        assertThrows(IllegalArgumentException.class, () -> new CircuitBreaker.Config(10, 0.5, Duration.ZERO, DELAY, 1));
        assertThrows(IllegalArgumentException.class, () -> new CircuitBreaker.Config(10, 0.5, WINDOW, Duration.ofSeconds(-1), 1));
        assertThrows(IllegalArgumentException.class, () -> new CircuitBreaker.Config(10, 0.5, WINDOW, DELAY, 0));
    }
}
