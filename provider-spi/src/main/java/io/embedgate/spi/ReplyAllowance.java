package io.embedgate.spi;

/**
 * The memory one upstream call may use for its reply body. The gateway sets aside what a reply
 * usually takes ({@link #reserved()}); a reply that grows past it must take each further byte from
 * the gateway's shared budget with {@link #tryExtend}, and fails when the budget cannot spare it.
 * So a provider that answers far more than usual (but still validly) is served while there is room,
 * and can never push the gateway out of memory.
 */
public interface ReplyAllowance {

    /** No accounting: for tools and tests. */
    ReplyAllowance UNLIMITED = new ReplyAllowance() {

        @Override
        public long reserved() {
            return Long.MAX_VALUE;
        }

        @Override
        public boolean tryExtend(long bytes) {
            return true;
        }
    };

    /** Bytes already set aside for this call's reply body. */
    long reserved();

    /** Takes {@code bytes} more from the shared budget, without waiting; false when it cannot spare them. */
    boolean tryExtend(long bytes);
}
