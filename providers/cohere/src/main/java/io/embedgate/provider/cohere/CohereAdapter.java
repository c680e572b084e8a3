package io.embedgate.provider.cohere;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.embedgate.provider.support.HttpProviderClient;
import io.embedgate.provider.support.UpstreamEndpoint;
import io.embedgate.provider.support.UpstreamHttp;
import io.embedgate.spi.InputType;
import io.embedgate.spi.InstanceSettings;
import io.embedgate.spi.ModelCapabilities;
import io.embedgate.spi.OptionSpec;
import io.embedgate.spi.OutputDtype;
import io.embedgate.spi.ProviderAdapter;
import io.embedgate.spi.ProviderClient;
import io.vertx.core.Vertx;

/**
 * Cohere's v2 embed API ({@code POST /v2/embed}, https://docs.cohere.com/reference/embed). Options, from
 * {@code embedding_options.cohere}: {@code input_type} (set by {@code embedding_options.input_type};
 * {@code search_document} when neither says, since Cohere requires one), {@code embedding_types}
 * (one type, folded into the dtype), {@code output_dimension} (embed-v4.0; folded into dimensions),
 * {@code truncate} and {@code max_tokens}.
 *
 * <p>Instance setting {@code similarity-input-type} ({@code gateway.providers.<name>.settings.*}):
 * the Cohere input type sent for {@code input_type: similarity}, which Cohere has no value for;
 * {@code clustering} by default (a symmetric type: both sides of a comparison get the same one).
 */
@ApplicationScoped
public class CohereAdapter implements ProviderAdapter {

    /** Quarkus' Vert.x instance: the HTTP client of every instance runs on its event loops. */
    @Inject
    Vertx vertx;

    public static final String TYPE = "cohere";
    static final String INPUT_TYPE = "input_type";
    static final String EMBEDDING_TYPES = "embedding_types";
    static final String OUTPUT_DIMENSION = "output_dimension";
    static final String TRUNCATE = "truncate";
    static final String MAX_TOKENS = "max_tokens";
    static final String SIMILARITY_SETTING = "similarity-input-type";
    /** What Cohere requires when nobody said what the texts are for: a document is the common case (indexing). */
    static final String DEFAULT_INPUT_TYPE = "search_document";

    static final List<String> INPUT_TYPES = List.of("search_document", "search_query", "classification", "clustering");

    /**
     * 96 texts per call, every quantised type native on v3 and v4 (https://docs.cohere.com/reference/embed).
     * Context: 512 tokens on v3, about 128k on v4 (Cohere truncates the end by default).
     */
    private static final Map<String, ModelCapabilities> KNOWN;

    static {
        ModelCapabilities v3 = cohereModel(1024, 512).build();
        ModelCapabilities v3light = cohereModel(384, 512).build();
        KNOWN = Map.of(
                "embed-v4.0", cohereModel(1536, 128_000).sizes(256, 512, 1024, 1536).build(),
                "embed-english-v3.0", v3,
                "embed-multilingual-v3.0", v3,
                "embed-english-light-v3.0", v3light,
                "embed-multilingual-light-v3.0", v3light);
    }

    private static ModelCapabilities.Builder cohereModel(int dimensions, int contextTokens) {
        return ModelCapabilities.builder(dimensions).maxInputsPerCall(96).maxTokensPerInput(contextTokens)
                .dtypes(EnumSet.allOf(OutputDtype.class));
    }

    /** Cohere's own options, declared once: validation, the OpenAPI schema and the docs come from here. */
    static final List<OptionSpec> OPTIONS = List.of(
            OptionSpec.oneOf(INPUT_TYPE, INPUT_TYPES.toArray(String[]::new)).foldsInto(OptionSpec.Fold.INPUT_TYPE)
                    .describe("What the texts are for; set by embedding_options.input_type, search_document when neither is given."),
            OptionSpec.listOf(EMBEDDING_TYPES, "float", "int8", "uint8", "binary", "ubinary").foldsInto(OptionSpec.Fold.DTYPE)
                    .describe("Element type, as a one-element list; the same as embedding_options.output_dtype."),
            OptionSpec.integerOneOf(OUTPUT_DIMENSION, 256, 512, 1024, 1536).foldsInto(OptionSpec.Fold.DIMENSIONS)
                    .describe("Output size (embed-v4.0 only); the same as the request's dimensions."),
            OptionSpec.oneOf(TRUNCATE, "NONE", "START", "END")
                    .describe("How Cohere shortens an input over the model's context; NONE makes it an error. Cohere's default: END."),
            OptionSpec.integer(MAX_TOKENS, 1, 128_000).describe("Tokens kept per input before truncation."));

    /** embedding_options.input_type onto Cohere's input_type (similarity: the instance setting). */
    private static final Map<InputType, String> INPUT_TYPE_VALUES;

    static {
        Map<InputType, String> m = new EnumMap<>(InputType.class);
        m.put(InputType.QUERY, "search_query");
        m.put(InputType.DOCUMENT, "search_document");
        m.put(InputType.CLASSIFICATION, "classification");
        m.put(InputType.CLUSTERING, "clustering");
        m.put(InputType.SIMILARITY, "clustering");
        m.put(InputType.CODE_QUERY, "search_query");
        m.put(InputType.CODE_DOCUMENT, "search_document");
        INPUT_TYPE_VALUES = Map.copyOf(m);
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Map<String, ModelCapabilities> knownModels() {
        return KNOWN;
    }

    @Override
    public String describe() {
        return "Cohere v2: POST {base}/v2/embed, with input_type, embedding_types, output_dimension and truncate";
    }

    @Override
    public List<OptionSpec> options() {
        return OPTIONS;
    }

    @Override
    public Optional<String> inputTypeValue(InputType type, String upstreamModel) {
        return Optional.ofNullable(INPUT_TYPE_VALUES.get(type));
    }

    @Override
    public Optional<String> inputTypeValue(InstanceSettings instance, InputType type, String upstreamModel) {
        String similarity = instance.settings().get(SIMILARITY_SETTING);
        if (type == InputType.SIMILARITY && similarity != null) {
            return Optional.of(similarity);
        }
        return inputTypeValue(type, upstreamModel);
    }

    @Override
    public List<String> validate(InstanceSettings settings) {
        List<String> problems = new ArrayList<>(UpstreamHttp.problems(settings));
        String similarity = settings.settings().get(SIMILARITY_SETTING);
        if (similarity != null && !INPUT_TYPES.contains(similarity)) {
            problems.add("settings." + SIMILARITY_SETTING + " must be one of " + String.join(", ", INPUT_TYPES) + "; got " + similarity);
        }
        return problems;
    }

    @Override
    public ProviderClient connect(InstanceSettings settings) {
        String key = settings.apiKey().orElse("");
        UpstreamEndpoint endpoint = UpstreamEndpoint.of(settings, Map.of("Authorization", "Bearer " + key));
        return new HttpProviderClient(UpstreamHttp.connect(vertx, settings, endpoint), key, CohereWire.WIRE);
    }
}
