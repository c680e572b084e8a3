package io.embedgate.routing;

import java.util.ArrayList;
import java.util.List;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.embedgate.catalog.Candidate;
import io.embedgate.debug.Trace;
import io.embedgate.spi.EmbeddingResult;
import io.embedgate.spi.UpstreamException;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;

/**
 * The one place that decides which provider is tried next. A candidate without rate-limit
 * {@link Headroom} is skipped without a call; when no provider was called at all for that reason,
 * the request fails with {@link ProviderRateLimited} (a 429 with the earliest refill).
 *
 * <ol>
 * <li>{@link Plans} lists what will be tried: the primary model is the request's, or a weighted
 * pick from {@code orq.load_balancer}.</li>
 * <li>Its candidates are ordered by {@link CandidateOrder} (preferences, health, priority, weight or
 * latency) and tried in turn. A candidate gets the request split per its limits
 * ({@link ChunkedCall}); each upstream call is retried per the request's retry policy, with
 * exponential backoff and jitter, honouring the provider's retry-after, inside one deadline
 * ({@link UpstreamAttempts}).</li>
 * <li>When every candidate failed, {@code orq.fallbacks} are tried in order, each only if it can
 * produce vectors of the same size: one index never receives vectors of two sizes. A request
 * always moves whole: a failed chunk of a split batch fails the candidate.</li>
 * </ol>
 * Every answer passes {@link ResultCheck} (one vector per input, the promised size and type) and,
 * where the provider does not, is normalised to unit length.
 */
@Singleton
public class EmbeddingRouter {

    private static final Logger LOG = Logger.getLogger(EmbeddingRouter.class);

    private final MeterRegistry registry;
    private final Plans plans;
    private final ChunkedCall chunkedCall;

    @Inject
    public EmbeddingRouter(ProviderHealth health, Headroom headroom, MeterRegistry registry) {
        this.registry = registry;
        this.plans = new Plans(health, headroom);
        this.chunkedCall = new ChunkedCall(new UpstreamAttempts(health, headroom, registry), headroom);
    }

    public Uni<Routed> embed(EmbeddingJob job) {
        List<String> notes = new ArrayList<>();
        List<Plan> planned = plans.of(job, notes);
        Trace trace = job.trace();
        if (trace.active()) {
            plans.explain(trace, planned, job.policy().preferences());
            notes.forEach(trace::note);
        }
        return tryPlans(planned, 0, null, notes, new ArrayList<>());
    }

    /**
     * @param last    the last failure of a called provider, null when none yet
     * @param skipped the candidates skipped so far for lack of rate-limit headroom: when no provider
     *                was called at all, the request fails naming them
     */
    private Uni<Routed> tryPlans(List<Plan> planned, int i, UpstreamException last, List<String> notes, List<UpstreamException> skipped) {
        if (i >= planned.size()) {
            return Uni.createFrom().failure(noneLeft(last, skipped));
        }
        Plan plan = planned.get(i);
        return tryCandidates(plan, 0, last, notes, skipped)
                .onFailure(UpstreamException.class).recoverWithUni(t -> {
                    UpstreamException e = (UpstreamException) t;
                    if (!movesOn(e) || plan.job().deadline().expired() || i + 1 >= planned.size()) {
                        return Uni.createFrom().failure(e);
                    }
                    notes.add("model " + plan.job().model().model().id() + " failed (" + e.provider() + ": " + e.kind()
                            + "); falling back to " + planned.get(i + 1).job().model().model().id());
                    plan.job().trace().note(notes.get(notes.size() - 1));
                    registry.counter("embedgate.fallbacks", "from", plan.job().model().model().id(), "to",
                            planned.get(i + 1).job().model().model().id()).increment();
                    return tryPlans(planned, i + 1, ProviderRateLimited.is(e) ? last : e, notes, skipped);
                });
    }

    private Uni<Routed> tryCandidates(Plan plan, int i, UpstreamException last, List<String> notes, List<UpstreamException> skipped) {
        EmbeddingJob job = plan.job();
        if (i >= plan.candidates().size()) {
            return Uni.createFrom().failure(noneLeft(last, skipped));
        }
        Candidate c = plan.candidates().get(i);
        CallShape shape = CallShape.of(c, job);
        return chunkedCall.call(c, job, shape)
                .map(r -> {
                    EmbeddingResult checked = ResultCheck.checked(r, c, job, shape);
                    if (job.trace().active()) {
                        job.trace().served(c.instance().name(), c.instance().type(), c.upstreamModel(), checked != r);
                    }
                    // The model the gateway asked for, not the name the provider reports: that is an
                    // upstream string, and it reaches a response header.
                    return new Routed(checked.embeddings(), checked.usage(), job.model().model().id(), c.instance().name(),
                            c.upstreamModel(), List.copyOf(notes));
                })
                .onFailure(UpstreamException.class).recoverWithUni(t -> {
                    UpstreamException e = (UpstreamException) t;
                    if (ProviderRateLimited.is(e)) {
                        // Not called: the instance has no headroom. A called provider's failure, if any, stays the answer.
                        skipped.add(e);
                        registry.counter("embedgate.provider.skipped", "provider", c.instance().name(), "reason", "rate_limit")
                                .increment();
                        job.trace().note(e.getMessage() + ": skipped");
                        return tryCandidates(plan, i + 1, last, notes, skipped);
                    }
                    if (!movesOn(e) || job.deadline().expired() || i + 1 >= plan.candidates().size()) {
                        return Uni.createFrom().failure(e);
                    }
                    LOG.debugf("provider %s failed (%s: %s); trying %s", e.provider(), e.kind(), e.getMessage(),
                            plan.candidates().get(i + 1).instance().name());
                    job.trace().note("provider " + e.provider() + " failed (" + e.kind() + "); trying "
                            + plan.candidates().get(i + 1).instance().name());
                    return tryCandidates(plan, i + 1, e, notes, skipped);
                });
    }

    /** The failure when no candidate is left: the last called provider's, else the skipped ones named. */
    private static UpstreamException noneLeft(UpstreamException last, List<UpstreamException> skipped) {
        if (last != null) {
            return last;
        }
        return skipped.isEmpty() ? UpstreamException.invalidResponse("gateway", "no provider could be tried")
                : ProviderRateLimited.all(skipped);
    }

    /** A rejected input fails at once; a spent deadline too; any provider-side problem lets the next one try. */
    private static boolean movesOn(UpstreamException e) {
        return e.kind() != UpstreamException.Kind.BAD_REQUEST && e.kind() != UpstreamException.Kind.TIMEOUT;
    }
}
