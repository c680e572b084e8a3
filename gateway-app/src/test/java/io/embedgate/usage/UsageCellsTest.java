package io.embedgate.usage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

/** The in-process accumulator: one cell per key, model and day; drains that lose nothing; a bounded size. */
class UsageCellsTest {

    static final LocalDate DAY = LocalDate.of(2026, 12, 6);
    static final long D = DAY.toEpochDay();

    static UsageCounters answer(int inputs, long tokens, long cached, Long pico) {
        return new UsageCounters(1, inputs, tokens, cached, pico != null, pico == null ? 0 : pico, pico == null ? 0 : cached * 20_000);
    }

    @Test
    void sumsPerKeyModelAndDayAndAnswersQueriesInOrder() {
        UsageCells cells = new UsageCells();
        cells.add("team-a", "small", D, answer(2, 10, 0, 200_000L));
        cells.add("team-a", "small", D, answer(3, 5, 4, 100_000L));
        cells.add("team-a", "local", D, answer(1, 7, 0, null));
        cells.add("team-a", "small", D - 1, answer(1, 1, 0, 20_000L));
        cells.add("team-b", "small", D, answer(9, 90, 0, 1_800_000L));
        assertEquals(4, cells.size());

        List<UsageRow> rows = cells.rows(Optional.of("team-a"), DAY.minusDays(1), DAY, Optional.empty());
        assertEquals(List.of("2026-12-05 small", "2026-12-06 local", "2026-12-06 small"),
                rows.stream().map(r -> r.date() + " " + r.model()).toList());
        UsageCounters small = rows.get(2).counters();
        assertEquals(new UsageCounters(2, 5, 15, 4, true, 300_000, 80_000), small);
        assertEquals("0.0000003", small.cost().toPlainString());
        assertEquals("0.00000008", small.costSaved().toPlainString());
        assertNull(rows.get(1).counters().cost(), "a model without a price has no cost, not a zero one");
        assertNull(rows.get(1).counters().costSaved());

        assertEquals(1, cells.rows(Optional.of("team-a"), DAY, DAY, Optional.of("local")).size());
        assertEquals(2, cells.rows(Optional.empty(), DAY, DAY, Optional.of("small")).size(), "every key's rows");
        assertEquals(0, cells.rows(Optional.of("team-c"), DAY, DAY, Optional.empty()).size());
    }

    @Test
    void aDrainTakesWhatWasCountedAndARestoredDrainComesBackWhole() {
        UsageCells cells = new UsageCells();
        cells.add("k", "m", D, answer(2, 10, 1, 200_000L));
        Map<UsageCells.Key, UsageCounters> first = cells.drain();
        assertEquals(Map.of(new UsageCells.Key("k", "m", D), new UsageCounters(1, 2, 10, 1, true, 200_000, 20_000)), first);
        assertTrue(cells.drain().isEmpty(), "nothing new");
        // A failed flush: the deltas go back, and come out again with what was counted since.
        cells.add("k", "m", D, answer(1, 5, 0, 100_000L));
        cells.restore(first);
        assertEquals(Map.of(new UsageCells.Key("k", "m", D), new UsageCounters(2, 3, 15, 1, true, 300_000, 20_000)), cells.drain());
    }

    @Test
    void answersCountedDuringDrainsAreNeverLost() throws Exception {
        UsageCells cells = new UsageCells();
        int threads = 4;
        int perThread = 50_000;
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> writers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread w = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < perThread; i++) {
                    cells.add("k", "m", D, answer(2, 3, 1, 7L));
                }
            });
            w.start();
            writers.add(w);
        }
        UsageCounters drained = UsageCounters.ZERO;
        AtomicBoolean done = new AtomicBoolean();
        go.countDown();
        while (!done.get()) {
            done.set(writers.stream().noneMatch(Thread::isAlive));
            for (UsageCounters c : cells.drain().values()) {
                drained = drained.plus(c);
            }
        }
        for (UsageCounters c : cells.drain().values()) {
            drained = drained.plus(c);
        }
        long n = (long) threads * perThread;
        assertEquals(new UsageCounters(n, 2 * n, 3 * n, n, true, 7 * n, 20_000 * n), drained);
    }

    @Test
    void daysPastRetentionAndFlushedPastDaysAreDropped() {
        UsageCells cells = new UsageCells();
        cells.add("k", "m", D - 400, answer(1, 1, 0, null));
        cells.add("k", "m", D - 2, answer(1, 1, 0, null));
        cells.add("k", "m", D, answer(1, 1, 0, null));
        cells.dropBefore(D - 399);
        assertEquals(2, cells.size());
        cells.removeFlushedBefore(D - 1);
        assertEquals(2, cells.size(), "a past day not yet flushed is kept");
        cells.drain();
        cells.removeFlushedBefore(D - 1);
        assertEquals(1, cells.size(), "flushed past days go; today's cell stays");
    }
}
