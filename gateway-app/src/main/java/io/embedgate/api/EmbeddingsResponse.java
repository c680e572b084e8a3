package io.embedgate.api;

import java.math.BigDecimal;
import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.embedgate.spi.Embedding;
import io.embedgate.spi.Usage;

/**
 * What {@link EmbeddingsResponseWriter} streams to the client.
 *
 * @param cachedTokens tokens of inputs served without an upstream call; null when the cache was not used
 * @param debug        the {@code debug} object as JSON, when the client asked for it; else null
 * @param cost         USD for what was sent upstream, at the model's list price; null when the price is unknown
 * @param costSaved    USD the cached inputs would have cost; null without the cache or a price
 */
@Schema(implementation = EmbeddingsResponseSchema.class)
public record EmbeddingsResponse(List<Embedding> data, String model, Usage usage, Long cachedTokens, boolean base64, byte[] debug,
        BigDecimal cost, BigDecimal costSaved) {

    public EmbeddingsResponse(List<Embedding> data, String model, Usage usage, Long cachedTokens, boolean base64, byte[] debug) {
        this(data, model, usage, cachedTokens, base64, debug, null, null);
    }
}
