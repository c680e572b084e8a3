package io.embedgate.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

import io.embedgate.catalog.Candidate;
import io.embedgate.spi.InputType;
import io.embedgate.spi.OptionProblem;
import io.embedgate.spi.OutputDtype;
import io.embedgate.spi.ProviderAdapter;

/**
 * The request's {@code embedding_options}: the gateway's own knobs ({@code normalize},
 * {@code input_type}, {@code output_dtype}) and one object per installed provider type, each checked
 * by its adapter. A provider's size and dtype options are folded into the call's fields
 * ({@link #folded}) and not forwarded as options; the unified input type is mapped onto each serving
 * provider's own option ({@link #forwarded}).
 */
final class EmbeddingOptions {

    /** A provider option folded into a call field, with the JSON path for error messages. */
    record Folded(Object value, String param) {
    }

    static final String INPUT_TYPE = "input_type";
    static final String OUTPUT_DTYPE = "output_dtype";

    private final boolean normalize;
    private final Optional<InputType> inputType;
    private final Optional<OutputDtype> dtype;
    private final Map<String, Map<String, Object>> byType;
    private final Function<String, Optional<ProviderAdapter>> adapters;

    private EmbeddingOptions(boolean normalize, Optional<InputType> inputType, Optional<OutputDtype> dtype,
            Map<String, Map<String, Object>> byType, Function<String, Optional<ProviderAdapter>> adapters) {
        this.normalize = normalize;
        this.inputType = inputType;
        this.dtype = dtype;
        this.byType = byType;
        this.adapters = adapters;
    }

    /** @param adapters the installed adapter of a provider type, if any */
    static EmbeddingOptions parse(Map<String, Object> raw, Function<String, Optional<ProviderAdapter>> adapters) {
        if (raw == null) {
            return new EmbeddingOptions(true, Optional.empty(), Optional.empty(), Map.of(), adapters);
        }
        boolean normalize = true;
        Optional<InputType> inputType = Optional.empty();
        Optional<OutputDtype> dtype = Optional.empty();
        Map<String, Map<String, Object>> byType = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : raw.entrySet()) {
            String key = e.getKey();
            Object value = e.getValue();
            String param = "embedding_options." + key;
            if (key.equals("normalize")) {
                if (!(value instanceof Boolean b)) {
                    throw ApiException.invalid(param, param + " must be true or false.");
                }
                normalize = b;
                continue;
            }
            if (key.equals(INPUT_TYPE)) {
                inputType = value instanceof String str ? InputType.fromWireName(str) : Optional.empty();
                if (inputType.isEmpty()) {
                    throw ApiException.invalid(param, param + " must be one of " + InputType.wireNames() + "; got " + value + ".");
                }
                continue;
            }
            if (key.equals(OUTPUT_DTYPE)) {
                dtype = value instanceof String str ? OutputDtype.fromWireName(str) : Optional.empty();
                if (dtype.isEmpty()) {
                    throw ApiException.invalid(param, param + " must be one of float, int8, uint8, binary, ubinary; got " + value + ".");
                }
                continue;
            }
            Optional<ProviderAdapter> adapter = adapters.apply(key);
            if (adapter.isEmpty() || value == null) {
                continue; // a provider type this gateway does not have: nothing to forward it to
            }
            if (!(value instanceof Map<?, ?> map)) {
                throw ApiException.invalid(param, param + " must be an object.");
            }
            Map<String, Object> o = new LinkedHashMap<>();
            map.forEach((k, v) -> {
                if (v != null) {
                    o.put(String.valueOf(k), v);
                }
            });
            for (OptionProblem problem : adapter.get().validateOptions(o)) {
                throw ApiException.invalid(param + "." + problem.field(), problem.message());
            }
            byType.put(key, Map.copyOf(o));
        }
        return new EmbeddingOptions(normalize, inputType, dtype, byType, adapters);
    }

    /** What the texts are for ({@code embedding_options.input_type}), when the client said. */
    Optional<InputType> inputType() {
        return inputType;
    }

    /** The element type asked for with {@code embedding_options.output_dtype}, if any. */
    Optional<OutputDtype> dtype() {
        return dtype;
    }

    /** Return unit-length vectors even where the provider does not (default true). */
    boolean normalize() {
        return normalize;
    }

    /**
     * The value of the option an adapter names (size or dtype) among the provider types serving the
     * model; options of other providers are ignored. Two serving types disagreeing is a 400.
     */
    Folded folded(Set<String> servingTypes, Function<ProviderAdapter, Optional<String>> which) {
        Folded found = null;
        for (String type : servingTypes) {
            Map<String, Object> o = byType.get(type);
            Optional<String> key = adapters.apply(type).flatMap(which);
            if (o == null || key.isEmpty() || !o.containsKey(key.get())) {
                continue;
            }
            Folded f = new Folded(o.get(key.get()), "embedding_options." + type + "." + key.get());
            if (found != null && !found.value().equals(f.value())) {
                throw ApiException.invalid(f.param(), found.param() + " and " + f.param() + " differ.");
            }
            found = found == null ? f : found;
        }
        return found;
    }

    /**
     * What adapters receive: their object without the size and dtype keys, which travel as call fields.
     * The unified input type is added per candidate when it is called (see {@code CallShape}).
     */
    Map<String, Map<String, Object>> forwarded() {
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        byType.forEach((type, o) -> {
            Map<String, Object> copy = new LinkedHashMap<>(o);
            adapters.apply(type).ifPresent(a -> {
                a.dimensionsOption().ifPresent(copy::remove);
                a.dtypeOption().ifPresent(copy::remove);
            });
            out.put(type, Map.copyOf(copy));
        });
        return out;
    }

    /**
     * A 400 when a serving provider's own input-type option contradicts {@code embedding_options.input_type}
     * (e.g. input_type query with cohere.input_type search_document).
     */
    void requireInputTypeAgrees(List<Candidate> candidates) {
        if (inputType.isEmpty()) {
            return;
        }
        for (Candidate c : candidates) {
            Optional<String> mapped = c.inputTypes().value(inputType.get());
            Map<String, Object> own = byType.get(c.instance().type());
            if (mapped.isEmpty() || own == null || !own.containsKey(c.inputTypes().option().get())) {
                continue;
            }
            Object given = own.get(c.inputTypes().option().get());
            if (!given.equals(mapped.get())) {
                String param = "embedding_options." + c.instance().type() + "." + c.inputTypes().option().get();
                throw ApiException.invalid(param, "embedding_options.input_type '" + inputType.get().wireName() + "' means " + param + " '"
                        + mapped.get() + "' for model '" + c.upstreamModel() + "', but " + param + " is '" + given
                        + "'; send one of them, or values that agree.");
            }
        }
    }
}
