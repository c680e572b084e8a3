package io.embedgate.auth;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.embedgate.ratelimit.Budgets;
import io.embedgate.ratelimit.Rates;

/**
 * A key's policy as JSON, the same in the admin API's bodies and in what is stored in Redis. Reading
 * is strict, unlike the embeddings route: an unknown or mistyped field in a policy is refused (a
 * misspelt {@code requests_per_minut} silently ignored would be a key without its limit).
 */
public final class KeySpecJson {

    static final Set<String> FIELDS = Set.of("allowed_models", "allowed_providers", "max_inputs_per_request", "debug_allowed",
            "cache_partitioned", "requests_per_minute", "inputs_per_minute", "tokens_per_minute", "token_budget_per_day",
            "token_budget_per_month",
            "cost_budget_per_day", "cost_budget_per_month");

    private KeySpecJson() {
    }

    /**
     * The spec from a policy object (null or absent: no rules) and a description.
     *
     * @param path where the object sits, for messages ({@code policy})
     * @throws KeySpec.Invalid naming the field ({@code policy.requests_per_minute})
     */
    public static KeySpec read(JsonNode policy, JsonNode description, String path) {
        if (description != null && !description.isNull() && !description.isTextual()) {
            throw new KeySpec.Invalid("description", "description must be a string");
        }
        Optional<String> desc = description == null || description.isNull() ? Optional.empty() : Optional.of(description.asText());
        if (policy == null || policy.isNull()) {
            return new KeySpec(desc, List.of(), List.of(), OptionalInt.empty(), false, false, Rates.NONE, Budgets.NONE);
        }
        if (!policy.isObject()) {
            throw new KeySpec.Invalid(path, path + " must be an object");
        }
        policy.fieldNames().forEachRemaining(f -> {
            if (!FIELDS.contains(f)) {
                throw new KeySpec.Invalid(path + "." + f, "Unknown field " + path + "." + f + "; a policy has " + String.join(", ",
                        FIELDS.stream().sorted().toList()) + ".");
            }
        });
        try {
            return new KeySpec(desc, names(policy, "allowed_models", path), names(policy, "allowed_providers", path),
                    integer(policy, "max_inputs_per_request", path), bool(policy, "debug_allowed", path),
                    bool(policy, "cache_partitioned", path),
                    new Rates(integer(policy, "requests_per_minute", path), integer(policy, "inputs_per_minute", path),
                            integer(policy, "tokens_per_minute", path)),
                    new Budgets(longValue(policy, "token_budget_per_day", path), longValue(policy, "token_budget_per_month", path),
                            usd(policy, "cost_budget_per_day", path), usd(policy, "cost_budget_per_month", path)));
        } catch (KeySpec.Invalid e) {
            throw e.field().startsWith(path + ".") || e.field().equals("description") ? e
                    : new KeySpec.Invalid(path + "." + e.field(), e.getMessage());
        }
    }

    /** The policy object: only the rules the key has. */
    public static ObjectNode write(KeySpec spec) {
        ObjectNode p = JsonNodeFactory.instance.objectNode();
        if (!spec.allowedModels().isEmpty()) {
            spec.allowedModels().forEach(p.putArray("allowed_models")::add);
        }
        if (!spec.allowedProviders().isEmpty()) {
            spec.allowedProviders().forEach(p.putArray("allowed_providers")::add);
        }
        spec.maxInputs().ifPresent(n -> p.put("max_inputs_per_request", n));
        if (spec.debugAllowed()) {
            p.put("debug_allowed", true);
        }
        if (spec.cachePartitioned()) {
            p.put("cache_partitioned", true);
        }
        spec.rates().requestsPerMinute().ifPresent(n -> p.put("requests_per_minute", n));
        spec.rates().inputsPerMinute().ifPresent(n -> p.put("inputs_per_minute", n));
        spec.rates().tokensPerMinute().ifPresent(n -> p.put("tokens_per_minute", n));
        spec.budgets().tokensPerDay().ifPresent(n -> p.put("token_budget_per_day", n));
        spec.budgets().tokensPerMonth().ifPresent(n -> p.put("token_budget_per_month", n));
        spec.budgets().usdPerDay().ifPresent(n -> p.put("cost_budget_per_day", n));
        spec.budgets().usdPerMonth().ifPresent(n -> p.put("cost_budget_per_month", n));
        return p;
    }

    private static List<String> names(JsonNode policy, String field, String path) {
        JsonNode v = policy.get(field);
        if (v == null || v.isNull()) {
            return List.of();
        }
        if (!v.isArray()) {
            throw new KeySpec.Invalid(path + "." + field, path + "." + field + " must be an array of strings");
        }
        List<String> out = new ArrayList<>(v.size());
        for (JsonNode e : v) {
            if (!e.isTextual()) {
                throw new KeySpec.Invalid(path + "." + field, path + "." + field + " must be an array of strings");
            }
            out.add(e.asText());
        }
        return out;
    }

    private static OptionalInt integer(JsonNode policy, String field, String path) {
        JsonNode v = policy.get(field);
        if (v == null || v.isNull()) {
            return OptionalInt.empty();
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new KeySpec.Invalid(path + "." + field, path + "." + field + " must be a whole number up to " + Integer.MAX_VALUE);
        }
        return OptionalInt.of(v.intValue());
    }

    private static OptionalLong longValue(JsonNode policy, String field, String path) {
        JsonNode v = policy.get(field);
        if (v == null || v.isNull()) {
            return OptionalLong.empty();
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw new KeySpec.Invalid(path + "." + field, path + "." + field + " must be a whole number");
        }
        return OptionalLong.of(v.longValue());
    }

    private static Optional<BigDecimal> usd(JsonNode policy, String field, String path) {
        JsonNode v = policy.get(field);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isNumber()) {
            throw new KeySpec.Invalid(path + "." + field, path + "." + field + " must be a number (USD)");
        }
        BigDecimal d = v.decimalValue();
        if (d.scale() > 12 || d.precision() - d.scale() > 12) {
            throw new KeySpec.Invalid(path + "." + field, path + "." + field + " must be at most 12 digits before and after the point");
        }
        return Optional.of(d.stripTrailingZeros());
    }

    private static boolean bool(JsonNode policy, String field, String path) {
        JsonNode v = policy.get(field);
        if (v == null || v.isNull()) {
            return false;
        }
        if (!v.isBoolean()) {
            throw new KeySpec.Invalid(path + "." + field, path + "." + field + " must be true or false");
        }
        return v.booleanValue();
    }
}
