package io.embedgate.api;

import java.util.List;

import io.embedgate.spi.Embedding;
import io.embedgate.spi.Usage;

/**
 * What {@link EmbeddingsResponseWriter} streams to the client.
 *
 * @param cachedTokens tokens of inputs served without an upstream call; null when the cache was not used
 */
public record EmbeddingsResponse(List<Embedding> data, String model, Usage usage, Long cachedTokens, boolean base64) {
}
