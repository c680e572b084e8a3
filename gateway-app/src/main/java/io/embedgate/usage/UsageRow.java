package io.embedgate.usage;

import java.time.LocalDate;
import java.util.Comparator;

/** One row of a usage query: a key's counters for one model on one UTC day. */
public record UsageRow(String keyId, LocalDate date, String model, UsageCounters counters) {

    /** The order of query answers: by date, then model, then key id. */
    public static final Comparator<UsageRow> ORDER = Comparator.comparing(UsageRow::date).thenComparing(UsageRow::model)
            .thenComparing(UsageRow::keyId);
}
