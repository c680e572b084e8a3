package io.embedgate.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.embedgate.auth.KeyPolicy;
import io.embedgate.catalog.Candidate;
import io.embedgate.catalog.Catalog;
import io.embedgate.catalog.ResolvedModel;
import io.embedgate.config.GatewayConfig;
import io.embedgate.config.RoutingConfig;
import io.embedgate.routing.RoutingPolicy;

/**
 * The request's routing fields ({@code provider}, {@code orq.retry}, {@code orq.fallbacks},
 * {@code orq.load_balancer}) checked against the catalogue and the deployment's limits, as the
 * {@link RoutingPolicy} the router follows. Lives with the API: it reads wire fields and answers 400s.
 */
@Singleton
final class RoutingPolicyRules {

    private final Catalog catalog;
    private final RoutingConfig config;

    @Inject
    RoutingPolicyRules(Catalog catalog, GatewayConfig config) {
        this.catalog = catalog;
        this.config = config.routing();
    }

    /**
     * @param model the request's model, already resolved
     * @param size  the size every vector must have: load-balancer entries of other models must reach it
     * @param orq   the request's {@code orq} object, or null
     * @param key   what the request's gateway key may use: fallbacks and load-balancer entries too
     */
    RoutingPolicy policy(ResolvedModel model, int size, RoutingFields.ProviderPreferences provider, RoutingFields.Orq orq, KeyPolicy key) {
        RoutingPolicy.Preferences preferences = preferences(provider);
        requireCandidates(model, preferences, "model");
        return new RoutingPolicy(preferences, retry(orq == null ? null : orq.retry()),
                fallbacks(orq == null ? null : orq.fallbacks(), model, key),
                loadBalancer(orq == null ? null : orq.loadBalancer(), model, size, preferences, key));
    }

    private RoutingPolicy.Preferences preferences(RoutingFields.ProviderPreferences p) {
        if (p == null) {
            return RoutingPolicy.Preferences.NONE;
        }
        return new RoutingPolicy.Preferences(names(p.order(), "provider.order"), Set.copyOf(names(p.only(), "provider.only")),
                Set.copyOf(names(p.ignore(), "provider.ignore")), Boolean.TRUE.equals(p.includeAlpha()));
    }

    private List<RoutingPolicy.ProviderRef> names(List<String> names, String param) {
        if (names == null) {
            return List.of();
        }
        List<RoutingPolicy.ProviderRef> refs = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            String n = names.get(i);
            if (n == null || !catalog.knowsProvider(n)) {
                throw ApiException.invalid(param + "[" + i + "]", "Unknown provider '" + n + "' in " + param + "; known providers: "
                        + String.join(", ", catalog.instances().keySet()) + ".");
            }
            refs.add(new RoutingPolicy.ProviderRef(n, !catalog.isInstance(n)));
        }
        return List.copyOf(refs);
    }

    /** A 400 that says, per candidate, why the preferences leave nothing to call. */
    private static void requireCandidates(ResolvedModel model, RoutingPolicy.Preferences p, String param) {
        List<String> why = new ArrayList<>();
        for (Candidate c : model.candidates()) {
            Optional<String> reason = p.excludes(c);
            if (reason.isEmpty()) {
                return;
            }
            why.add(reason.get());
        }
        throw ApiException.invalid(param.equals("model") ? "provider" : param, "No provider is left for model '" + model.model().id()
                + "': " + String.join("; ", why) + ".");
    }

    private RoutingPolicy.RetryPolicy retry(RoutingFields.RetryOption r) {
        RoutingConfig.Retry d = config.retry();
        int count = d.count();
        Set<Integer> codes = Set.copyOf(d.onCodes());
        if (r != null && r.count() != null) {
            if (r.count() < 0 || r.count() > d.maxCount()) {
                throw ApiException.invalid("orq.retry.count", "orq.retry.count must be between 0 and " + d.maxCount() + ".");
            }
            count = r.count();
        }
        if (r != null && r.onCodes() != null) {
            for (int i = 0; i < r.onCodes().size(); i++) {
                Integer code = r.onCodes().get(i);
                if (code == null || code < 400 || code > 599) {
                    throw ApiException.invalid("orq.retry.on_codes[" + i + "]",
                            "orq.retry.on_codes must hold HTTP error statuses (400-599).");
                }
            }
            codes = Set.copyOf(r.onCodes());
        }
        return new RoutingPolicy.RetryPolicy(count, codes, d.initialBackoff(), d.maxBackoff(), d.maxRetryAfter());
    }

    private List<ResolvedModel> fallbacks(List<RoutingFields.ModelRef> refs, ResolvedModel primary, KeyPolicy key) {
        if (refs == null) {
            return List.of();
        }
        List<ResolvedModel> out = new ArrayList<>();
        for (int i = 0; i < refs.size(); i++) {
            String param = "orq.fallbacks[" + i + "].model";
            ResolvedModel m = key.restrict(model(refs.get(i) == null ? null : refs.get(i).model(), param), param);
            if (!config.allowCrossModelFallback() && !m.model().id().equals(primary.model().id())) {
                throw ApiException.invalid(param, "This gateway does not fall back to another model: vectors of different models "
                        + "are not comparable. Fallbacks may only pin the same model to other providers.");
            }
            out.add(m);
        }
        return out;
    }

    /** Entries of another model are refused unless the deployment allows them, and then only if they reach the request's size. */
    private List<RoutingPolicy.Weighted> loadBalancer(List<RoutingFields.WeightedModel> entries, ResolvedModel primary, int size,
            RoutingPolicy.Preferences preferences, KeyPolicy key) {
        if (entries == null || entries.isEmpty()) {
            return List.of();
        }
        List<RoutingPolicy.Weighted> out = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            RoutingFields.WeightedModel e = entries.get(i);
            String param = "orq.load_balancer[" + i + "]";
            ResolvedModel m = key.restrict(model(e == null ? null : e.model(), param + ".model"), param + ".model");
            double weight = e.weight() == null ? 1 : e.weight();
            if (!(weight > 0) || Double.isInfinite(weight)) {
                throw ApiException.invalid(param + ".weight", param + ".weight must be a positive number.");
            }
            if (!m.model().id().equals(primary.model().id())) {
                if (!config.allowMixedLoadBalancing()) {
                    throw ApiException.invalid(param + ".model", "Load balancing across different models would scatter one index over "
                            + "incompatible vector spaces: every entry must be the request's model '" + primary.model().id()
                            + "' (optionally pinned to a provider, e.g. openai/" + primary.model().id() + ").");
                }
                if (!m.model().capabilities().allowsDimensions(size)) {
                    throw ApiException.invalid(param + ".model", "'" + m.model().id() + "' cannot return " + size
                            + "-dimension vectors like the rest of the request.");
                }
            }
            requireCandidates(m, preferences, param + ".model");
            out.add(new RoutingPolicy.Weighted(m, weight));
        }
        return out;
    }

    private ResolvedModel model(String id, String param) {
        if (id == null || id.isBlank()) {
            throw ApiException.invalid(param, param + " is required.");
        }
        try {
            return catalog.resolve(id);
        } catch (ApiException notFound) {
            throw ApiException.invalid(param, notFound.getMessage());
        }
    }
}
