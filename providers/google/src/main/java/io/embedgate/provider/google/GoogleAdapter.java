package io.embedgate.provider.google;

import java.util.ArrayList;
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
import io.embedgate.spi.OptionProblem;
import io.embedgate.spi.OptionSpec;
import io.embedgate.spi.ProviderAdapter;
import io.embedgate.spi.ProviderClient;
import io.vertx.core.Vertx;

/**
 * The Google Gemini API ({@code generativelanguage.googleapis.com}). Options, from
 * {@code embedding_options.google}: {@code task_type} (the full TaskType enum), {@code title} (only
 * with RETRIEVAL_DOCUMENT) and {@code output_dimensionality} (folded into the request's dimensions).
 */
@ApplicationScoped
public class GoogleAdapter implements ProviderAdapter {

    /** Quarkus' Vert.x instance: the HTTP client of every instance runs on its event loops. */
    @Inject
    Vertx vertx;

    public static final String TYPE = "google";
    static final String TASK_TYPE = "task_type";
    static final String TITLE = "title";
    static final String OUTPUT_DIMENSIONALITY = "output_dimensionality";

    /** google.ai.generativelanguage TaskType, in proto order. */
    public static final List<String> TASK_TYPES = List.of("TASK_TYPE_UNSPECIFIED", "RETRIEVAL_QUERY", "RETRIEVAL_DOCUMENT",
            "SEMANTIC_SIMILARITY", "CLASSIFICATION", "CLUSTERING", "QUESTION_ANSWERING", "FACT_VERIFICATION", "CODE_RETRIEVAL_QUERY");

    /**
     * At most 100 requests per batch, 2048 tokens per input, no token-id input
     * (https://ai.google.dev/api/embeddings). gemini-embedding-001 returns unit vectors only at 3072
     * dimensions, hence normalized=false.
     */
    private static final Map<String, ModelCapabilities> KNOWN = Map.of(
            "gemini-embedding-001", geminiModel(3072).reducibleFrom(128).notAlwaysNormalized().build(),
            "text-embedding-004", geminiModel(768).reducibleFrom(1).notAlwaysNormalized().build(),
            "embedding-001", geminiModel(768).build());

    private static ModelCapabilities.Builder geminiModel(int dimensions) {
        return ModelCapabilities.builder(dimensions).maxInputsPerCall(100).maxTokensPerInput(2048);
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
        return "Google Gemini API, POST {base}/v1beta/models/{model}:batchEmbedContents";
    }

    /** The Gemini API's own options, declared once: validation, the OpenAPI schema and the docs come from here. */
    static final List<OptionSpec> OPTIONS = List.of(
            OptionSpec.oneOf(TASK_TYPE, TASK_TYPES.toArray(String[]::new)).foldsInto(OptionSpec.Fold.INPUT_TYPE).sentAs("taskType")
                    .describe("What the text is for; set by embedding_options.input_type when not given."),
            OptionSpec.text(TITLE).sentAs("title").describe("Document title; only with task_type RETRIEVAL_DOCUMENT."),
            OptionSpec.integer(OUTPUT_DIMENSIONALITY, 1, 3072).foldsInto(OptionSpec.Fold.DIMENSIONS).sentAs("outputDimensionality")
                    .describe("Output size; the same as the request's dimensions."));

    /** embedding_options.input_type onto Gemini's TaskType. */
    private static final Map<InputType, String> TASKS = Map.of(
            InputType.QUERY, "RETRIEVAL_QUERY",
            InputType.DOCUMENT, "RETRIEVAL_DOCUMENT",
            InputType.CLASSIFICATION, "CLASSIFICATION",
            InputType.CLUSTERING, "CLUSTERING",
            InputType.SIMILARITY, "SEMANTIC_SIMILARITY",
            InputType.CODE_QUERY, "CODE_RETRIEVAL_QUERY",
            InputType.CODE_DOCUMENT, "RETRIEVAL_DOCUMENT");

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
        // Without a task_type, a title makes the text a retrieval document (embedding_options.input_type
        // "document" says the same); with another task_type it is an error at Google, so here too.
        Object task = options.get(TASK_TYPE);
        if (options.get(TITLE) != null && task != null && !"RETRIEVAL_DOCUMENT".equals(task)) {
            problems.add(new OptionProblem(TITLE, "title is only valid with task_type RETRIEVAL_DOCUMENT."));
        }
        return problems;
    }

    @Override
    public List<String> validate(InstanceSettings settings) {
        return UpstreamHttp.problems(settings);
    }

    @Override
    public ProviderClient connect(InstanceSettings settings) {
        String key = settings.apiKey().orElse("");
        // The key travels in a header, never in the URL (where it would end up in access logs).
        UpstreamEndpoint endpoint = UpstreamEndpoint.of(settings, Map.of("x-goog-api-key", key));
        return new HttpProviderClient(UpstreamHttp.connect(vertx, settings, endpoint), key, GeminiWire.WIRE);
    }
}
