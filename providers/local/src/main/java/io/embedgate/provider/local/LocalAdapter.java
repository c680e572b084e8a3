package io.embedgate.provider.local;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.embedgate.spi.InstanceSettings;
import io.embedgate.spi.ModelCapabilities;
import io.embedgate.spi.ProviderAdapter;
import io.embedgate.spi.ProviderClient;

/**
 * An embedding model inside the gateway's JVM: all-MiniLM-L6-v2 on ONNX Runtime, shipped in a Maven
 * artifact, so the gateway serves real embeddings with no network and no key. An instance needs no
 * base URL and no key. Its model loads on a background thread from the moment the instance is
 * connected at start-up; requests that arrive earlier wait for the load to finish.
 */
@ApplicationScoped
public class LocalAdapter implements ProviderAdapter {

    public static final String TYPE = "local";
    public static final String MODEL = "all-minilm-l6-v2";

    private static final Logger LOG = Logger.getLogger(LocalAdapter.class);

    /**
     * 384 fixed dimensions, unit-length vectors, 256 word pieces per input (longer inputs are
     * truncated, as sentence-transformers does), no token ids (its own vocabulary, not cl100k).
     * One call may carry a whole request: the client batches it itself.
     */
    static final ModelCapabilities CAPABILITIES = ModelCapabilities.builder(SentenceEncoder.DIMENSIONS).maxInputsPerCall(2048)
            .maxTokensPerInput(SentenceEncoder.MAX_TOKENS).build();

    /** Queued inputs allowed per inference thread: about twelve seconds of work on one core (~175 inputs/s). */
    static final int QUEUED_INPUTS_PER_THREAD = 2048;

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Map<String, ModelCapabilities> knownModels() {
        return Map.of(MODEL, CAPABILITIES);
    }

    @Override
    public String describe() {
        return "sentence-transformers all-MiniLM-L6-v2 run in-process on ONNX Runtime (JVM builds only; no upstream, no key)";
    }

    @Override
    public Optional<ModelCapabilities> knownModel(String upstreamModel) {
        return MODEL.equals(upstreamModel) ? Optional.of(CAPABILITIES) : Optional.empty();
    }

    @Override
    public ProviderClient connect(InstanceSettings settings) {
        int threads = Runtime.getRuntime().availableProcessors();
        InferencePool pool = new InferencePool(settings.name(), threads, threads * QUEUED_INPUTS_PER_THREAD);
        return new LocalClient(settings.name(), loadInBackground(settings.name(), threads), pool);
    }

    /** Start-up does not wait for the model; the first request waits only for what is left of the load. */
    static CompletableFuture<SentenceEncoder> loadInBackground(String name, int threads) {
        CompletableFuture<SentenceEncoder> model = new CompletableFuture<>();
        ClassLoader loader = LocalAdapter.class.getClassLoader();
        Thread t = new Thread(() -> {
            LOG.infof("Loading local model %s for provider '%s'", MODEL, name);
            long start = System.nanoTime();
            try {
                model.complete(SentenceEncoder.load(loader, 1));
                LOG.infof("Local model %s loaded for provider '%s' in %d ms; %d inference thread(s)", MODEL, name,
                        (System.nanoTime() - start) / 1_000_000, threads);
            } catch (Throwable e) {
                LOG.errorf(e, "Local model %s could not be loaded for provider '%s': its requests fail", MODEL, name);
                model.completeExceptionally(e);
            }
        }, "embedgate-" + name + "-model-load");
        t.setDaemon(true);
        t.start();
        return model;
    }
}
