package io.embedgate.api;

import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.embedgate.spi.Embedding;
import io.embedgate.spi.Usage;

/**
 * What {@link EmbeddingsResponseWriter} streams to the client.
 *
 * @param cachedTokens tokens of inputs served without an upstream call; null when the cache was not used
 * @param debug        the {@code debug} object as JSON, when the client asked for it; else null
 */
@Schema(implementation = EmbeddingsResponseSchema.class)
public record EmbeddingsResponse(List<Embedding> data, String model, Usage usage, Long cachedTokens, boolean base64, byte[] debug) {
}
