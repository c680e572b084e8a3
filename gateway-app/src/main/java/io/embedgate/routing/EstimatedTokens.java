package io.embedgate.routing;

import java.util.function.LongSupplier;

import io.embedgate.spi.EmbeddingInputs;
import io.embedgate.spi.TokenEstimate;

/**
 * A request's estimated tokens ({@link TokenEstimate#usage}), counted on first use only: most
 * instances have no token limit, and counting reads every input.
 */
final class EstimatedTokens implements LongSupplier {

    private final EmbeddingInputs inputs;
    private volatile long tokens = -1;

    private EstimatedTokens(EmbeddingInputs inputs) {
        this.inputs = inputs;
    }

    static EstimatedTokens of(EmbeddingInputs inputs) {
        return new EstimatedTokens(inputs);
    }

    @Override
    public long getAsLong() {
        long t = tokens;
        if (t < 0) {
            // Two threads may both count: the same number, so no lock.
            t = TokenEstimate.usage(inputs);
            tokens = t;
        }
        return t;
    }
}
