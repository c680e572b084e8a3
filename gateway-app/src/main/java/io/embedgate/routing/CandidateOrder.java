package io.embedgate.routing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;

import io.embedgate.catalog.Candidate;

/**
 * The order in which a model's candidates are tried: filtered by the request's preferences, then
 * the explicit {@code provider.order} first; otherwise instances known to be at their rate limit
 * last ({@link Headroom}: the router skips them when it gets there), healthy before unhealthy, those
 * with headroom before those with little, then configured priority, then — among equals — weighted
 * random when weights differ (to spread traffic by weight), else lowest recent latency ("the
 * provider that currently offers the model").
 */
final class CandidateOrder {

    private CandidateOrder() {
    }

    static boolean allowed(Candidate c, RoutingPolicy.Preferences p) {
        return p.excludes(c).isEmpty();
    }

    /** @param tokens the request's estimated tokens, asked for only when an instance's headroom depends on them */
    static List<Candidate> order(List<Candidate> candidates, RoutingPolicy.Preferences p, ProviderHealth health, Headroom headroom,
            LongSupplier tokens) {
        List<Candidate> allowed = new ArrayList<>();
        for (Candidate c : candidates) {
            if (allowed(c, p)) {
                allowed.add(c);
            }
        }
        List<Candidate> out = new ArrayList<>(allowed.size());
        for (RoutingPolicy.ProviderRef ref : p.order()) {
            for (Candidate c : allowed) {
                if (ref.matches(c) && !out.contains(c)) {
                    out.add(c);
                }
            }
        }
        List<Candidate> rest = new ArrayList<>(allowed);
        rest.removeAll(out);
        out.addAll(byDefault(rest, health, headroom, tokens));
        return out;
    }

    private static List<Candidate> byDefault(List<Candidate> candidates, ProviderHealth health, Headroom headroom, LongSupplier tokens) {
        if (candidates.size() < 2) {
            return candidates;
        }
        boolean weighted = candidates.stream().mapToDouble(c -> c.instance().weight()).distinct().count() > 1;
        // Efraimidis-Spirakis keys: sorting by -ln(u)/w is a weighted random permutation.
        Map<Candidate, Double> tieBreak = new HashMap<>();
        Set<Candidate> unhealthy = new HashSet<>();
        Map<Candidate, Headroom.Level> levels = new HashMap<>();
        ThreadLocalRandom r = ThreadLocalRandom.current();
        for (Candidate c : candidates) {
            // Health first: asking moves a breaker whose delay has passed to half-open, which forgets
            // the instance's latency before it is read, so the recovered instance sorts as a new one
            // (ahead of its measured equals) and gets the probes that close its breaker.
            if (health.unhealthy(c.instance().name())) {
                unhealthy.add(c);
            }
            levels.put(c, headroom.level(c.instance().name(), tokens));
            tieBreak.put(c, weighted ? -Math.log(1 - r.nextDouble()) / c.instance().weight() : health.latency(c.instance().name()));
        }
        List<Candidate> sorted = new ArrayList<>(candidates);
        sorted.sort(Comparator.<Candidate>comparingInt(c -> levels.get(c) == Headroom.Level.EXHAUSTED ? 1 : 0)
                .thenComparingInt(c -> unhealthy.contains(c) ? 1 : 0)
                .thenComparingInt(c -> levels.get(c) == Headroom.Level.LOW ? 1 : 0)
                .thenComparingInt(c -> c.instance().priority())
                .thenComparingDouble(tieBreak::get));
        return sorted;
    }
}
