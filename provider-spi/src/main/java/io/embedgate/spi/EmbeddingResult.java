package io.embedgate.spi;

import java.util.List;
import java.util.Objects;

/**
 * The answer to one call: exactly one embedding per input, in input order.
 *
 * @param upstreamModel the model the provider says produced the vectors
 */
public record EmbeddingResult(List<Embedding> embeddings, Usage usage, String upstreamModel) {

    public EmbeddingResult {
        embeddings = List.copyOf(embeddings);
        Objects.requireNonNull(usage, "usage");
        Objects.requireNonNull(upstreamModel, "upstreamModel");
    }
}
