package io.embedgate.routing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.embedgate.catalog.Candidate;
import io.embedgate.catalog.ResolvedModel;
import io.embedgate.debug.Trace;
import io.embedgate.spi.EmbeddingResult;
import io.embedgate.spi.ModelCapabilities;
import io.embedgate.spi.UpstreamException;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;

/**
 * The one place that decides which provider is tried next.
 *
 * <ol>
 * <li>The primary model is the request's, or a weighted pick from {@code orq.load_balancer}.</li>
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

    private final ProviderHealth health;
    private final MeterRegistry registry;
    private final ChunkedCall chunkedCall;

    @Inject
    public EmbeddingRouter(ProviderHealth health, MeterRegistry registry) {
        this.health = health;
        this.registry = registry;
        this.chunkedCall = new ChunkedCall(new UpstreamAttempts(health, registry));
    }

    /** One model to try, at one size, with its candidates in order. */
    record Plan(EmbeddingJob job, List<Candidate> candidates) {
    }

    public Uni<Routed> embed(EmbeddingJob job) {
        List<String> notes = new ArrayList<>();
        List<Plan> plans = plans(job, notes);
        Trace trace = job.trace();
        if (trace.active()) {
            for (int i = 0; i < plans.size(); i++) {
                explain(trace, i == 0 ? "primary" : "fallback", plans.get(i), job.policy().preferences());
            }
            notes.forEach(trace::note);
        }
        return tryPlans(plans, 0, null, notes);
    }

    /** For the debug trace: a plan's candidates in the order they will be tried, and the ones excluded with why. */
    private void explain(Trace trace, String role, Plan plan, RoutingPolicy.Preferences preferences) {
        List<Map<String, Object>> tried = new ArrayList<>();
        for (Candidate c : plan.candidates()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("provider", c.instance().name());
            m.put("type", c.instance().type());
            m.put("upstream_model", c.upstreamModel());
            m.put("circuit", health.state(c.instance().name()).name().toLowerCase(Locale.ROOT));
            if (health.unhealthy(c.instance().name())) {
                m.put("note", "circuit open: tried last");
            }
            m.put("priority", c.instance().priority());
            m.put("weight", c.instance().weight());
            m.put("recent_latency_ms", Math.round(health.latency(c.instance().name()) * 100) / 100.0);
            tried.add(m);
        }
        List<Map<String, Object>> excluded = new ArrayList<>();
        for (Candidate c : plan.job().model().candidates()) {
            preferences.excludes(c).ifPresent(why -> excluded.add(Map.of("provider", c.instance().name(), "reason", why)));
        }
        trace.plan(role, plan.job().model().model().id(), plan.job().outputDimensions(plan.job().model().model().capabilities()),
                tried, excluded);
    }

    List<Plan> plans(EmbeddingJob job, List<String> notes) {
        RoutingPolicy policy = job.policy();
        List<Plan> plans = new ArrayList<>();
        EmbeddingJob primary = job;
        List<Candidate> primaryCandidates = job.model().candidates();
        if (!policy.loadBalancer().isEmpty()) {
            RoutingPolicy.Weighted pick = pick(policy.loadBalancer());
            primary = sized(job, pick.model(), notes);
            // The pick's candidates first; the other entries' candidates of the same model follow.
            Set<Candidate> ordered = new LinkedHashSet<>(CandidateOrder.order(pick.model().candidates(), policy.preferences(), health));
            for (RoutingPolicy.Weighted w : policy.loadBalancer()) {
                if (w.model().model().id().equals(pick.model().model().id())) {
                    ordered.addAll(CandidateOrder.order(w.model().candidates(), policy.preferences(), health));
                }
            }
            plans.add(new Plan(primary, List.copyOf(ordered)));
            for (RoutingPolicy.Weighted w : policy.loadBalancer()) {
                if (!w.model().model().id().equals(pick.model().model().id())) {
                    addFallback(plans, job, primary, w.model(), notes);
                }
            }
        } else {
            plans.add(new Plan(primary, CandidateOrder.order(primaryCandidates, policy.preferences(), health)));
        }
        for (ResolvedModel fallback : policy.fallbacks()) {
            addFallback(plans, job, primary, fallback, notes);
        }
        return plans;
    }

    /** A fallback is used only at the primary's output size and element type; otherwise it is skipped with a note. */
    private void addFallback(List<Plan> plans, EmbeddingJob job, EmbeddingJob primary, ResolvedModel fallback, List<String> notes) {
        if (plans.stream().anyMatch(p -> p.job().model().model().id().equals(fallback.model().id())
                && p.job().model().candidates().equals(fallback.candidates()))) {
            return;
        }
        int size = primary.outputDimensions(primary.model().model().capabilities());
        ModelCapabilities caps = fallback.model().capabilities();
        if (!caps.allowsDimensions(size)) {
            notes.add("fallback " + fallback.model().id() + " skipped: it yields " + caps.nativeDimensions()
                    + " dimensions" + (caps.reducible() ? " (" + caps.minDimensions() + "-" + caps.maxDimensions() + ")" : "")
                    + ", the request needs " + size);
            return;
        }
        if (!caps.dtypes().contains(job.dtype())) {
            notes.add("fallback " + fallback.model().id() + " skipped: it cannot return " + job.dtype().wireName());
            return;
        }
        List<Candidate> candidates = CandidateOrder.order(fallback.candidates(), job.policy().preferences(), health);
        if (candidates.isEmpty()) {
            notes.add("fallback " + fallback.model().id() + " skipped: the provider preferences exclude all its providers");
            return;
        }
        plans.add(new Plan(job.forModel(fallback, size == caps.nativeDimensions() ? OptionalInt.empty() : OptionalInt.of(size)),
                candidates));
    }

    private static EmbeddingJob sized(EmbeddingJob job, ResolvedModel model, List<String> notes) {
        if (model.model().id().equals(job.model().model().id())) {
            return job.forModel(model, job.dimensions());
        }
        int size = job.outputDimensions(job.model().model().capabilities());
        ModelCapabilities caps = model.model().capabilities();
        notes.add("load balancer picked " + model.model().id());
        return job.forModel(model, size == caps.nativeDimensions() ? OptionalInt.empty() : OptionalInt.of(size));
    }

    private static RoutingPolicy.Weighted pick(List<RoutingPolicy.Weighted> entries) {
        double total = entries.stream().mapToDouble(RoutingPolicy.Weighted::weight).sum();
        double x = ThreadLocalRandom.current().nextDouble() * total;
        for (RoutingPolicy.Weighted w : entries) {
            x -= w.weight();
            if (x < 0) {
                return w;
            }
        }
        return entries.get(entries.size() - 1);
    }

    private Uni<Routed> tryPlans(List<Plan> plans, int i, UpstreamException last, List<String> notes) {
        if (i >= plans.size()) {
            return Uni.createFrom().failure(last != null ? last : UpstreamException.invalidResponse("gateway", "no provider could be tried"));
        }
        Plan plan = plans.get(i);
        return tryCandidates(plan, 0, last, notes)
                .onFailure(UpstreamException.class).recoverWithUni(t -> {
                    UpstreamException e = (UpstreamException) t;
                    if (!movesOn(e) || plan.job().deadline().expired() || i + 1 >= plans.size()) {
                        return Uni.createFrom().failure(e);
                    }
                    notes.add("model " + plan.job().model().model().id() + " failed (" + e.provider() + ": " + e.kind()
                            + "); falling back to " + plans.get(i + 1).job().model().model().id());
                    plan.job().trace().note(notes.get(notes.size() - 1));
                    registry.counter("embedgate.fallbacks", "from", plan.job().model().model().id(), "to",
                            plans.get(i + 1).job().model().model().id()).increment();
                    return tryPlans(plans, i + 1, e, notes);
                });
    }

    private Uni<Routed> tryCandidates(Plan plan, int i, UpstreamException last, List<String> notes) {
        EmbeddingJob job = plan.job();
        if (i >= plan.candidates().size()) {
            return Uni.createFrom().failure(last);
        }
        Candidate c = plan.candidates().get(i);
        return chunkedCall.call(c, job)
                .map(r -> {
                    EmbeddingResult checked = ResultCheck.checked(r, c, job);
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
                    if (!movesOn(e) || job.deadline().expired() || i + 1 >= plan.candidates().size()) {
                        return Uni.createFrom().failure(e);
                    }
                    LOG.debugf("provider %s failed (%s: %s); trying %s", e.provider(), e.kind(), e.getMessage(),
                            plan.candidates().get(i + 1).instance().name());
                    job.trace().note("provider " + e.provider() + " failed (" + e.kind() + "); trying "
                            + plan.candidates().get(i + 1).instance().name());
                    return tryCandidates(plan, i + 1, e, notes);
                });
    }

    /** A rejected input fails at once; a spent deadline too; any provider-side problem lets the next one try. */
    private static boolean movesOn(UpstreamException e) {
        return e.kind() != UpstreamException.Kind.BAD_REQUEST && e.kind() != UpstreamException.Kind.TIMEOUT;
    }
}
