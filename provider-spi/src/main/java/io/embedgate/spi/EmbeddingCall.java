package io.embedgate.spi;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One upstream call, in provider-neutral terms.
 *
 * @param upstreamModel the model name the provider knows (not the gateway's public id)
 * @param inputs        what to embed, at most the model's per-call limit
 * @param dimensions    requested output size, empty for the model's native size
 * @param dtype         requested element type; {@link OutputDtype#FLOAT} unless the model supports more
 * @param options       this provider type's own options ({@code embedding_options.<type>}), as plain
 *                      JSON values (String, Number, Boolean, List, Map); already validated
 * @param user          end-user id for the provider's abuse monitoring, if the client sent one
 * @param deadline      when the whole client request must be answered
 * @param tap           receives the wire exchange when the client asked for it in its debug trace
 * @param outputDimensions the size every returned vector must have (the requested size, else the
 *                      model's native one); 0 when unknown (tools and tests): replies are then not capped
 * @param allowance     the memory the reply body may take (see {@link ReplyAllowance})
 */
public record EmbeddingCall(
        String upstreamModel,
        EmbeddingInputs inputs,
        OptionalInt dimensions,
        OutputDtype dtype,
        Map<String, Object> options,
        Optional<String> user,
        Deadline deadline,
        WireTap tap,
        int outputDimensions,
        ReplyAllowance allowance) {

    public EmbeddingCall(String upstreamModel, EmbeddingInputs inputs, OptionalInt dimensions, OutputDtype dtype,
            Map<String, Object> options, Optional<String> user, Deadline deadline) {
        this(upstreamModel, inputs, dimensions, dtype, options, user, deadline, WireTap.NONE,
                dimensions == null ? 0 : dimensions.orElse(0), ReplyAllowance.UNLIMITED);
    }

    public EmbeddingCall {
        Objects.requireNonNull(upstreamModel, "upstreamModel");
        Objects.requireNonNull(inputs, "inputs");
        Objects.requireNonNull(deadline, "deadline");
        dimensions = dimensions == null ? OptionalInt.empty() : dimensions;
        dtype = dtype == null ? OutputDtype.FLOAT : dtype;
        options = options == null ? Map.of() : options;
        user = user == null ? Optional.empty() : user;
        tap = tap == null ? WireTap.NONE : tap;
        allowance = allowance == null ? ReplyAllowance.UNLIMITED : allowance;
        if (outputDimensions < 0) {
            throw new IllegalArgumentException("outputDimensions must be >= 0");
        }
    }

    /** The same call for a sub-range of the inputs. */
    public EmbeddingCall withInputs(EmbeddingInputs slice) {
        return new EmbeddingCall(upstreamModel, slice, dimensions, dtype, options, user, deadline, tap, outputDimensions, allowance);
    }

    /** The same call reporting its wire exchange to {@code t}. */
    public EmbeddingCall withTap(WireTap t) {
        return new EmbeddingCall(upstreamModel, inputs, dimensions, dtype, options, user, deadline, t, outputDimensions, allowance);
    }

    /** The same call whose vectors must have {@code size} dimensions. */
    public EmbeddingCall sized(int size) {
        return new EmbeddingCall(upstreamModel, inputs, dimensions, dtype, options, user, deadline, tap, size, allowance);
    }

    /** The same call with its reply's memory accounted to {@code a}. */
    public EmbeddingCall withAllowance(ReplyAllowance a) {
        return new EmbeddingCall(upstreamModel, inputs, dimensions, dtype, options, user, deadline, tap, outputDimensions, a);
    }

    /** Values per returned vector on the wire (bit-packed types: one per 8 dimensions); 0 when the size is unknown. */
    public int valuesPerVector() {
        return ModelCapabilities.vectorLength(outputDimensions, dtype);
    }
}
