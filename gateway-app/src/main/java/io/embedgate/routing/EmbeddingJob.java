package io.embedgate.routing;

import java.util.Optional;
import java.util.OptionalInt;

import io.embedgate.catalog.ResolvedModel;
import io.embedgate.spi.Deadline;
import io.embedgate.spi.EmbeddingInputs;

/** A validated request, ready for routing. */
public record EmbeddingJob(
        ResolvedModel model,
        EmbeddingInputs inputs,
        OptionalInt dimensions,
        Optional<String> user,
        Deadline deadline) {
}
