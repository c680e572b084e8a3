package io.embedgate.auth;

import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import io.embedgate.api.ApiException;
import io.embedgate.catalog.Candidate;
import io.embedgate.catalog.ResolvedModel;
import io.embedgate.ratelimit.Budgets;
import io.embedgate.ratelimit.Rates;

/**
 * What one gateway key may do: which models (ids or globs), through which provider instances (names or
 * types), how many inputs per request, and at what rate ({@link Rates}). Applied where a request's models are resolved, before
 * anything else looks at them, so that every later rule (options, input types, routing) sees only what
 * the key may use. A refusal names the key's id, never the key.
 *
 */
public final class KeyPolicy {

    private final String keyId;
    private final List<String> allowedModels;
    private final List<Pattern> modelPatterns;
    private final List<String> allowedProviders;
    private final OptionalInt maxInputs;
    private final Rates rates;
    private final Budgets budgets;
    private final boolean cachePartitioned;

    public KeyPolicy(String keyId, List<String> allowedModels, List<String> allowedProviders, OptionalInt maxInputs) {
        this(keyId, allowedModels, allowedProviders, maxInputs, Rates.NONE, Budgets.NONE, false);
    }

    public KeyPolicy(String keyId, List<String> allowedModels, List<String> allowedProviders, OptionalInt maxInputs, Rates rates,
            Budgets budgets, boolean cachePartitioned) {
        this.keyId = keyId;
        this.allowedModels = List.copyOf(allowedModels);
        this.modelPatterns = this.allowedModels.stream().map(KeyPolicy::glob).toList();
        this.allowedProviders = List.copyOf(allowedProviders);
        this.maxInputs = maxInputs;
        this.rates = rates;
        this.budgets = budgets;
        this.cachePartitioned = cachePartitioned;
    }

    /** No key (authentication off) or a key without a policy: everything the gateway offers. */
    public static KeyPolicy open(String keyId) {
        return new KeyPolicy(keyId, List.of(), List.of(), OptionalInt.empty());
    }

    public String keyId() {
        return keyId;
    }

    /** The key's rate limits per minute. */
    public Rates rates() {
        return rates;
    }

    /** The key's token and USD budgets per day and month. */
    public Budgets budgets() {
        return budgets;
    }

    /** Whether this key's inputs are cached apart from every other key's (beside {@code gateway.cache.partition-by-key}, which parts them all). */
    public boolean cachePartitioned() {
        return cachePartitioned;
    }

    /** Whether requests of this key go through the rate limiter (rate limits or budgets). */
    public boolean limited() {
        return !rates.none() || !budgets.none();
    }

    /** Whether the key may ask for this catalogue model. */
    public boolean allowsModel(String id) {
        return modelPatterns.isEmpty() || modelPatterns.stream().anyMatch(p -> p.matcher(id).matches());
    }

    /** Whether the key's calls may go to this candidate's instance. */
    public boolean allowsCandidate(Candidate c) {
        return allowedProviders.isEmpty() || allowedProviders.contains(c.instance().name())
                || allowedProviders.contains(c.instance().type());
    }

    /**
     * The model as this key may use it: its candidates narrowed to the allowed instances. A 403
     * {@code model_not_allowed} when the key may not use the model, or none of its instances.
     *
     * @param param the request field that named it ({@code model}, {@code fallbacks[0]}, ...)
     */
    public ResolvedModel restrict(ResolvedModel model, String param) {
        String id = model.model().id();
        if (!allowsModel(id)) {
            throw new ApiException(403, "permission_error", "model_not_allowed", param,
                    "Gateway key '" + keyId + "' may not use model '" + id + "'; it may use " + String.join(", ", allowedModels) + ".",
                    null);
        }
        if (allowedProviders.isEmpty()) {
            return model;
        }
        List<Candidate> allowed = model.candidates().stream().filter(this::allowsCandidate).toList();
        if (allowed.isEmpty()) {
            throw new ApiException(403, "permission_error", "model_not_allowed", param,
                    "Gateway key '" + keyId + "' may not use any provider serving model '" + id + "' ("
                            + model.candidates().stream().map(c -> c.instance().name()).collect(Collectors.joining(", "))
                            + "); it may use " + String.join(", ", allowedProviders) + ".",
                    null);
        }
        return allowed.size() == model.candidates().size() ? model : new ResolvedModel(model.model(), allowed, model.pinned());
    }

    /** The key's cap on inputs per request, within the gateway's own. */
    public int maxInputs(int gatewayMax) {
        return maxInputs.isPresent() ? Math.min(maxInputs.getAsInt(), gatewayMax) : gatewayMax;
    }

    /** A glob as a regex: {@code *} is any run of characters, everything else literal. */
    static Pattern glob(String glob) {
        return Pattern.compile(Arrays.stream(glob.trim().split("\\*", -1)).map(part -> part.isEmpty() ? "" : Pattern.quote(part))
                .collect(Collectors.joining(".*")));
    }
}
