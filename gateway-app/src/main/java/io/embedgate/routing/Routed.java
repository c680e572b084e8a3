package io.embedgate.routing;

import java.util.List;

import io.embedgate.spi.Embedding;
import io.embedgate.spi.Usage;

/**
 * The routed answer: one embedding per input, in input order.
 *
 * @param model    the public id of the model that produced every vector
 * @param provider the instance that answered
 * @param notes    routing decisions worth reporting (skipped fallbacks and why)
 */
public record Routed(List<Embedding> embeddings, Usage usage, String model, String provider, String upstreamModel, List<String> notes) {
}
