package io.embedgate.provider.local;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.jboss.logging.Logger;

import io.embedgate.spi.EmbeddingCall;
import io.embedgate.spi.EmbeddingInputs;
import io.embedgate.spi.EmbeddingResult;
import io.embedgate.spi.OutputDtype;
import io.embedgate.spi.ProviderClient;
import io.embedgate.spi.UpstreamException;
import io.smallrye.mutiny.Uni;

/**
 * A local model instance: the model (loading or loaded) and the pool that runs it. The event loop
 * only admits the call and subscribes; tokenising, inference and pooling run on the pool.
 */
final class LocalClient implements ProviderClient {

    private static final Logger LOG = Logger.getLogger(LocalClient.class);
    /** How long shutdown waits for a model that is still loading. */
    static final Duration LOAD_WAIT = Duration.ofSeconds(30);

    private final String provider;
    private final CompletableFuture<SentenceEncoder> model;
    private final InferencePool pool;

    LocalClient(String provider, CompletableFuture<SentenceEncoder> model, InferencePool pool) {
        this.provider = provider;
        this.model = model;
        this.pool = pool;
    }

    @Override
    public Uni<EmbeddingResult> embed(EmbeddingCall call) {
        UpstreamException invalid = reject(call);
        if (invalid != null) {
            return Uni.createFrom().failure(invalid);
        }
        List<String> texts = ((EmbeddingInputs.Texts) call.inputs()).values();
        return Uni.createFrom().emitter(emitter -> {
            if (!pool.tryAdmit(texts.size())) {
                emitter.fail(busy());
                return;
            }
            BatchedCall batched = new BatchedCall(provider, call.upstreamModel(), texts, call.deadline(), pool, emitter);
            emitter.onTermination(batched::cancel);
            // Before the background load is done, this waits for it without holding any thread.
            model.whenComplete((encoder, failure) -> {
                if (failure != null) {
                    batched.abandon(loadFailed(failure));
                } else {
                    batched.start(encoder);
                }
            });
        });
    }

    /** The gateway validates all of this before routing; checked again so the client stands on its own. */
    private UpstreamException reject(EmbeddingCall call) {
        String problem = null;
        UpstreamException.Kind kind = UpstreamException.Kind.BAD_REQUEST;
        if (!LocalAdapter.MODEL.equals(call.upstreamModel())) {
            kind = UpstreamException.Kind.NOT_FOUND;
            problem = "the local provider serves only " + LocalAdapter.MODEL + ", not '" + call.upstreamModel() + "'";
        } else if (!(call.inputs() instanceof EmbeddingInputs.Texts)) {
            problem = LocalAdapter.MODEL + " takes text only, not token ids (it has its own WordPiece vocabulary)";
        } else if (call.dimensions().isPresent() && call.dimensions().getAsInt() != SentenceEncoder.DIMENSIONS) {
            problem = LocalAdapter.MODEL + " returns " + SentenceEncoder.DIMENSIONS + " dimensions only";
        } else if (call.dtype() != OutputDtype.FLOAT) {
            problem = LocalAdapter.MODEL + " returns float vectors only";
        }
        return problem == null ? null : BatchedCall.failure(provider, kind, problem, false, null);
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

    InferencePool pool() {
        return pool;
    }

    /**
     * Stops the pool, then waits for a model that is still loading before closing it. The load runs
     * in ONNX Runtime's native code; were the JVM to exit under it (a SIGTERM seconds after start),
     * the runtime's own teardown would crash the process. A load takes a few seconds; past
     * {@link #LOAD_WAIT} the gateway stops waiting and says so.
     */
    @Override
    public void close() {
        pool.close();
        try {
            model.get(LOAD_WAIT.toMillis(), TimeUnit.MILLISECONDS).close();
        } catch (TimeoutException stillLoading) {
            LOG.warnf("Local model of provider '%s' still loading after %d s at shutdown; not waiting longer", provider,
                    LOAD_WAIT.toSeconds());
        } catch (ExecutionException failedToLoad) {
            // nothing was loaded, nothing to close
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
