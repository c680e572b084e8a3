package io.embedgate.spi;

import java.util.List;
import java.util.Objects;

/**
 * The answer to one call: exactly one embedding per input, in input order.
 *
 * @param upstreamModel the model the provider says produced the vectors
 * @param quota         what the reply said about the provider's rate limits ({@link ProviderQuota#NONE} when nothing)
 */
public record EmbeddingResult(List<Embedding> embeddings, Usage usage, String upstreamModel, ProviderQuota quota) {

    public EmbeddingResult {
        embeddings = List.copyOf(embeddings);
        Objects.requireNonNull(usage, "usage");
        Objects.requireNonNull(upstreamModel, "upstreamModel");
        quota = quota == null ? ProviderQuota.NONE : quota;
    }

    /** A result whose reply said nothing about rate limits. */
    public EmbeddingResult(List<Embedding> embeddings, Usage usage, String upstreamModel) {
        this(embeddings, usage, upstreamModel, ProviderQuota.NONE);
    }

    /** The same result with what its reply said about the provider's rate limits. */
    public EmbeddingResult withQuota(ProviderQuota q) {
        return new EmbeddingResult(embeddings, usage, upstreamModel, q);
    }
}
