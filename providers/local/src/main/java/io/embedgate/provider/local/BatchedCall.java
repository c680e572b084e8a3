package io.embedgate.provider.local;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.embedgate.spi.Deadline;
import io.embedgate.spi.Embedding;
import io.embedgate.spi.EmbeddingResult;
import io.embedgate.spi.UpstreamException;
import io.embedgate.spi.Usage;
import io.smallrye.mutiny.subscription.UniEmitter;

/**
 * One call's inputs on the pool: sorted by length (so a batch pads little), cut into batches that
 * run in parallel, each vector written back at its input's index. Emits once, when the last batch
 * is done, or fails at the first problem; batches not started by then are skipped.
 */
final class BatchedCall {

    /** Inputs per model run: past ~16 the per-input cost no longer falls on a CPU. */
    static final int MAX_BATCH = 32;

    private final String provider;
    private final String model;
    private final List<String> texts;
    private final boolean truncate;
    private final Deadline deadline;
    private final InferencePool pool;
    private final UniEmitter<? super EmbeddingResult> emitter;
    private final int[] order;
    private final int batchSize;
    private final float[][] vectors;
    private final AtomicLong tokens = new AtomicLong();
    private final AtomicInteger pending;
    private final AtomicBoolean over = new AtomicBoolean();

    /**
     * The caller has admitted {@code texts.size()} inputs into the pool; they are released here.
     *
     * @param truncate cut inputs longer than the model's sequence length, or fail the call naming one
     */
    BatchedCall(String provider, String model, List<String> texts, boolean truncate, Deadline deadline, InferencePool pool,
            UniEmitter<? super EmbeddingResult> emitter) {
        this.provider = provider;
        this.model = model;
        this.texts = texts;
        this.truncate = truncate;
        this.deadline = deadline;
        this.pool = pool;
        this.emitter = emitter;
        int n = texts.size();
        // Input indexes by text length: (length, index) packed in a long, so the sort is primitive.
        long[] byLength = new long[n];
        for (int i = 0; i < n; i++) {
            byLength[i] = ((long) texts.get(i).length() << 32) | i;
        }
        Arrays.sort(byLength);
        this.order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = (int) byLength[i];
        }
        // Spread a small call over every thread (latency), a large one in full batches (throughput).
        this.batchSize = Math.max(1, Math.min(MAX_BATCH, (n + pool.threads() - 1) / pool.threads()));
        this.vectors = new float[n][];
        this.pending = new AtomicInteger((n + batchSize - 1) / batchSize);
    }

    void start(SentenceEncoder encoder) {
        for (int from = 0; from < texts.size(); from += batchSize) {
            int start = from;
            int end = Math.min(texts.size(), from + batchSize);
            try {
                pool.execute(() -> run(encoder, start, end));
            } catch (RejectedExecutionException closed) {
                pool.release(end - start);
                fail(failure(provider, UpstreamException.Kind.SERVER_ERROR, "the local model is shutting down", true, null));
                batchDone();
            }
        }
    }

    /** Ends the call without running it (e.g. the model failed to load), releasing its admission. */
    void abandon(UpstreamException e) {
        pool.release(texts.size());
        fail(e);
    }

    /** The subscriber went away (deadline, client gone): skip what has not started. */
    void cancel() {
        over.set(true);
    }

    private void run(SentenceEncoder encoder, int from, int to) {
        UpstreamException failure = null;
        try {
            if (over.get()) {
                // skipped: the call already ended
            } else if (deadline.expired()) {
                failure = failure(provider, UpstreamException.Kind.TIMEOUT,
                        "the request's deadline passed while its inputs waited for the local model", true, null);
            } else {
                long[][] batch = new long[to - from][];
                for (int k = from; k < to && failure == null; k++) {
                    batch[k - from] = encoder.tokenize(texts.get(order[k]));
                    failure = truncate ? null : tooLong(encoder.model(), order[k], batch[k - from].length);
                }
                if (failure == null) {
                    SentenceEncoder.Output out = encoder.embedTokens(batch);
                    for (int k = from; k < to; k++) {
                        vectors[order[k]] = out.vectors()[k - from];
                    }
                    tokens.addAndGet(out.tokens());
                }
            }
        } catch (Throwable e) {
            // Deterministic for these inputs: retrying elsewhere in the same process would fail the same way.
            failure = failure(provider, UpstreamException.Kind.SERVER_ERROR, "the local model failed: " + e.getMessage(), false, e);
        }
        // Room is given back before anyone hears of the outcome, so a caller reacting to it sees the pool as it is.
        pool.release(to - from);
        if (failure != null) {
            fail(failure);
        }
        batchDone();
    }

    private void batchDone() {
        // The atomic countdown orders every batch's writes to `vectors` before the last one reads them.
        if (pending.decrementAndGet() == 0 && over.compareAndSet(false, true)) {
            List<Embedding> out = new ArrayList<>(vectors.length);
            for (float[] v : vectors) {
                out.add(Embedding.Floats.of(v));
            }
            long t = tokens.get();
            emitter.complete(new EmbeddingResult(out, new Usage(t, t, false), model));
        }
    }

    /** The input at {@code index} of this call, when it is over the model's sequence length and may not be cut. */
    private UpstreamException tooLong(LocalModel m, int index, int length) {
        if (length <= m.maxTokens()) {
            return null;
        }
        // The index is the call's: the gateway names the input by its place in the client's request.
        return new UpstreamException(provider, UpstreamException.Kind.BAD_REQUEST, 0, null, "input_too_long",
                "the input has " + length + " tokens ([CLS] and [SEP] included), more than the " + m.maxTokens() + " " + m.id()
                        + " takes; shorten it, or let the gateway truncate it (embedding_options.local.truncate=true)",
                false, null, null).aboutInput(index);
    }

    /** A failure of the local provider: no HTTP status, no provider error type or code, no retry hint. */
    static UpstreamException failure(String provider, UpstreamException.Kind kind, String message, boolean retryable, Throwable cause) {
        return new UpstreamException(provider, kind, 0, null, null, message, retryable, null, cause);
    }

    private void fail(UpstreamException e) {
        if (over.compareAndSet(false, true)) {
            emitter.fail(e);
        }
    }
}
