package io.embedgate.api;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

import io.embedgate.catalog.ResolvedModel;
import io.embedgate.spi.ModelCapabilities;
import io.embedgate.spi.OutputDtype;
import io.embedgate.spi.ProviderAdapter;

/**
 * The vectors a request asks for, within what the model can do: their size ({@code dimensions}, or a
 * serving provider's own size option; both given must agree) and element type
 * ({@code embedding_options.output_dtype} or a serving provider's own dtype option; both given must
 * agree). Every float model can give every element type: what its provider cannot return, the
 * gateway computes from the float vectors (see {@code Quantization}).
 *
 * @param size       the size every vector will have: the requested one, else the model's default
 * @param dimensions the size to ask providers for; empty for the model's default
 * @param dtype      the element type
 */
record OutputShape(int size, OptionalInt dimensions, OutputDtype dtype) {

    static OutputShape of(Integer requestedDimensions, EmbeddingOptions options, ResolvedModel model) {
        Set<String> servingTypes = new LinkedHashSet<>();
        model.candidates().forEach(c -> servingTypes.add(c.instance().type()));
        int size = size(requestedDimensions, options.folded(servingTypes, ProviderAdapter::dimensionsOption), model);
        OutputDtype dtype = dtype(options.dtype(), options.folded(servingTypes, ProviderAdapter::dtypeOption));
        // The default size is what the model returns anyway; not sending it keeps upstream calls identical.
        int nativeSize = model.model().capabilities().nativeDimensions();
        return new OutputShape(size, size == nativeSize ? OptionalInt.empty() : OptionalInt.of(size), dtype);
    }

    private static int size(Integer requested, EmbeddingOptions.Folded option, ResolvedModel model) {
        ModelCapabilities caps = model.model().capabilities();
        Integer dims = requested;
        String dimsParam = "dimensions";
        if (option != null) {
            if (!(option.value() instanceof Integer optionDims)) {
                throw ApiException.invalid(option.param(), option.param() + " must be an integer.");
            }
            if (dims != null && !dims.equals(optionDims)) {
                throw ApiException.invalid(option.param(), "dimensions (" + dims + ") and " + option.param() + " (" + optionDims
                        + ") differ; send one of them, or the same value in both.");
            }
            if (dims == null) {
                dims = optionDims;
                dimsParam = option.param();
            }
        }
        if (dims == null) {
            return caps.nativeDimensions();
        }
        if (!caps.reducible()) {
            throw ApiException.invalid(dimsParam, "Model '" + model.model().id()
                    + "' does not support specifying dimensions; it always returns " + caps.nativeDimensions() + ".");
        }
        if (!caps.allowsDimensions(dims)) {
            throw ApiException.invalid(dimsParam, (caps.sizes().isEmpty()
                    ? "dimensions must be between " + caps.minDimensions() + " and " + caps.maxDimensions()
                    : "dimensions must be one of " + new java.util.TreeSet<>(caps.sizes()))
                    + " for model '" + model.model().id() + "', got " + dims + ".");
        }
        return dims;
    }

    private static OutputDtype dtype(Optional<OutputDtype> unified, EmbeddingOptions.Folded option) {
        if (option == null) {
            return unified.orElse(OutputDtype.FLOAT);
        }
        Object value = option.value() instanceof List<?> l && l.size() == 1 ? l.get(0) : option.value();
        if (value instanceof List<?>) {
            throw ApiException.invalid(option.param(), option.param() + " must name one type: the gateway returns one vector per input.");
        }
        OutputDtype dtype = OutputDtype.fromWireName(String.valueOf(value)).orElseThrow(() -> ApiException.invalid(option.param(),
                option.param() + " must be one of float, int8, uint8, binary, ubinary; got " + value + "."));
        if (unified.isPresent() && unified.get() != dtype) {
            throw ApiException.invalid(option.param(), "embedding_options.output_dtype (" + unified.get().wireName() + ") and "
                    + option.param() + " (" + dtype.wireName() + ") differ; send one of them, or the same value in both.");
        }
        return dtype;
    }
}
