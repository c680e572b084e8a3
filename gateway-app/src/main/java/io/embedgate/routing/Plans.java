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
import java.util.function.LongSupplier;

import io.embedgate.catalog.Candidate;
import io.embedgate.catalog.ResolvedModel;
import io.embedgate.debug.Trace;
import io.embedgate.spi.ModelCapabilities;

/**
 * What a request will try, in order: the primary plan (the request's model, or a weighted pick from
 * {@code orq.load_balancer}, with the candidates of the pick's model), then the other entries' models
 * and {@code orq.fallbacks}, each only at the primary's size and element type. A fallback left out
 * gets a note saying why, for the response and the trace.
 */
final class Plans {

    private final ProviderHealth health;
    private final Headroom headroom;

    Plans(ProviderHealth health, Headroom headroom) {
        this.health = health;
        this.headroom = headroom;
    }

    /** The job's candidates in order; the request's estimated tokens computed once, and only if an instance needs them. */
    private List<Candidate> order(List<Candidate> candidates, EmbeddingJob job, LongSupplier tokens) {
        return CandidateOrder.order(candidates, job.policy().preferences(), health, headroom, tokens);
    }

    /** @param notes receives one line per fallback left out */
    List<Plan> of(EmbeddingJob job, List<String> notes) {
        RoutingPolicy policy = job.policy();
        List<Plan> plans = new ArrayList<>();
        EmbeddingJob primary = job;
        List<Candidate> primaryCandidates = job.model().candidates();
        LongSupplier tokens = EstimatedTokens.of(job.inputs());
        if (!policy.loadBalancer().isEmpty()) {
            RoutingPolicy.Weighted pick = pick(policy.loadBalancer());
            primary = sized(job, pick.model(), notes);
            // The pick's candidates first; the other entries' candidates of the same model follow.
            Set<Candidate> ordered = new LinkedHashSet<>(order(pick.model().candidates(), job, tokens));
            for (RoutingPolicy.Weighted w : policy.loadBalancer()) {
                if (w.model().model().id().equals(pick.model().model().id())) {
                    ordered.addAll(order(w.model().candidates(), job, tokens));
                }
            }
            plans.add(new Plan(primary, List.copyOf(ordered)));
            for (RoutingPolicy.Weighted w : policy.loadBalancer()) {
                if (!w.model().model().id().equals(pick.model().model().id())) {
                    addFallback(plans, job, primary, w.model(), notes, tokens);
                }
            }
        } else {
            plans.add(new Plan(primary, order(primaryCandidates, job, tokens)));
        }
        for (ResolvedModel fallback : policy.fallbacks()) {
            addFallback(plans, job, primary, fallback, notes, tokens);
        }
        return plans;
    }

    /** A fallback is used only at the primary's output size and element type; otherwise it is skipped with a note. */
    private void addFallback(List<Plan> plans, EmbeddingJob job, EmbeddingJob primary, ResolvedModel fallback, List<String> notes,
            LongSupplier tokens) {
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
        List<Candidate> candidates = order(fallback.candidates(), job, tokens);
        if (candidates.isEmpty()) {
            notes.add("fallback " + fallback.model().id() + " skipped: the provider preferences exclude all its providers");
            return;
        }
        plans.add(new Plan(atSize(job, fallback, size), candidates));
    }

    /** The job for the load balancer's pick: another model keeps the request's size. */
    private static EmbeddingJob sized(EmbeddingJob job, ResolvedModel model, List<String> notes) {
        if (model.model().id().equals(job.model().model().id())) {
            return job.forModel(model, job.dimensions());
        }
        notes.add("load balancer picked " + model.model().id());
        return atSize(job, model, job.outputDimensions(job.model().model().capabilities()));
    }

    /** The job for another model at {@code size}, asked for explicitly only when it is not that model's default. */
    private static EmbeddingJob atSize(EmbeddingJob job, ResolvedModel model, int size) {
        return job.forModel(model, size == model.model().capabilities().nativeDimensions() ? OptionalInt.empty() : OptionalInt.of(size));
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

    /** For the debug trace: each plan's candidates in the order they will be tried, and the ones excluded with why. */
    void explain(Trace trace, List<Plan> plans, RoutingPolicy.Preferences preferences) {
        for (int i = 0; i < plans.size(); i++) {
            explain(trace, i == 0 ? "primary" : "fallback", plans.get(i), preferences);
        }
    }

    private void explain(Trace trace, String role, Plan plan, RoutingPolicy.Preferences preferences) {
        List<Map<String, Object>> tried = new ArrayList<>();
        for (Candidate c : plan.candidates()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("provider", c.instance().name());
            m.put("type", c.instance().type());
            m.put("upstream_model", c.upstreamModel());
            m.put("circuit", health.state(c.instance().name()).name().toLowerCase(Locale.ROOT));
            Headroom.Level level = headroom.level(c.instance().name(), EstimatedTokens.of(plan.job().inputs()));
            if (level == Headroom.Level.EXHAUSTED) {
                m.put("note", "at its rate limit: skipped until its estimated refill");
            } else if (health.unhealthy(c.instance().name())) {
                m.put("note", "circuit open: tried last");
            } else if (level == Headroom.Level.LOW) {
                m.put("note", "little rate-limit headroom: tried after those with more");
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
}
