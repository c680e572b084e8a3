package io.embedgate.api;

import java.util.LinkedHashSet;
import java.util.OptionalInt;
import java.util.Set;

import io.embedgate.catalog.ResolvedModel;
import io.embedgate.spi.ModelCapabilities;
import io.embedgate.spi.OutputDtype;
import io.embedgate.spi.ProviderAdapter;

/**
 * The vectors a request asks for, within what the model can do: their size ({@code dimensions}, or a
 * serving provider's own size option; both given must agree) and element type (only from a serving
 * provider's dtype option).
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
        OutputDtype dtype = dtype(options.folded(servingTypes, ProviderAdapter::dtypeOption), model);
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
            throw ApiException.invalid(dimsParam, "dimensions must be between " + caps.minDimensions() + " and "
                    + caps.maxDimensions() + " for model '" + model.model().id() + "', got " + dims + ".");
        }
        return dims;
    }

    private static OutputDtype dtype(EmbeddingOptions.Folded option, ResolvedModel model) {
        if (option == null) {
            return OutputDtype.FLOAT;
        }
        ModelCapabilities caps = model.model().capabilities();
        OutputDtype dtype = OutputDtype.fromWireName(String.valueOf(option.value())).orElseThrow();
        if (!caps.dtypes().contains(dtype)) {
            throw ApiException.invalid(option.param(), "Model '" + model.model().id() + "' does not support " + option.param()
                    + " '" + dtype.wireName() + "'; it supports " + caps.dtypes().stream().sorted().map(OutputDtype::wireName).toList()
                    + ".");
        }
        return dtype;
    }
}
