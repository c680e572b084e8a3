package io.embedgate.provider.local;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads that run the model: a fixed number (one per core by default, each running one batch
 * on one core), never the event loop. Work is admitted per call, counted in inputs: a call that
 * would take the backlog over {@code maxQueuedInputs} is refused at once, so an overloaded gateway
 * answers "busy" instead of queueing without limit. A call is always admitted into an empty pool,
 * whatever its size, so no request is refused for being large alone.
 */
final class InferencePool implements AutoCloseable {

    private final ThreadPoolExecutor executor;
    private final int threads;
    private final int maxQueuedInputs;
    private final AtomicInteger queuedInputs = new AtomicInteger();

    InferencePool(String name, int threads, int maxQueuedInputs) {
        if (threads < 1 || maxQueuedInputs < 1) {
            throw new IllegalArgumentException("threads and maxQueuedInputs must be >= 1");
        }
        this.threads = threads;
        this.maxQueuedInputs = maxQueuedInputs;
        AtomicInteger n = new AtomicInteger();
        // Unbounded queue object, bounded by admission: at most maxQueuedInputs tasks can be waiting.
        this.executor = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "embedgate-" + name + "-inference-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Reserves room for {@code inputs}; false when the backlog is full. Pair with {@link #release}. */
    boolean tryAdmit(int inputs) {
        while (true) {
            int queued = queuedInputs.get();
            if (queued > 0 && queued + inputs > maxQueuedInputs) {
                return false;
            }
            if (queuedInputs.compareAndSet(queued, queued + inputs)) {
                return true;
            }
        }
    }

    void release(int inputs) {
        queuedInputs.addAndGet(-inputs);
    }

    /** @throws java.util.concurrent.RejectedExecutionException after {@link #close()} */
    void execute(Runnable task) {
        executor.execute(task);
    }

    int threads() {
        return threads;
    }

    int maxQueuedInputs() {
        return maxQueuedInputs;
    }

    /** Inputs admitted and not finished yet. */
    int queuedInputs() {
        return queuedInputs.get();
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
