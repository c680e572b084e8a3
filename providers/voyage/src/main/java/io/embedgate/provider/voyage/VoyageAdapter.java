package io.embedgate.provider.voyage;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
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
 * Voyage AI's embeddings API (https://docs.voyageai.com/reference/embeddings-api). The base URL
 * includes the version, as in Voyage's SDK: {@code https://api.voyageai.com/v1}, or
 * {@code https://ai.mongodb.com/v1} for MongoDB Atlas keys ({@code al-...}); calls go to
 * {@code {base-url}/embeddings}. Options, from {@code embedding_options.voyage}: {@code input_type}
 * (query or document; set by {@code embedding_options.input_type}, omitted otherwise, Voyage's
 * default), {@code truncation}, {@code output_dimension} (folded into dimensions) and
 * {@code output_dtype} (folded into the dtype).
 */
@ApplicationScoped
public class VoyageAdapter implements ProviderAdapter {

    /** Quarkus' Vert.x instance: the HTTP client of every instance runs on its event loops. */
    @Inject
    Vertx vertx;

    public static final String TYPE = "voyage";
    static final String INPUT_TYPE = "input_type";
    static final String TRUNCATION = "truncation";
    static final String OUTPUT_DIMENSION = "output_dimension";
    static final String OUTPUT_DTYPE = "output_dtype";
    static final String VOYAGE_HOST = "api.voyageai.com";
    static final String ATLAS_BASE_URL = "https://ai.mongodb.com/v1";

    /**
     * 1,000 inputs per call and a per-model token cap per call (https://docs.voyageai.com/docs/embeddings).
     * The flexible models (voyage-4 family, 3.5, 3-large, code-3) default to 1024 dimensions, take 256
     * to 2048 and return every quantised type; the older ones are fixed and float only (the gateway
     * quantises them). Contexts: 32k tokens, 16k for law-2 and code-2, 4k for voyage-2.
     */
    private static final Map<String, ModelCapabilities> KNOWN;

    static {
        Map<String, ModelCapabilities> m = new HashMap<>();
        m.put("voyage-4-large", flexible(120_000));
        m.put("voyage-4", flexible(320_000));
        m.put("voyage-4-lite", flexible(1_000_000));
        m.put("voyage-3.5", flexible(320_000));
        m.put("voyage-3.5-lite", flexible(1_000_000));
        m.put("voyage-3-large", flexible(120_000));
        m.put("voyage-code-3", flexible(120_000));
        m.put("voyage-3", fixed(1024, 320_000, 32_000));
        m.put("voyage-3-lite", fixed(512, 1_000_000, 32_000));
        m.put("voyage-finance-2", fixed(1024, 120_000, 32_000));
        m.put("voyage-multilingual-2", fixed(1024, 120_000, 32_000));
        m.put("voyage-law-2", fixed(1024, 120_000, 16_000));
        m.put("voyage-code-2", fixed(1536, 120_000, 16_000));
        m.put("voyage-2", fixed(1024, 320_000, 4_000));
        KNOWN = Map.copyOf(m);
    }

    private static ModelCapabilities flexible(int tokensPerCall) {
        return ModelCapabilities.builder(1024).sizes(256, 512, 1024, 2048).maxInputsPerCall(1000).maxTokensPerCall(tokensPerCall)
                .maxTokensPerInput(32_000).dtypes(EnumSet.allOf(OutputDtype.class)).build();
    }

    private static ModelCapabilities fixed(int dimensions, int tokensPerCall, int context) {
        return ModelCapabilities.builder(dimensions).maxInputsPerCall(1000).maxTokensPerCall(tokensPerCall).maxTokensPerInput(context)
                .build();
    }

    /** Voyage's own options, declared once: validation, the OpenAPI schema and the docs come from here. */
    static final List<OptionSpec> OPTIONS = List.of(
            OptionSpec.oneOf(INPUT_TYPE, "query", "document").foldsInto(OptionSpec.Fold.INPUT_TYPE)
                    .describe("Query or document: Voyage prepends its retrieval prompt; set by embedding_options.input_type."),
            OptionSpec.bool(TRUNCATION).describe("Whether an input over the context is truncated (Voyage's default) or an error."),
            OptionSpec.integerOneOf(OUTPUT_DIMENSION, 256, 512, 1024, 2048).foldsInto(OptionSpec.Fold.DIMENSIONS)
                    .describe("Output size (voyage-4 family, 3.5, 3-large, code-3); the same as the request's dimensions."),
            OptionSpec.oneOf(OUTPUT_DTYPE, "float", "int8", "uint8", "binary", "ubinary").foldsInto(OptionSpec.Fold.DTYPE)
                    .describe("Element type; the flexible models return every type, the gateway computes them for the others."));

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
        return "Voyage AI: POST {base}/embeddings, with input_type, output_dimension, output_dtype and truncation";
    }

    @Override
    public List<OptionSpec> options() {
        return OPTIONS;
    }

    /** Voyage knows queries and documents only; for other purposes its default (no prompt) applies. */
    @Override
    public Optional<String> inputTypeValue(InputType type, String upstreamModel) {
        return switch (type) {
            case QUERY, CODE_QUERY -> Optional.of("query");
            case DOCUMENT, CODE_DOCUMENT -> Optional.of("document");
            case CLASSIFICATION, CLUSTERING, SIMILARITY -> Optional.empty();
        };
    }

    @Override
    public List<String> validate(InstanceSettings settings) {
        List<String> problems = new ArrayList<>(UpstreamHttp.problems(settings));
        // MongoDB Atlas keys are refused by Voyage's own host: say so at start-up, not as a 401 per request.
        if (problems.isEmpty() && settings.apiKey().orElse("").startsWith("al-")
                && VOYAGE_HOST.equalsIgnoreCase(settings.baseUrl().get().getHost())) {
            problems.add("an al- key is a MongoDB Atlas key: set base-url to " + ATLAS_BASE_URL);
        }
        return problems;
    }

    @Override
    public ProviderClient connect(InstanceSettings settings) {
        String key = settings.apiKey().orElse("");
        UpstreamEndpoint endpoint = UpstreamEndpoint.of(settings, Map.of("Authorization", "Bearer " + key));
        return new HttpProviderClient(UpstreamHttp.connect(vertx, settings, endpoint), key, VoyageWire.WIRE);
    }
}
