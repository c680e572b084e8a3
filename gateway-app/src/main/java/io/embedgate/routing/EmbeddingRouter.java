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
import io.embedgate.spi.OutputDtype;
import io.embedgate.spi.UpstreamException;
import io.embedgate.spi.Usage;
import io.smallrye.mutiny.Uni;

/**
 * The one place that decides which provider is tried next. Candidates are tried in catalogue
 * order; a batch larger than a model's per-call limit is split into chunks sent concurrently and
 * reassembled in input order; the whole request shares one deadline.
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
        EmbeddingCall base = new EmbeddingCall(c.upstreamModel(), job.inputs(), job.dimensions(), OutputDtype.FLOAT, Map.of(),
                job.user(), job.deadline());
        int n = job.inputs().size();
        int max = c.capabilities().maxInputsPerCall();
        Uni<EmbeddingResult> uni;
        if (n <= max) {
            uni = c.instance().client().embed(base);
        } else {
            List<Uni<EmbeddingResult>> chunks = new ArrayList<>((n + max - 1) / max);
            for (int from = 0; from < n; from += max) {
                EmbeddingInputs slice = job.inputs().slice(from, Math.min(n, from + max));
                chunks.add(c.instance().client().embed(base.withInputs(slice)));
            }
            uni = Uni.join().all(chunks).andFailFast().map(EmbeddingRouter::merge);
        }
        var remaining = job.deadline().remaining();
        if (remaining.isZero()) {
            return Uni.createFrom().failure(UpstreamException.timeout(provider, remaining));
        }
        return uni.ifNoItem().after(remaining).failWith(() -> UpstreamException.timeout(provider, remaining))
                .onFailure(t -> !(t instanceof UpstreamException)).transform(t -> UpstreamException.connection(provider, t))
                .invoke(r -> check(r, n, job.dimensions().orElse(c.capabilities().nativeDimensions()), provider));
    }

    /** Exactly one vector per input, each of the size the client will be told it gets. */
    private static void check(EmbeddingResult r, int inputs, int dimensions, String provider) {
        if (r.embeddings().size() != inputs) {
            throw UpstreamException.invalidResponse(provider, "returned " + r.embeddings().size() + " vectors for " + inputs + " inputs");
        }
        for (Embedding e : r.embeddings()) {
            if (e instanceof Embedding.Floats && e.length() != dimensions) {
                throw UpstreamException.invalidResponse(provider, "returned " + e.length() + "-dimension vectors, expected " + dimensions);
            }
        }
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
