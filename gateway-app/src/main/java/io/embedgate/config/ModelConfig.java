package io.embedgate.config;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/** One catalogue entry ({@code gateway.models.<id>.*}): the instances serving the model and what the gateway knows of it. */
public interface ModelConfig {

    /** Instance names that serve this model, in order of preference. */
    List<String> providers();

    /** Name of the model at the provider, when it differs from the public id. */
    Optional<String> upstreamModel();

    /** Per-instance upstream names, overriding {@link #upstreamModel()}. */
    Map<String, String> upstreamModels();

    /** Native output size; required for models the adapter does not know. */
    OptionalInt dimensions();

    /** Whether {@code dimensions} may ask for a smaller size. */
    Optional<Boolean> reducibleDimensions();

    OptionalInt minDimensions();

    OptionalInt maxInputsPerCall();

    Optional<Boolean> tokenIdInput();

    /**
     * The model is Matryoshka-trained and the gateway shortens its vectors itself with this recipe
     * ({@code truncate} or {@code layer-norm}), for servers that cannot (TEI, Ollama): requests may
     * then ask for any size from {@code min-dimensions} (default 1) up to the native one.
     */
    Optional<String> matryoshka();

    /**
     * Text prefixes by {@code embedding_options.input_type} ({@code query}, {@code document}, ...) for
     * models that expect one in the text (E5 {@code "query: "}, Nomic {@code "search_query: "}).
     * Added only where the serving provider has no input-type option of its own.
     */
    Map<String, String> inputPrefixes();

    /**
     * List price in USD per million input tokens, for {@code usage.cost}; the provider modules set
     * it for their known models. Absent: no cost is reported for the model (never a guess).
     */
    Optional<String> pricePerMillionTokens();

    /** The day the price was taken (YYYY-MM-DD); required with a price. */
    Optional<String> priceAsOf();
}
