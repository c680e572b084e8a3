package io.embedgate.provider.jina;

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
 * The Jina AI embeddings API ({@code POST https://api.jina.ai/v1/embeddings}). Options, from
 * {@code embedding_options.jina}: {@code task} (set from the unified input type, per model family),
 * {@code dimensions}, {@code embedding_type}, {@code late_chunking}, {@code truncate} and
 * {@code normalized}. No official SDK or schema was seen: every limit here is from integration docs.
 */
@ApplicationScoped
public class JinaAdapter implements ProviderAdapter {

    /** Quarkus' Vert.x instance: the HTTP client of every instance runs on its event loops. */
    @Inject
    Vertx vertx;

    public static final String TYPE = "jina";
    static final String TASK = "task";
    static final String DIMENSIONS = "dimensions";
    static final String EMBEDDING_TYPE = "embedding_type";
    static final String LATE_CHUNKING = "late_chunking";
    static final String TRUNCATE = "truncate";
    static final String NORMALIZED = "normalized";

    /**
     * Inputs per call: Jina publishes no cap that could be verified, so 512, well under what its
     * integrations send at once; tokens per input from the model cards. v3 and v4 return binary and
     * ubinary themselves; v2 and clip are float-only here (the gateway quantises).
     */
    static final int MAX_INPUTS = 512;

    private static final Map<String, ModelCapabilities> KNOWN;

    static {
        EnumSet<OutputDtype> packed = EnumSet.of(OutputDtype.BINARY, OutputDtype.UBINARY);
        ModelCapabilities v2 = jina(768).maxTokensPerInput(8192).build();
        KNOWN = Map.of(
                "jina-embeddings-v3", jina(1024).reducibleFrom(32).maxTokensPerInput(8192).dtypes(packed).build(),
                "jina-embeddings-v4", jina(2048).reducibleFrom(128).maxTokensPerInput(32768).dtypes(packed).build(),
                "jina-embeddings-v2-base-en", v2,
                "jina-embeddings-v2-base-de", v2,
                "jina-embeddings-v2-base-es", v2,
                "jina-embeddings-v2-base-zh", v2,
                "jina-embeddings-v2-base-code", v2,
                "jina-clip-v2", jina(1024).reducibleFrom(64).maxTokensPerInput(8192).build());
    }

    private static ModelCapabilities.Builder jina(int dimensions) {
        return ModelCapabilities.builder(dimensions).maxInputsPerCall(MAX_INPUTS);
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
        return "Jina AI: POST {base}/v1/embeddings, with task, dimensions, embedding_type and late_chunking";
    }

    /** Jina's own options, declared once: validation, the OpenAPI schema and the docs come from here. */
    static final List<OptionSpec> OPTIONS = List.of(
            OptionSpec.oneOf(TASK, JinaTasks.ALL).foldsInto(OptionSpec.Fold.INPUT_TYPE)
                    .describe("Task adapter (v3: retrieval.query, retrieval.passage, separation, classification, text-matching; "
                            + "v4: retrieval.query, retrieval.passage, code.query, code.passage, text-matching); "
                            + "set by embedding_options.input_type when not given."),
            OptionSpec.integer(DIMENSIONS, 1, 2048).foldsInto(OptionSpec.Fold.DIMENSIONS)
                    .describe("Output size (v3: 32 to 1024, v4: 128 to 2048); the same as the request's dimensions."),
            OptionSpec.oneOf(EMBEDDING_TYPE, "float", "binary", "ubinary").foldsInto(OptionSpec.Fold.DTYPE)
                    .describe("Element type; v3 and v4 return binary and ubinary themselves, other models' are computed by the gateway."),
            OptionSpec.bool(LATE_CHUNKING).describe("Embed the inputs as chunks of one document (late chunking)."),
            OptionSpec.bool(TRUNCATE).describe("Cut inputs longer than the model's context instead of failing."),
            OptionSpec.bool(NORMALIZED).describe("Return unit-length vectors (Jina's default)."));

    @Override
    public List<OptionSpec> options() {
        return OPTIONS;
    }

    @Override
    public Optional<String> inputTypeValue(InputType type, String upstreamModel) {
        return JinaTasks.of(upstreamModel).flatMap(f -> f.task(type));
    }

    @Override
    public List<String> validate(InstanceSettings settings) {
        return UpstreamHttp.problems(settings);
    }

    @Override
    public ProviderClient connect(InstanceSettings settings) {
        String key = settings.apiKey().orElse("");
        UpstreamEndpoint endpoint = UpstreamEndpoint.of(settings, Map.of("Authorization", "Bearer " + key));
        return new TaskCheckedClient(new HttpProviderClient(UpstreamHttp.connect(vertx, settings, endpoint), key, JinaWire.WIRE),
                settings.name());
    }
}
