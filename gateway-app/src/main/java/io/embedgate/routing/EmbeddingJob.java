package io.embedgate.routing;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import io.embedgate.catalog.ResolvedModel;
import io.embedgate.debug.Trace;
import io.embedgate.limits.RequestMemory;
import io.embedgate.spi.Deadline;
import io.embedgate.spi.EmbeddingInputs;
import io.embedgate.spi.InputType;
import io.embedgate.spi.ModelCapabilities;
import io.embedgate.spi.OutputDtype;

/**
 * A validated request, ready for routing.
 *
 * @param dimensions      the output size to ask for (from {@code dimensions} or a provider's own size
 *                        option); empty for the model's default
 * @param dtype           output element type (from a provider's dtype option)
 * @param normalize       return unit-length float vectors even where the provider does not
 * @param inputType       what the texts are for ({@code embedding_options.input_type}): already mapped
 *                        onto providers' own options; a text prefix for models that need one
 * @param providerOptions {@code embedding_options} by provider type, without the size and dtype keys
 *                        (already folded into the fields above); a call gets only its own type's
 * @param cacheTtl        present when this request uses the embedding cache, with the entries' time to live
 * @param trace           the client's debug trace, {@link Trace#OFF} unless it asked for one
 * @param base64Output    the client asked for base64 ({@code encoding_format}): float vectors it gets
 *                        as the provider's base64 text need not be decoded, only checked
 * @param memory          the request's share of the gateway's memory budget
 */
public record EmbeddingJob(
        ResolvedModel model,
        EmbeddingInputs inputs,
        OptionalInt dimensions,
        OutputDtype dtype,
        boolean normalize,
        Optional<InputType> inputType,
        Map<String, Map<String, Object>> providerOptions,
        Optional<String> user,
        Deadline deadline,
        RoutingPolicy policy,
        Attribution attribution,
        Optional<Duration> cacheTtl,
        Trace trace,
        boolean base64Output,
        RequestMemory memory) {

    /** Who asked ({@code orq.name}, {@code orq.contact.id}): for logs and usage, never sent upstream. */
    public record Attribution(Optional<String> name, Optional<String> contactId) {

        public static final Attribution NONE = new Attribution(Optional.empty(), Optional.empty());
    }

    /** The size every returned float vector must have. */
    public int outputDimensions(ModelCapabilities capabilities) {
        return dimensions.orElse(capabilities.nativeDimensions());
    }

    /** The values in one returned vector: its dimensions, or bytes for the bit-packed dtypes. */
    public int vectorLength(ModelCapabilities capabilities) {
        return ModelCapabilities.vectorLength(outputDimensions(capabilities), dtype);
    }

    /** The same job, its memory accounted to {@code m}. */
    public EmbeddingJob withMemory(RequestMemory m) {
        return new EmbeddingJob(model, inputs, dimensions, dtype, normalize, inputType, providerOptions, user, deadline, policy,
                attribution, cacheTtl,
                trace, base64Output, m);
    }

    /** The same job for another model (a fallback or a load-balancer pick) at the given size. */
    public EmbeddingJob forModel(ResolvedModel other, OptionalInt otherDimensions) {
        return new EmbeddingJob(other, inputs, otherDimensions, dtype, normalize, inputType, providerOptions, user, deadline, policy,
                attribution,
                cacheTtl, trace, base64Output, memory);
    }

    /** The same job for some of its inputs, routed without fallbacks or load balancing (see the cache). */
    public EmbeddingJob forInputsOnThisModel(EmbeddingInputs subset) {
        RoutingPolicy primaryOnly = new RoutingPolicy(policy.preferences(), policy.retry(), List.of(), List.of());
        return new EmbeddingJob(model, subset, dimensions, dtype, normalize, inputType, providerOptions, user, deadline, primaryOnly,
                attribution,
                cacheTtl, trace, base64Output, memory);
    }

    /** The same job for some of its inputs, with its full routing policy. */
    public EmbeddingJob forInputs(EmbeddingInputs subset) {
        return new EmbeddingJob(model, subset, dimensions, dtype, normalize, inputType, providerOptions, user, deadline, policy,
                attribution, cacheTtl,
                trace, base64Output, memory);
    }
}
