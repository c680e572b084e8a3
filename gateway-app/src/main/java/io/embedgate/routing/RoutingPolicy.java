package io.embedgate.routing;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import io.embedgate.catalog.ResolvedModel;

/**
 * How one request may be routed, from its {@code provider} and {@code orq} fields and the
 * deployment's defaults; already validated.
 *
 * @param preferences  which provider instances may serve it, and in which order
 * @param retry        retries per upstream call
 * @param fallbacks    other models to try when every candidate of the primary failed (same output size)
 * @param loadBalancer weighted entries to pick the primary from; empty when not balancing
 */
public record RoutingPolicy(Preferences preferences, RetryPolicy retry, List<ResolvedModel> fallbacks,
        List<Weighted> loadBalancer) {

    /** {@code provider.order/only/ignore/include_alpha}. */
    public record Preferences(List<ProviderRef> order, Set<ProviderRef> only, Set<ProviderRef> ignore, boolean includeAlpha) {

        public static final Preferences NONE = new Preferences(List.of(), Set.of(), Set.of(), false);

        /** Why these preferences exclude a candidate, or empty when they allow it. The one place this is decided. */
        public java.util.Optional<String> excludes(io.embedgate.catalog.Candidate c) {
            String name = c.instance().name();
            if (c.instance().alpha() && !includeAlpha) {
                return java.util.Optional.of(name + " is alpha (set provider.include_alpha)");
            }
            if (!only.isEmpty() && only.stream().noneMatch(r -> r.matches(c))) {
                return java.util.Optional.of(name + " is not in provider.only");
            }
            if (ignore.stream().anyMatch(r -> r.matches(c))) {
                return java.util.Optional.of(name + " is in provider.ignore");
            }
            return java.util.Optional.empty();
        }
    }

    /**
     * A provider named in a request: an instance name means that instance only; otherwise the name
     * is a provider type and means every instance of it (as in pinned model ids).
     */
    public record ProviderRef(String name, boolean isType) {

        public boolean matches(io.embedgate.catalog.Candidate c) {
            return isType ? c.instance().type().equals(name) : c.instance().name().equals(name);
        }
    }

    /**
     * @param count         retries after the first attempt of each upstream call
     * @param onCodes       upstream HTTP statuses that are retried (connection errors always are)
     * @param initial       first backoff, doubled per retry, with full jitter
     * @param max           backoff cap
     * @param maxRetryAfter a provider asking to wait longer is not retried
     */
    public record RetryPolicy(int count, Set<Integer> onCodes, Duration initial, Duration max, Duration maxRetryAfter) {
    }

    /** A load-balancer entry: a model (possibly pinned to a provider) and its share. */
    public record Weighted(ResolvedModel model, double weight) {
    }
}
