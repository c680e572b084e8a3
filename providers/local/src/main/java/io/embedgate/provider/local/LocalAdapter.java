package io.embedgate.provider.local;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.embedgate.spi.InstanceSettings;
import io.embedgate.spi.ModelCapabilities;
import io.embedgate.spi.OptionSpec;
import io.embedgate.spi.ProviderAdapter;
import io.embedgate.spi.ProviderClient;

/**
 * Embedding models inside the gateway's JVM (the {@link LocalModels} catalogue) on ONNX Runtime,
 * shipped in Maven artifacts, so the gateway serves real embeddings with no network and no key. An
 * instance needs no base URL and no key. Every instance shares one {@link ModelRegistry}: a model is
 * loaded once however many instances name it, at start-up for the instance's {@value #EAGER} models,
 * else on its first request.
 */
@ApplicationScoped
public class LocalAdapter implements ProviderAdapter {

    public static final String TYPE = "local";
    /** The default model (see {@link LocalModels#DEFAULT}). */
    public static final String MODEL = LocalModels.DEFAULT.id();

    /** Instance setting: the models loaded at start-up, comma-separated ({@code none} for none). */
    static final String EAGER = "eager-models";
    /** Instance setting and per-request option: cut over-long inputs (true, the default) or reject them. */
    static final String TRUNCATE = "truncate";

    /** Queued inputs allowed per inference thread: about twelve seconds of work on one core (~175 inputs/s). */
    static final int QUEUED_INPUTS_PER_THREAD = 2048;

    private final ModelRegistry models;

    public LocalAdapter() {
        this(ModelRegistry.fromClassPath());
    }

    LocalAdapter(ModelRegistry models) {
        this.models = models;
    }

    /**
     * Fixed dimensions, unit-length vectors, the model's sequence length per input (longer inputs are
     * truncated, as sentence-transformers does, unless rejected), no token ids (their own vocabulary,
     * not cl100k). One call may carry a whole request: the client batches it itself.
     */
    static ModelCapabilities capabilities(LocalModel m) {
        return ModelCapabilities.builder(m.dimensions()).maxInputsPerCall(2048).maxTokensPerInput(m.maxTokens()).build();
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Map<String, ModelCapabilities> knownModels() {
        Map<String, ModelCapabilities> known = new LinkedHashMap<>();
        LocalModels.ALL.forEach(m -> known.put(m.id(), capabilities(m)));
        return known;
    }

    @Override
    public String describe() {
        return "sentence-embedding models (all-MiniLM-L6-v2, BGE small en v1.5, E5 small v2) run in-process on ONNX Runtime "
                + "(JVM builds only; no upstream, no key)";
    }

    @Override
    public Optional<ModelCapabilities> knownModel(String upstreamModel) {
        return LocalModels.find(upstreamModel).map(LocalAdapter::capabilities);
    }

    @Override
    public List<OptionSpec> options() {
        return List.of(OptionSpec.bool(TRUNCATE).describe("false rejects an input longer than the model's sequence length "
                + "(400 naming the input and its token count) instead of embedding its beginning; default: the instance's "
                + "settings.truncate, else true"));
    }

    @Override
    public List<String> validate(InstanceSettings settings) {
        List<String> problems = new ArrayList<>();
        try {
            eagerModels(settings);
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        settings.setting(TRUNCATE).filter(v -> !v.equals("true") && !v.equals("false"))
                .ifPresent(v -> problems.add("settings." + TRUNCATE + " must be true or false; got '" + v + "'"));
        return problems;
    }

    /** The instance's models to load at start-up; the default model unless configured otherwise. */
    static List<LocalModel> eagerModels(InstanceSettings settings) {
        String value = settings.setting(EAGER).orElse(MODEL).trim();
        List<LocalModel> eager = new ArrayList<>();
        if (value.equals("none")) {
            return eager;
        }
        for (String id : value.split(",")) {
            eager.add(LocalModels.find(id.trim()).orElseThrow(() -> new IllegalArgumentException(
                    "settings." + EAGER + " names '" + id.trim() + "', not a local model; known: " + LocalModels.ids() + ", or none")));
        }
        return eager;
    }

    @Override
    public ProviderClient connect(InstanceSettings settings) {
        int threads = Runtime.getRuntime().availableProcessors();
        InferencePool pool = new InferencePool(settings.name(), threads, threads * QUEUED_INPUTS_PER_THREAD);
        LocalClient client = new LocalClient(settings.name(), models, pool, !settings.setting(TRUNCATE).orElse("true").equals("false"));
        // Start-up does not wait: loads run on their own threads, and a request waits only for what is left.
        eagerModels(settings).forEach(models::get);
        return client;
    }

    ModelRegistry models() {
        return models;
    }
}
