package io.embedgate.provider.tei;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.embedgate.provider.support.HttpProviderClient;
import io.embedgate.provider.support.UpstreamEndpoint;
import io.embedgate.provider.support.UpstreamHttp;
import io.embedgate.spi.InstanceSettings;
import io.embedgate.spi.ModelCapabilities;
import io.embedgate.spi.OptionSpec;
import io.embedgate.spi.ProviderAdapter;
import io.embedgate.spi.ProviderClient;
import io.vertx.core.Vertx;

/**
 * Hugging Face Text Embeddings Inference, native route ({@code POST /embed}). One server serves one
 * model, whatever the request names. Not a size parameter here: Matryoshka models are declared in the
 * catalogue and shortened by the gateway; input types become the model's text prefixes. Options, from
 * {@code embedding_options.tei}: {@code truncate}, {@code truncation_direction}, {@code prompt_name}
 * and {@code normalize}.
 */
@ApplicationScoped
public class TeiAdapter implements ProviderAdapter {

    /** Quarkus' Vert.x instance: the HTTP client of every instance runs on its event loops. */
    @Inject
    Vertx vertx;

    public static final String TYPE = "tei";
    static final String TRUNCATE = "truncate";
    static final String TRUNCATION_DIRECTION = "truncation_direction";
    static final String PROMPT_NAME = "prompt_name";
    static final String NORMALIZE = "normalize";

    /** TEI's {@code --max-client-batch-size} default; an instance started with another sets {@link #BATCH_SETTING}. */
    static final int DEFAULT_BATCH = 32;
    static final String BATCH_SETTING = "max-client-batch-size";

    /**
     * Common models TEI serves, by their Hugging Face id (compared without case): size and context.
     * Any other model needs its catalogue {@code dimensions} and {@code max-inputs-per-call}.
     */
    private static final Map<String, int[]> KNOWN = Map.ofEntries(
            Map.entry("nomic-ai/nomic-embed-text-v1.5", new int[]{768, 8192}),
            Map.entry("nomic-ai/nomic-embed-text-v1", new int[]{768, 8192}),
            Map.entry("baai/bge-small-en-v1.5", new int[]{384, 512}),
            Map.entry("baai/bge-base-en-v1.5", new int[]{768, 512}),
            Map.entry("baai/bge-large-en-v1.5", new int[]{1024, 512}),
            Map.entry("baai/bge-m3", new int[]{1024, 8192}),
            Map.entry("intfloat/multilingual-e5-small", new int[]{384, 512}),
            Map.entry("intfloat/multilingual-e5-base", new int[]{768, 512}),
            Map.entry("intfloat/multilingual-e5-large", new int[]{1024, 512}),
            Map.entry("intfloat/e5-large-v2", new int[]{1024, 512}),
            Map.entry("sentence-transformers/all-minilm-l6-v2", new int[]{384, 256}),
            Map.entry("mixedbread-ai/mxbai-embed-large-v1", new int[]{1024, 512}),
            Map.entry("snowflake/snowflake-arctic-embed-l-v2.0", new int[]{1024, 8192}),
            Map.entry("alibaba-nlp/gte-base-en-v1.5", new int[]{768, 8192}),
            Map.entry("qwen/qwen3-embedding-0.6b", new int[]{1024, 32768}));

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Map<String, ModelCapabilities> knownModels() {
        Map<String, ModelCapabilities> all = new java.util.TreeMap<>();
        KNOWN.keySet().forEach(name -> knownModel(DEFAULT_BATCH, name).ifPresent(c -> all.put(name, c)));
        return all;
    }

    @Override
    public String describe() {
        return "Hugging Face Text Embeddings Inference, native API: POST {base}/embed, with truncate, truncation_direction, prompt_name and normalize";
    }

    @Override
    public Optional<ModelCapabilities> knownModel(String upstreamModel) {
        return knownModel(DEFAULT_BATCH, upstreamModel);
    }

    /** The instance's batch cap is the server's flag, so it is an instance setting, not a model fact. */
    @Override
    public Optional<ModelCapabilities> knownModel(InstanceSettings instance, String upstreamModel) {
        return knownModel(batchSize(instance), upstreamModel);
    }

    private static Optional<ModelCapabilities> knownModel(int batch, String upstreamModel) {
        int[] m = KNOWN.get(upstreamModel.toLowerCase(Locale.ROOT));
        return m == null ? Optional.empty()
                : Optional.of(ModelCapabilities.builder(m[0]).maxInputsPerCall(batch).maxTokensPerInput(m[1]).build());
    }

    /** The instance's setting, or TEI's default when it is absent or unusable ({@link #validate} reports the latter). */
    @Override
    public java.util.OptionalInt maxInputsPerCall(InstanceSettings instance) {
        return java.util.OptionalInt.of(batchSize(instance));
    }

    static int batchSize(InstanceSettings instance) {
        int n = parsedBatchSize(instance);
        return n < 1 ? DEFAULT_BATCH : n;
    }

    /** The setting as a number: TEI's default when absent, 0 when it is not a positive number. */
    private static int parsedBatchSize(InstanceSettings instance) {
        try {
            return instance.setting(BATCH_SETTING).map(s -> Integer.parseInt(s.trim())).orElse(DEFAULT_BATCH);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** TEI's own options, declared once: validation, the OpenAPI schema and the docs come from here. */
    static final List<OptionSpec> OPTIONS = List.of(
            OptionSpec.bool(TRUNCATE)
                    .describe("Cut inputs longer than the model's maximum instead of failing (the server's --auto-truncate otherwise)."),
            OptionSpec.oneOf(TRUNCATION_DIRECTION, "right", "left")
                    .describe("Which end is cut when truncating (sent as TEI's Right or Left)."),
            OptionSpec.text(PROMPT_NAME).describe("A prompt of the model's sentence-transformers configuration, added by TEI; "
                    + "not together with embedding_options.input_type on a model with input prefixes (the prompt would be doubled)."),
            OptionSpec.bool(NORMALIZE)
                    .describe("Unit-length vectors (TEI's default: true); false returns TEI's raw pooled vectors as they are."));

    @Override
    public List<OptionSpec> options() {
        return OPTIONS;
    }

    /** A key is optional (TEI started with --api-key); the batch setting must be a positive number. */
    @Override
    public List<String> validate(InstanceSettings settings) {
        List<String> problems = UpstreamHttp.urlProblems(settings);
        if (parsedBatchSize(settings) < 1) {
            problems.add("settings." + BATCH_SETTING + " must be a positive number");
        }
        return problems;
    }

    @Override
    public ProviderClient connect(InstanceSettings settings) {
        String key = settings.apiKey().orElse("");
        UpstreamEndpoint endpoint = UpstreamEndpoint.of(settings, key.isEmpty() ? Map.of() : Map.of("Authorization", "Bearer " + key));
        return new HttpProviderClient(UpstreamHttp.connect(vertx, settings, endpoint), key, TeiWire.WIRE);
    }
}
