package io.embedgate.provider.local;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;

import io.embedgate.spi.EmbeddingCall;
import io.embedgate.spi.EmbeddingInputs;
import io.embedgate.spi.EmbeddingResult;
import io.embedgate.spi.OutputDtype;
import io.embedgate.spi.ProviderClient;
import io.embedgate.spi.UpstreamException;
import io.smallrye.mutiny.Uni;

/**
 * A local provider instance: the shared models (each loading or loaded) and the pool that runs them.
 * The event loop only admits the call and subscribes; tokenising, inference and pooling run on the
 * pool. A call for a model still loading waits for the load without holding a thread, as long as its
 * deadline allows.
 */
final class LocalClient implements ProviderClient {

    private final String provider;
    private final ModelRegistry models;
    private final InferencePool pool;
    private final boolean truncateByDefault;

    /** @param truncateByDefault cut over-long inputs (true) or reject them, unless a call says otherwise */
    LocalClient(String provider, ModelRegistry models, InferencePool pool, boolean truncateByDefault) {
        this.provider = provider;
        this.models = models;
        this.pool = pool;
        this.truncateByDefault = truncateByDefault;
        models.attach();
    }

    @Override
    public Uni<EmbeddingResult> embed(EmbeddingCall call) {
        Optional<LocalModel> model = LocalModels.find(call.upstreamModel());
        UpstreamException invalid = model.isEmpty() ? BatchedCall.failure(provider, UpstreamException.Kind.NOT_FOUND,
                "the local provider serves " + LocalModels.ids() + ", not '" + call.upstreamModel() + "'", false, null)
                : reject(model.get(), call);
        if (invalid != null) {
            return Uni.createFrom().failure(invalid);
        }
        List<String> texts = ((EmbeddingInputs.Texts) call.inputs()).values();
        boolean truncate = truncate(call.options());
        return Uni.createFrom().emitter(emitter -> {
            if (!pool.tryAdmit(texts.size())) {
                emitter.fail(busy());
                return;
            }
            BatchedCall batched = new BatchedCall(provider, call.upstreamModel(), texts, truncate, call.deadline(), pool, emitter);
            emitter.onTermination(batched::cancel);
            // Before the model's load is done, this waits for it without holding any thread.
            models.get(model.get()).whenComplete((encoder, failure) -> {
                if (failure != null) {
                    batched.abandon(loadFailed(failure));
                } else {
                    batched.start(encoder);
                }
            });
        });
    }

    private boolean truncate(Map<String, Object> options) {
        return options.get(LocalAdapter.TRUNCATE) instanceof Boolean b ? b : truncateByDefault;
    }

    /** The gateway validates all of this before routing; checked again so the client stands on its own. */
    private UpstreamException reject(LocalModel model, EmbeddingCall call) {
        String problem = null;
        if (!(call.inputs() instanceof EmbeddingInputs.Texts)) {
            problem = model.id() + " takes text only, not token ids (it has its own WordPiece vocabulary)";
        } else if (call.dimensions().isPresent() && call.dimensions().getAsInt() != model.dimensions()) {
            problem = model.id() + " returns " + model.dimensions() + " dimensions only";
        } else if (call.dtype() != OutputDtype.FLOAT) {
            problem = model.id() + " returns float vectors only";
        }
        return problem == null ? null : BatchedCall.failure(provider, UpstreamException.Kind.BAD_REQUEST, problem, false, null);
    }

    /** 429 with retry-after: the gateway's retry policy and the client both know what to do with it. */
    private UpstreamException busy() {
        return new UpstreamException(provider, UpstreamException.Kind.RATE_LIMITED, 429, null, "local_model_busy",
                "the local model is busy: " + pool.queuedInputs() + " inputs are waiting or running (at most "
                        + pool.maxQueuedInputs() + "); retry later",
                true, Duration.ofSeconds(1), null);
    }

    private UpstreamException loadFailed(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        return BatchedCall.failure(provider, UpstreamException.Kind.SERVER_ERROR,
                "the local model could not be loaded: " + cause.getMessage(),
                false, cause);
    }

    /** Each model this instance's process has loaded or is loading, for readiness. */
    @Override
    public Map<String, String> status() {
        return models.states();
    }

    InferencePool pool() {
        return pool;
    }

    /** Stops the pool; the models close with the last instance that uses them (see {@link ModelRegistry#close}). */
    @Override
    public void close() {
        pool.close();
        models.release();
    }
}
