package io.embedgate.provider.vertex;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.embedgate.provider.support.BearerTokenAuth;
import io.embedgate.provider.support.HttpProviderClient;
import io.embedgate.provider.support.OAuthTokenEndpoint;
import io.embedgate.provider.support.UpstreamEndpoint;
import io.embedgate.provider.support.UpstreamHttp;
import io.embedgate.spi.InputType;
import io.embedgate.spi.InstanceSettings;
import io.embedgate.spi.ModelCapabilities;
import io.embedgate.spi.OptionProblem;
import io.embedgate.spi.OptionSpec;
import io.embedgate.spi.ProviderAdapter;
import io.embedgate.spi.ProviderClient;
import io.vertx.core.Vertx;

/**
 * Google Vertex AI text embeddings ({@code publishers/google/models/{model}:predict}). Settings:
 * {@code project}, {@code location} and the credentials (see {@link VertexSettings}). Options, from
 * {@code embedding_options.vertex}: {@code task_type}, {@code title} (only with RETRIEVAL_DOCUMENT),
 * {@code auto_truncate} and {@code output_dimensionality} (folded into the request's dimensions).
 */
@ApplicationScoped
public class VertexAdapter implements ProviderAdapter {

    /** Quarkus' Vert.x instance: the HTTP clients of every instance run on its event loops. */
    @Inject
    Vertx vertx;

    public static final String TYPE = "vertex";
    static final String TASK_TYPE = "task_type";
    static final String TITLE = "title";
    static final String AUTO_TRUNCATE = "auto_truncate";
    static final String OUTPUT_DIMENSIONALITY = "output_dimensionality";

    /** The task types of the text embedding API. */
    public static final List<String> TASK_TYPES = List.of("RETRIEVAL_QUERY", "RETRIEVAL_DOCUMENT", "SEMANTIC_SIMILARITY",
            "CLASSIFICATION", "CLUSTERING", "QUESTION_ANSWERING", "FACT_VERIFICATION", "CODE_RETRIEVAL_QUERY");

    /** Per request: at most 250 instances and 20,000 tokens; per text 2,048 tokens. */
    static final int MAX_INSTANCES = 250;
    static final int MAX_TOKENS_PER_CALL = 20_000;
    static final int MAX_TOKENS_PER_TEXT = 2048;

    /**
     * gemini-embedding-001 takes one instance per request on Vertex (calls fan out, bounded by the
     * instance's max-concurrent-calls) and returns unit vectors only at 3072; the text-embedding
     * models take 250. Their shortened vectors are cut prefixes, not renormalised (unverified for the
     * text-embedding models), hence normalized=false: the gateway normalises when asked.
     */
    private static final Map<String, ModelCapabilities> KNOWN = Map.of(
            "gemini-embedding-001", model(3072, 1).reducibleFrom(128).build(),
            "text-embedding-005", model(768, MAX_INSTANCES).reducibleFrom(1).build(),
            "text-multilingual-embedding-002", model(768, MAX_INSTANCES).reducibleFrom(1).build());

    private static ModelCapabilities.Builder model(int dimensions, int instances) {
        return ModelCapabilities.builder(dimensions).maxInputsPerCall(instances).maxTokensPerCall(MAX_TOKENS_PER_CALL)
                .maxTokensPerInput(MAX_TOKENS_PER_TEXT).notAlwaysNormalized();
    }

    /** Vertex's own options, declared once: validation, the OpenAPI schema and the docs come from here. */
    static final List<OptionSpec> OPTIONS = List.of(
            OptionSpec.oneOf(TASK_TYPE, TASK_TYPES.toArray(String[]::new)).foldsInto(OptionSpec.Fold.INPUT_TYPE).sentAs("task_type")
                    .describe("What the text is for; set by embedding_options.input_type when not given."),
            OptionSpec.text(TITLE).sentAs("title")
                    .describe("Document title; only with task_type RETRIEVAL_DOCUMENT (implies it when alone)."),
            OptionSpec.bool(AUTO_TRUNCATE).sentAs("parameters.autoTruncate")
                    .describe("Cut texts over 2,048 tokens (Vertex's default) instead of refusing them."),
            OptionSpec.integer(OUTPUT_DIMENSIONALITY, 1, 3072).foldsInto(OptionSpec.Fold.DIMENSIONS)
                    .sentAs("parameters.outputDimensionality").describe("Output size; the same as the request's dimensions."));

    /** embedding_options.input_type onto Vertex's task_type (the same table as the Gemini API's). */
    private static final Map<InputType, String> TASKS = Map.of(
            InputType.QUERY, "RETRIEVAL_QUERY",
            InputType.DOCUMENT, "RETRIEVAL_DOCUMENT",
            InputType.CLASSIFICATION, "CLASSIFICATION",
            InputType.CLUSTERING, "CLUSTERING",
            InputType.SIMILARITY, "SEMANTIC_SIMILARITY",
            InputType.CODE_QUERY, "CODE_RETRIEVAL_QUERY",
            InputType.CODE_DOCUMENT, "RETRIEVAL_DOCUMENT");

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
        return "Google Vertex AI, POST {base}/v1/projects/{project}/locations/{location}/publishers/google/models/{model}:predict";
    }

    @Override
    public List<OptionSpec> options() {
        return OPTIONS;
    }

    @Override
    public Optional<String> inputTypeValue(InputType type, String upstreamModel) {
        return Optional.ofNullable(TASKS.get(type));
    }

    @Override
    public List<OptionProblem> validateOptions(Map<String, Object> options) {
        List<OptionProblem> problems = new ArrayList<>(OptionSpec.validate(OPTIONS, options));
        Object task = options.get(TASK_TYPE);
        if (options.get(TITLE) != null && task != null && !VertexWire.RETRIEVAL_DOCUMENT.equals(task)) {
            problems.add(new OptionProblem(TITLE, "title is only valid with task_type RETRIEVAL_DOCUMENT."));
        }
        return problems;
    }

    @Override
    public List<String> validate(InstanceSettings settings) {
        return VertexSettings.resolve(settings).problems();
    }

    @Override
    public ProviderClient connect(InstanceSettings settings) {
        VertexSettings s = VertexSettings.resolve(settings).settings()
                .orElseThrow(() -> new IllegalStateException(settings.name() + ": invalid Vertex settings"));
        HttpProviderClient.Wire wire = VertexWire.wire(s.project(), s.location());
        if (s.credentials() instanceof VertexSettings.AccessToken token) {
            // A token obtained elsewhere: one static header, redacted like a key.
            UpstreamEndpoint endpoint = UpstreamEndpoint.of(s.instance(), Map.of("Authorization", "Bearer " + token.value()));
            return new VertexClient(new HttpProviderClient(UpstreamHttp.connect(vertx, s.instance(), endpoint), token.value(), wire),
                    settings.name());
        }
        VertexSettings.ServiceAccount sa = (VertexSettings.ServiceAccount) s.credentials();
        Clock clock = Clock.systemUTC();
        BearerTokenAuth auth = ServiceAccountAuth.auth(sa.key(),
                OAuthTokenEndpoint.connect(vertx, s.instance(), sa.key().tokenUri(), clock),
                clock);
        UpstreamEndpoint endpoint = UpstreamEndpoint.of(s.instance(), Map.of());
        return new VertexClient(new HttpProviderClient(UpstreamHttp.connect(vertx, s.instance(), endpoint), "", wire, auth),
                settings.name());
    }
}
