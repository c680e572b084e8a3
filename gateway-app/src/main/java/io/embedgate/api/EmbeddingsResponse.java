package io.embedgate.api;

import java.util.List;

import io.embedgate.spi.Embedding;
import io.embedgate.spi.Usage;

/** What {@link EmbeddingsResponseWriter} streams to the client. */
public record EmbeddingsResponse(List<Embedding> data, String model, Usage usage, boolean base64) {
}
