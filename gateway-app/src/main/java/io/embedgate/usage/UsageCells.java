package io.embedgate.usage;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The in-process accumulator: one cell of counters per (key id, model, UTC day). Recording an answer
 * is a map lookup and a few {@link LongAdder} adds, safe from any thread. Without Redis the cells are
 * the ledger itself; with Redis they hold what was counted since the last flush ({@link #drain}).
 * There is never more than one cell per key, model and day, so memory is bounded by the keys, the
 * models and the days kept ({@link #dropBefore}).
 */
final class UsageCells {

    /** A cell's identity; {@code epochDay} as {@link LocalDate#toEpochDay()}, cheap to take from the clock. */
    record Key(String keyId, String model, long epochDay) {

        LocalDate date() {
            return LocalDate.ofEpochDay(epochDay);
        }
    }

    private static final class Cell {

        final LongAdder requests = new LongAdder();
        final LongAdder inputs = new LongAdder();
        final LongAdder tokens = new LongAdder();
        final LongAdder cachedTokens = new LongAdder();
        final LongAdder costPico = new LongAdder();
        final LongAdder costSavedPico = new LongAdder();
        /** Set once an answer had a price; never cleared (the cost is known from then on). */
        volatile boolean priced;

        void add(UsageCounters c) {
            requests.add(c.requests());
            inputs.add(c.inputs());
            tokens.add(c.tokens());
            cachedTokens.add(c.cachedTokens());
            if (c.priced()) {
                costPico.add(c.costPico());
                costSavedPico.add(c.costSavedPico());
                priced = true;
            }
        }

        UsageCounters sum() {
            return new UsageCounters(requests.sum(), inputs.sum(), tokens.sum(), cachedTokens.sum(), priced, costPico.sum(),
                    costSavedPico.sum());
        }

        /**
         * Takes what was counted and leaves zeros. An answer recorded at the same moment lands
         * either in this take or in the next one, never in neither (its counters may be split
         * between the two takes).
         */
        UsageCounters take() {
            return new UsageCounters(requests.sumThenReset(), inputs.sumThenReset(), tokens.sumThenReset(),
                    cachedTokens.sumThenReset(), priced, costPico.sumThenReset(), costSavedPico.sumThenReset());
        }
    }

    private final ConcurrentHashMap<Key, Cell> cells = new ConcurrentHashMap<>();

    /** Counts one answer. */
    void add(String keyId, String model, long epochDay, UsageCounters answer) {
        Key key = new Key(keyId, model, epochDay);
        Cell cell = cells.get(key);
        if (cell == null) {
            cell = cells.computeIfAbsent(key, k -> new Cell());
        }
        cell.add(answer);
    }

    /** What every cell counted since the last drain (cells with nothing new left out); the cells keep zeros. */
    Map<Key, UsageCounters> drain() {
        Map<Key, UsageCounters> out = new HashMap<>();
        cells.forEach((k, cell) -> {
            UsageCounters taken = cell.take();
            if (!taken.isEmpty()) {
                out.put(k, taken);
            }
        });
        return out;
    }

    /** Puts drained counters back (a flush that failed): they go with the next one. */
    void restore(Map<Key, UsageCounters> drained) {
        drained.forEach((k, c) -> cells.computeIfAbsent(k, x -> new Cell()).add(c));
    }

    /** Forgets the days before {@code firstKept} (retention). */
    void dropBefore(long firstKept) {
        cells.keySet().removeIf(k -> k.epochDay() < firstKept);
    }

    /**
     * Removes the drained (all zero) cells of days before {@code day}: with Redis, a past day's cell
     * is of no more use once flushed. Answers are recorded on today's cell (yesterday's for one
     * that straddled midnight), so none is lost to this.
     */
    void removeFlushedBefore(long day) {
        cells.entrySet().removeIf(e -> e.getKey().epochDay() < day && e.getValue().sum().isEmpty());
    }

    /** The cells matching a query, summed now: the ledger of a process without Redis. */
    List<UsageRow> rows(Optional<String> keyId, LocalDate from, LocalDate to, Optional<String> model) {
        long first = from.toEpochDay();
        long last = to.toEpochDay();
        List<UsageRow> out = new ArrayList<>();
        cells.forEach((k, cell) -> {
            if (k.epochDay() >= first && k.epochDay() <= last && keyId.map(k.keyId()::equals).orElse(true)
                    && model.map(k.model()::equals).orElse(true)) {
                UsageCounters c = cell.sum();
                if (c.requests() > 0) {
                    out.add(new UsageRow(k.keyId(), k.date(), k.model(), c));
                }
            }
        });
        out.sort(UsageRow.ORDER);
        return out;
    }

    /** How many cells there are (a test's view of the memory bound). */
    int size() {
        return cells.size();
    }

    /** What is counted but not yet drained, summed over every cell. */
    UsageCounters pending() {
        UsageCounters total = UsageCounters.ZERO;
        for (Cell c : cells.values()) {
            total = total.plus(c.sum());
        }
        return total;
    }
}
