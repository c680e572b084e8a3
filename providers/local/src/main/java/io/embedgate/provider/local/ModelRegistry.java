package io.embedgate.provider.local;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.jboss.logging.Logger;

/**
 * The loaded local models, one per model id however many instances name it: each model is loaded at
 * most once, on a thread of its own (never an event loop), the first time anyone asks for it. Its
 * callers get the load as a future and wait for it without holding a thread.
 */
final class ModelRegistry implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ModelRegistry.class);
    /** How long shutdown waits for a model that is still loading. */
    static final Duration LOAD_WAIT = Duration.ofSeconds(30);

    private final Function<LocalModel, SentenceEncoder> loader;
    private final ConcurrentMap<String, CompletableFuture<SentenceEncoder>> models = new ConcurrentHashMap<>();
    private final AtomicInteger users = new AtomicInteger();

    /** @param loader loads one model, blocking (seconds); run on the model's own load thread */
    ModelRegistry(Function<LocalModel, SentenceEncoder> loader) {
        this.loader = loader;
    }

    /** Loads from the class path with one ONNX Runtime thread per run (the pool runs batches in parallel). */
    static ModelRegistry fromClassPath() {
        ClassLoader cl = ModelRegistry.class.getClassLoader();
        return new ModelRegistry(m -> SentenceEncoder.load(m, cl, 1));
    }

    /** The model, loaded or loading; starts the load the first time. */
    CompletableFuture<SentenceEncoder> get(LocalModel model) {
        return models.computeIfAbsent(model.id(), id -> startLoad(model));
    }

    private CompletableFuture<SentenceEncoder> startLoad(LocalModel model) {
        CompletableFuture<SentenceEncoder> loaded = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            LOG.infof("Loading local model %s (%d MB)", model.id(), model.bytes() / 1_000_000);
            long start = System.nanoTime();
            try {
                loaded.complete(loader.apply(model));
                LOG.infof("Local model %s loaded in %d ms", model.id(), (System.nanoTime() - start) / 1_000_000);
            } catch (Throwable e) {
                LOG.errorf(e, "Local model %s could not be loaded: its requests fail", model.id());
                loaded.completeExceptionally(e);
            }
        }, "embedgate-local-load-" + model.id());
        t.setDaemon(true);
        t.start();
        return loaded;
    }

    /** Models asked for so far and how they stand: {@code loading}, {@code loaded} or {@code failed: <why>}. */
    Map<String, String> states() {
        Map<String, String> states = new LinkedHashMap<>();
        for (LocalModel m : LocalModels.ALL) {
            CompletableFuture<SentenceEncoder> f = models.get(m.id());
            if (f != null) {
                states.put(m.id(), state(f));
            }
        }
        return states;
    }

    private static String state(CompletableFuture<SentenceEncoder> f) {
        if (!f.isDone()) {
            return "loading";
        }
        try {
            f.join();
            return "loaded";
        } catch (RuntimeException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            return "failed: " + cause.getMessage();
        }
    }

    /** How many loads were started: each model's at most once. */
    int loadsStarted() {
        return models.size();
    }

    /** An instance starts using the registry; pair with {@link #release}. */
    void attach() {
        users.incrementAndGet();
    }

    /** An instance is done with the registry; the last one out closes the models. */
    void release() {
        if (users.decrementAndGet() == 0) {
            close();
        }
    }

    /**
     * Closes every model, first waiting for those still loading: the load runs in ONNX Runtime's
     * native code, and were the JVM to exit under it (a SIGTERM seconds after start) the runtime's own
     * teardown would crash the process. Past {@link #LOAD_WAIT} it stops waiting and says so.
     */
    @Override
    public void close() {
        long until = System.nanoTime() + LOAD_WAIT.toNanos();
        models.forEach((id, f) -> {
            try {
                f.get(Math.max(0, until - System.nanoTime()), TimeUnit.NANOSECONDS).close();
            } catch (TimeoutException stillLoading) {
                LOG.warnf("Local model %s still loading after %d s at shutdown; not waiting longer", id, LOAD_WAIT.toSeconds());
            } catch (ExecutionException failedToLoad) {
                // nothing was loaded, nothing to close
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        models.clear();
    }
}
