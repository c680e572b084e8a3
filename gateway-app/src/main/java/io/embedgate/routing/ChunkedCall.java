package io.embedgate.routing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

import io.embedgate.catalog.Candidate;
import io.embedgate.spi.Embedding;
import io.embedgate.spi.EmbeddingCall;
import io.embedgate.spi.EmbeddingInputs;
import io.embedgate.spi.EmbeddingResult;
import io.embedgate.spi.ModelCapabilities;
import io.embedgate.spi.ReplySize;
import io.embedgate.spi.UpstreamException;
import io.embedgate.spi.Usage;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * One candidate's whole answer: the request split into the chunks the model's limits allow
 * ({@link RouterChunks}), sent concurrently, at most the instance's {@code max-concurrent-calls} at
 * once (each with its own retries), and merged in input order.
 * The first failed chunk fails the candidate: a request moves whole. An instance without the
 * {@link Headroom} for the chunks is not called at all.
 */
final class ChunkedCall {

    private final UpstreamAttempts attempts;
    private final Headroom headroom;

    ChunkedCall(UpstreamAttempts attempts, Headroom headroom) {
        this.attempts = attempts;
        this.headroom = headroom;
    }

    /** All chunks of the job at this candidate, bounded by the request's deadline. */
    Uni<EmbeddingResult> call(Candidate c, EmbeddingJob job, CallShape shape) {
        ModelCapabilities caps = c.capabilities();
        Map<String, Object> options = CallShape.options(c, job);
        if (job.trace().active()) {
            shape.explain(c, job).forEach(job.trace()::note);
        }
        EmbeddingInputs inputs = shape.inputs(job.inputs());
        EmbeddingCall base = new EmbeddingCall(c.upstreamModel(), inputs, shape.dimensions(), shape.dtype(), options,
                job.user(), job.deadline()).sized(shape.size());
        ReplySize replies = c.instance().client().replySize(shape.dtype());
        int values = ModelCapabilities.vectorLength(shape.size(), shape.dtype());
        List<int[]> ranges = RouterChunks.of(inputs, caps.maxInputsPerCall(), caps.maxTokensPerCall());
        // Each chunk is a request at the provider; the tokens are charged as estimated (its next reply corrects them).
        Duration wait = headroom.admit(c.instance().name(), ranges.size(), EstimatedTokens.of(job.inputs()));
        if (wait != null) {
            return Uni.createFrom().failure(ProviderRateLimited.skipped(c.instance().name(), wait));
        }
        if (ranges.size() == 1) {
            EmbeddingCall one = base.withAllowance(job.memory().forReply(replies.typical(job.inputs().size(), values)));
            return attempts.call(c, one, job.policy().retry(), job.trace(), 0, 0);
        }
        IntFunction<Uni<EmbeddingResult>> chunk = i -> {
            int[] r = ranges.get(i);
            EmbeddingCall part = base.withInputs(inputs.slice(r[0], r[1]))
                    .withAllowance(job.memory().forReply(replies.typical(r[1] - r[0], values)));
            // An error about one input names it by its place in the chunk: shift it to its place in the job.
            return attempts.call(c, part, job.policy().retry(), job.trace(), i, r[0]).onFailure(UpstreamException.class)
                    .transform(t -> shifted((UpstreamException) t, r[0]));
        };
        int inFlight = c.instance().maxConcurrentCalls();
        if (ranges.size() <= inFlight) {
            List<Uni<EmbeddingResult>> calls = new ArrayList<>(ranges.size());
            for (int i = 0; i < ranges.size(); i++) {
                calls.add(chunk.apply(i));
            }
            return Uni.join().all(calls).andFailFast().map(ChunkedCall::merge);
        }
        // More chunks than the instance takes at once (one text per call at Bedrock's Titan): a
        // window of calls, each started when one ends; the first failure cancels the rest.
        EmbeddingResult[] parts = new EmbeddingResult[ranges.size()];
        return Multi.createFrom().range(0, ranges.size())
                .onItem().transformToUni(i -> chunk.apply(i).map(result -> parts[i] = result))
                .merge(inFlight)
                .collect().last()
                .map(last -> merge(Arrays.asList(parts)));
    }

    /** The chunks' vectors in order, their usage summed. */
    static EmbeddingResult merge(List<EmbeddingResult> parts) {
        List<Embedding> all = new ArrayList<>();
        Usage usage = Usage.NONE;
        for (EmbeddingResult p : parts) {
            all.addAll(p.embeddings());
            usage = usage.plus(p.usage());
        }
        return new EmbeddingResult(all, usage, parts.get(0).upstreamModel());
    }

    private static UpstreamException shifted(UpstreamException e, int offset) {
        return e.input().isPresent() && offset > 0 ? e.aboutInput(e.input().getAsInt() + offset) : e;
    }
}
