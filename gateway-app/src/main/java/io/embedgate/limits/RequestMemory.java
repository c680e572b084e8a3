package io.embedgate.limits;

import io.embedgate.spi.ReplyAllowance;

/**
 * A request's share of the {@link MemoryBudget}, as the code that serves the request sees it: an
 * allowance for each upstream reply, and holders that keep the share until their work is done.
 */
public interface RequestMemory {

    /** Nothing accounted: for requests served before admission is wired in, tools and tests. */
    RequestMemory NONE = new RequestMemory() {

        @Override
        public ReplyAllowance forReply(long reserved) {
            return ReplyAllowance.UNLIMITED;
        }

        @Override
        public void hold() {
        }

        @Override
        public void release() {
        }
    };

    /** The allowance of one upstream call whose reply usually takes {@code reserved} bytes (already set aside). */
    ReplyAllowance forReply(long reserved);

    /** One more holder: the share stays until every holder has released it. */
    void hold();

    /** This holder is done. */
    void release();
}
