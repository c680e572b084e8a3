package io.embedgate.routing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.embedgate.catalog.Candidate;
import io.embedgate.spi.Embedding;
import io.embedgate.spi.EmbeddingCall;
import io.embedgate.spi.EmbeddingInputs;
import io.embedgate.spi.EmbeddingResult;
import io.embedgate.spi.ModelCapabilities;
import io.embedgate.spi.OutputDtype;
import io.embedgate.spi.UpstreamException;
import io.embedgate.spi.Usage;
import io.smallrye.mutiny.Uni;

/**
 * The one place that decides which provider is tried next. Candidates are tried in catalogue
 * order; a batch larger than a model's per-call limits (inputs, tokens) is split into chunks sent
 * concurrently and reassembled in input order; the whole request shares one deadline. Every
 * answer is checked (one vector per input, the promised size and type) and, where the provider
 * does not, normalised to unit length.
 */
@ApplicationScoped
public class EmbeddingRouter {

    private static final Logger LOG = Logger.getLogger(EmbeddingRouter.class);

    public Uni<Routed> embed(EmbeddingJob job) {
        return attempt(job, job.model().candidates(), 0, null);
    }

    private Uni<Routed> attempt(EmbeddingJob job, List<Candidate> candidates, int i, UpstreamException last) {
        if (i >= candidates.size()) {
            return Uni.createFrom().failure(last);
        }
        Candidate c = candidates.get(i);
        return call(c, job)
                .map(r -> new Routed(r.embeddings(), r.usage(), job.model().model().id(), c.instance().name(), r.upstreamModel()))
                .onFailure(UpstreamException.class).recoverWithUni(t -> {
                    UpstreamException e = (UpstreamException) t;
                    if (!movesOn(e) || job.deadline().expired()) {
                        return Uni.createFrom().failure(e);
                    }
                    if (i + 1 < candidates.size()) {
                        LOG.debugf("provider %s failed (%s: %s); trying %s", e.provider(), e.kind(), e.getMessage(),
                                candidates.get(i + 1).instance().name());
                    }
                    return attempt(job, candidates, i + 1, e);
                });
    }

    /** A rejected input fails at once; any provider-side problem lets the next instance try. */
    private static boolean movesOn(UpstreamException e) {
        return e.kind() != UpstreamException.Kind.BAD_REQUEST && e.kind() != UpstreamException.Kind.TIMEOUT;
    }

    /** One candidate, all chunks, bounded by the request's deadline. */
    Uni<EmbeddingResult> call(Candidate c, EmbeddingJob job) {
        String provider = c.instance().name();
        ModelCapabilities caps = c.capabilities();
        Map<String, Object> options = job.providerOptions().getOrDefault(c.instance().type(), Map.of());
        EmbeddingCall base = new EmbeddingCall(c.upstreamModel(), job.inputs(), job.dimensions(), job.dtype(), options,
                job.user(), job.deadline());
        int n = job.inputs().size();
        List<int[]> ranges = RouterChunks.of(job.inputs(), caps.maxInputsPerCall(), caps.maxTokensPerCall());
        Uni<EmbeddingResult> uni;
        if (ranges.size() == 1) {
            uni = c.instance().client().embed(base);
        } else {
            List<Uni<EmbeddingResult>> calls = new ArrayList<>(ranges.size());
            for (int[] r : ranges) {
                calls.add(c.instance().client().embed(base.withInputs(job.inputs().slice(r[0], r[1]))));
            }
            uni = Uni.join().all(calls).andFailFast().map(EmbeddingRouter::merge);
        }
        var remaining = job.deadline().remaining();
        if (remaining.isZero()) {
            return Uni.createFrom().failure(UpstreamException.timeout(provider, remaining));
        }
        int dims = job.outputDimensions(caps);
        boolean normalize = job.normalize() && job.dtype() == OutputDtype.FLOAT && !caps.normalized();
        return uni.ifNoItem().after(remaining).failWith(() -> UpstreamException.timeout(provider, remaining))
                .onFailure(t -> !(t instanceof UpstreamException)).transform(t -> UpstreamException.connection(provider, t))
                .invoke(r -> check(r, n, dims, job.dtype(), provider))
                .map(r -> normalize ? normalized(r) : r);
    }

    /** Exactly one vector per input, each of the type and size the client will be told it gets. */
    private static void check(EmbeddingResult r, int inputs, int dimensions, OutputDtype dtype, String provider) {
        if (r.embeddings().size() != inputs) {
            throw UpstreamException.invalidResponse(provider, "returned " + r.embeddings().size() + " vectors for " + inputs + " inputs");
        }
        int length = ModelCapabilities.vectorLength(dimensions, dtype);
        for (Embedding e : r.embeddings()) {
            boolean rightType = dtype == OutputDtype.FLOAT ? e instanceof Embedding.Floats
                    : e instanceof Embedding.Bytes b && b.dtype() == dtype;
            if (!rightType) {
                throw UpstreamException.invalidResponse(provider, "returned vectors of another type than " + dtype.wireName());
            }
            if (e.length() != length) {
                throw UpstreamException.invalidResponse(provider, "returned " + e.length() + "-element vectors, expected " + length
                        + (length == dimensions ? "" : " (" + dimensions + " dimensions as " + dtype.wireName() + ")"));
            }
        }
    }

    /** Unit-length copies, for providers whose vectors are not (e.g. Gemini below 3072 dimensions). */
    private static EmbeddingResult normalized(EmbeddingResult r) {
        List<Embedding> out = new ArrayList<>(r.embeddings().size());
        for (Embedding e : r.embeddings()) {
            float[] v = ((Embedding.Floats) e).values();
            double sum = 0;
            for (float f : v) {
                sum += (double) f * f;
            }
            float[] unit = new float[v.length];
            double norm = Math.sqrt(sum);
            for (int i = 0; i < v.length; i++) {
                unit[i] = norm == 0 ? 0f : (float) (v[i] / norm);
            }
            out.add(Embedding.Floats.of(unit));
        }
        return new EmbeddingResult(out, r.usage(), r.upstreamModel());
    }

    private static EmbeddingResult merge(List<EmbeddingResult> parts) {
        List<Embedding> all = new ArrayList<>();
        Usage usage = Usage.NONE;
        for (EmbeddingResult p : parts) {
            all.addAll(p.embeddings());
            usage = usage.plus(p.usage());
        }
        return new EmbeddingResult(all, usage, parts.get(0).upstreamModel());
    }
}
