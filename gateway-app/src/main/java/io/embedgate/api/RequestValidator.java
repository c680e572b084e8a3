package io.embedgate.api;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.validation.Validator;

import io.embedgate.catalog.Candidate;
import io.embedgate.catalog.Catalog;
import io.embedgate.catalog.ResolvedModel;
import io.embedgate.config.GatewayConfig;
import io.embedgate.debug.Trace;
import io.embedgate.limits.RequestMemory;
import io.embedgate.routing.EmbeddingJob;
import io.embedgate.routing.RoutingPolicy;
import io.embedgate.spi.Deadline;
import io.embedgate.spi.EmbeddingInputs;

/**
 * Turns a parsed request into a routable job, or rejects it with a 4xx naming the field. Order of
 * checks: body, field constraints, input/inputs, model, model-specific rules.
 */
@ApplicationScoped
public class RequestValidator {

    @Inject
    Validator validator;
    @Inject
    Catalog catalog;
    @Inject
    GatewayConfig config;

    /** @param trace the request's debug trace (see {@link DebugFlags}) */
    public EmbeddingJob validate(EmbeddingRequest request, Trace trace) {
        if (request == null) {
            throw ApiException.invalid(null, "The request body is required: a JSON object with 'model' and 'input'.");
        }
        FieldConstraints.require(validator, request);
        EmbeddingInputs inputs = InputRules.inputs(request, config.limits().maxInputs());
        ResolvedModel model = catalog.resolve(request.model());
        EmbeddingOptions options = EmbeddingOptions.parse(request.embeddingOptions(), catalog::adapter);
        OutputShape shape = OutputShape.of(request.dimensions(), options, model);
        InputRules.requireAccepted(inputs, model, request);
        RoutingFields.Orq orq = request.orq();
        RoutingPolicy.Preferences preferences = preferences(request.provider());
        requireCandidates(model, preferences, "model");
        RoutingPolicy policy = new RoutingPolicy(preferences, retry(orq == null ? null : orq.retry()),
                fallbacks(orq == null ? null : orq.fallbacks(), model), loadBalancer(orq == null ? null : orq.loadBalancer(), model,
                        shape.size(), preferences));
        Optional<Duration> cacheTtl = cache(orq == null ? null : orq.cache());
        EmbeddingJob.Attribution who = orq == null ? EmbeddingJob.Attribution.NONE
                : new EmbeddingJob.Attribution(Optional.ofNullable(orq.name()),
                        Optional.ofNullable(orq.contact()).map(RoutingFields.Contact::id));
        return new EmbeddingJob(model, inputs, shape.dimensions(), shape.dtype(), options.normalize(), options.forwarded(),
                Optional.ofNullable(request.user()), Deadline.after(timeout(orq == null ? null : orq.timeout())), policy, who, cacheTtl, trace,
                "base64".equals(request.encodingFormat()), RequestMemory.NONE);
    }

    // ---- provider preferences and orq ----

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
        GatewayConfig.Routing.Retry d = config.routing().retry();
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
                    throw ApiException.invalid("orq.retry.on_codes[" + i + "]", "orq.retry.on_codes must hold HTTP error statuses (400-599).");
                }
            }
            codes = Set.copyOf(r.onCodes());
        }
        return new RoutingPolicy.RetryPolicy(count, codes, d.initialBackoff(), d.maxBackoff(), d.maxRetryAfter());
    }

    private List<ResolvedModel> fallbacks(List<RoutingFields.ModelRef> refs, ResolvedModel primary) {
        if (refs == null) {
            return List.of();
        }
        List<ResolvedModel> out = new ArrayList<>();
        for (int i = 0; i < refs.size(); i++) {
            String param = "orq.fallbacks[" + i + "].model";
            ResolvedModel m = model(refs.get(i) == null ? null : refs.get(i).model(), param);
            if (!config.routing().allowCrossModelFallback() && !m.model().id().equals(primary.model().id())) {
                throw ApiException.invalid(param, "This gateway does not fall back to another model: vectors of different models "
                        + "are not comparable. Fallbacks may only pin the same model to other providers.");
            }
            out.add(m);
        }
        return out;
    }

    private List<RoutingPolicy.Weighted> loadBalancer(List<RoutingFields.WeightedModel> entries, ResolvedModel primary, int size,
            RoutingPolicy.Preferences preferences) {
        if (entries == null || entries.isEmpty()) {
            return List.of();
        }
        List<RoutingPolicy.Weighted> out = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            RoutingFields.WeightedModel e = entries.get(i);
            String param = "orq.load_balancer[" + i + "]";
            ResolvedModel m = model(e == null ? null : e.model(), param + ".model");
            double weight = e.weight() == null ? 1 : e.weight();
            if (!(weight > 0) || Double.isInfinite(weight)) {
                throw ApiException.invalid(param + ".weight", param + ".weight must be a positive number.");
            }
            if (!m.model().id().equals(primary.model().id())) {
                if (!config.routing().allowMixedLoadBalancing()) {
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

    /** {@code orq.cache} turns the cache on for this request; otherwise the deployment's default applies. */
    private Optional<Duration> cache(RoutingFields.CacheOption cache) {
        if (cache == null) {
            return config.cache().enabledByDefault() ? Optional.of(config.cache().defaultTtl()) : Optional.empty();
        }
        if (!"exact_match".equals(cache.type())) {
            throw ApiException.invalid("orq.cache.type", "orq.cache.type must be 'exact_match'.");
        }
        if (cache.ttl() != null && (cache.ttl() < 1 || cache.ttl() > MAX_CACHE_TTL_SECONDS)) {
            throw ApiException.invalid("orq.cache.ttl", "orq.cache.ttl must be between 1 and " + MAX_CACHE_TTL_SECONDS + " seconds.");
        }
        return Optional.of(cache.ttl() == null ? config.cache().defaultTtl() : Duration.ofSeconds(cache.ttl()));
    }

    /** 30 days. */
    static final long MAX_CACHE_TTL_SECONDS = 2_592_000L;

    private Duration timeout(RoutingFields.TimeoutOption t) {
        if (t == null || t.callTimeout() == null) {
            return config.routing().timeout();
        }
        long max = config.routing().maxTimeout().toMillis();
        if (t.callTimeout() < 1 || t.callTimeout() > max) {
            throw ApiException.invalid("orq.timeout.call_timeout", "orq.timeout.call_timeout must be between 1 and " + max + " ms.");
        }
        return Duration.ofMillis(t.callTimeout());
    }
}
