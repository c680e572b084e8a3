package io.embedgate.api;

import java.security.SecureRandom;
import java.util.concurrent.ThreadLocalRandom;

import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;

/**
 * Request ids ({@code req_} and 32 hex digits), unique across instances. A fast per-thread random
 * source makes them, mixed with a number drawn for this process; that number is drawn again when
 * the process is restored from a snapshot (AWS Lambda SnapStart, CRaC), because every instance
 * restored from one snapshot starts with the same random state and would otherwise repeat the
 * others' ids.
 */
final class RequestIds {

    private static volatile long salt = fresh();
    /** Held here: the checkpoint context keeps its resources only weakly. */
    private static final Resource REDRAW_ON_RESTORE = new Resource() {

        @Override
        public void beforeCheckpoint(Context<? extends Resource> context) {
        }

        @Override
        public void afterRestore(Context<? extends Resource> context) {
            redraw();
        }
    };

    static {
        Core.getGlobalContext().register(REDRAW_ON_RESTORE);
    }

    private RequestIds() {
    }

    static String next() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return "req_" + Long.toHexString((r.nextLong() ^ salt) | Long.MIN_VALUE) + Long.toHexString(r.nextLong() | Long.MIN_VALUE);
    }

    /** After a restore: a new number from the operating system's entropy, which a snapshot does not copy. */
    static void redraw() {
        salt = fresh();
    }

    static long salt() {
        return salt;
    }

    private static long fresh() {
        return new SecureRandom().nextLong();
    }
}
