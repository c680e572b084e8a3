package io.embedgate.provider.mistral;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.embedgate.provider.support.HttpProviderClient;
import io.embedgate.provider.support.UpstreamEndpoint;
import io.embedgate.provider.support.UpstreamHttp;
import io.embedgate.spi.InstanceSettings;
import io.embedgate.spi.ModelCapabilities;
import io.embedgate.spi.OptionSpec;
import io.embedgate.spi.OutputDtype;
import io.embedgate.spi.ProviderAdapter;
import io.embedgate.spi.ProviderClient;
import io.vertx.core.Vertx;

/**
 * Mistral's embeddings API. Options, from {@code embedding_options.mistral}: {@code output_dimension}
 * (folded into dimensions) and {@code output_dtype} (float, int8, uint8, binary, ubinary).
 */
@ApplicationScoped
public class MistralAdapter implements ProviderAdapter {

    /** Quarkus' Vert.x instance: the HTTP client of every instance runs on its event loops. */
    @Inject
    Vertx vertx;

    public static final String TYPE = "mistral";
    static final String OUTPUT_DIMENSION = "output_dimension";
    static final String OUTPUT_DTYPE = "output_dtype";

    /**
     * ~512 inputs and ~16384 tokens per request (observed limits, split to them), no token-id input,
     * unit-length vectors (https://docs.mistral.ai/api/#tag/embeddings). codestral-embed: 1536 by
     * default, up to 3072, all dtypes.
     */
    private static final Map<String, ModelCapabilities> KNOWN;

    static {
        ModelCapabilities codestral = mistralModel(1536).reducibleBetween(1, 3072).dtypes(EnumSet.allOf(OutputDtype.class)).build();
        KNOWN = Map.of(
                "mistral-embed", mistralModel(1024).build(),
                "codestral-embed", codestral,
                "codestral-embed-2505", codestral);
    }

    private static ModelCapabilities.Builder mistralModel(int dimensions) {
        return ModelCapabilities.builder(dimensions).maxInputsPerCall(512).maxTokensPerCall(16384).maxTokensPerInput(8192);
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
        return "Mistral AI embeddings API, POST {base}/embeddings (OpenAI-shaped, with output_dimension and output_dtype)";
    }

    /** Mistral's own options, declared once: validation, the OpenAPI schema and the docs come from here. */
    static final List<OptionSpec> OPTIONS = List.of(
            OptionSpec.integer(OUTPUT_DIMENSION, 1, 3072).foldsInto(OptionSpec.Fold.DIMENSIONS)
                    .describe("Output size (codestral-embed: up to 3072); the same as the request's dimensions."),
            OptionSpec.oneOf(OUTPUT_DTYPE, "float", "int8", "uint8", "binary", "ubinary").foldsInto(OptionSpec.Fold.DTYPE)
                    .describe("Element type; codestral-embed returns every type itself, mistral-embed's are computed by the gateway."));

    @Override
    public List<OptionSpec> options() {
        return OPTIONS;
    }

    @Override
    public List<String> validate(InstanceSettings settings) {
        return UpstreamHttp.problems(settings);
    }

    @Override
    public ProviderClient connect(InstanceSettings settings) {
        String key = settings.apiKey().orElse("");
        UpstreamEndpoint endpoint = UpstreamEndpoint.of(settings, Map.of("Authorization", "Bearer " + key));
        return new HttpProviderClient(UpstreamHttp.connect(vertx, settings, endpoint), key, MistralWire.WIRE);
    }
}
