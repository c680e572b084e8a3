package io.embedgate.auth;

import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

import io.embedgate.config.AuthConfig;
import io.embedgate.ratelimit.Budgets;
import io.embedgate.ratelimit.Rates;

/**
 * What a gateway key may do, as configured ({@code gateway.auth.keys.<id>.*}) or set through the admin
 * API: the same rules for both, checked here once. {@link #policy} is what requests are held to.
 */
public record KeySpec(Optional<String> description, List<String> allowedModels, List<String> allowedProviders, OptionalInt maxInputs,
        boolean debugAllowed, boolean cachePartitioned, Rates rates, Budgets budgets) {

    /** A rule a spec breaks, naming the field in the admin API's spelling ({@code requests_per_minute}). */
    public static final class Invalid extends RuntimeException {

        private final String field;

        Invalid(String field, String message) {
            super(message, null, false, false);
            this.field = field;
        }

        public String field() {
            return field;
        }
    }

    public KeySpec {
        allowedModels = List.copyOf(allowedModels);
        allowedProviders = List.copyOf(allowedProviders);
        if (description.isPresent() && description.get().length() > 256) {
            throw new Invalid("description", "description is at most 256 characters");
        }
        check(allowedModels, "allowed_models");
        check(allowedProviders, "allowed_providers");
        if (maxInputs.isPresent() && maxInputs.getAsInt() < 1) {
            throw new Invalid("max_inputs_per_request", "max_inputs_per_request must be at least 1");
        }
        positive(rates.requestsPerMinute(), "requests_per_minute");
        positive(rates.inputsPerMinute(), "inputs_per_minute");
        positive(rates.tokensPerMinute(), "tokens_per_minute");
        positive(budgets.tokensPerDay(), "token_budget_per_day");
        positive(budgets.tokensPerMonth(), "token_budget_per_month");
        positive(budgets.usdPerDay(), "cost_budget_per_day");
        positive(budgets.usdPerMonth(), "cost_budget_per_month");
    }

    /** The spec of a configured key; a broken rule fails the start, naming the setting. */
    public static KeySpec of(String id, AuthConfig.Key key) {
        try {
            return new KeySpec(Optional.empty(), key.allowedModels().orElse(List.of()), key.allowedProviders().orElse(List.of()),
                    key.maxInputsPerRequest(), key.debugAllowed(), key.cachePartitioned(),
                    new Rates(key.requestsPerMinute(), key.inputsPerMinute(), key.tokensPerMinute()),
                    new Budgets(key.tokenBudgetPerDay(), key.tokenBudgetPerMonth(), key.costBudgetPerDay(), key.costBudgetPerMonth()));
        } catch (Invalid e) {
            throw new IllegalStateException("gateway.auth.keys." + id + "." + e.field().replace('_', '-') + ": " + e.getMessage());
        }
    }

    public KeyPolicy policy(String keyId) {
        return new KeyPolicy(keyId, allowedModels, allowedProviders, maxInputs, rates, budgets, cachePartitioned);
    }

    private static void check(List<String> names, String field) {
        if (names.size() > 256) {
            throw new Invalid(field, field + " holds at most 256 entries");
        }
        for (String n : names) {
            if (n == null || n.isBlank() || n.length() > 256) {
                throw new Invalid(field, field + " entries must be non-empty names of at most 256 characters");
            }
        }
    }

    private static void positive(OptionalInt v, String field) {
        if (v.isPresent() && v.getAsInt() < 1) {
            throw new Invalid(field, field + " must be at least 1");
        }
    }

    private static void positive(OptionalLong v, String field) {
        if (v.isPresent() && v.getAsLong() < 1) {
            throw new Invalid(field, field + " must be at least 1");
        }
    }

    private static void positive(Optional<BigDecimal> v, String field) {
        if (v.isPresent() && v.get().signum() <= 0) {
            throw new Invalid(field, field + " must be more than 0");
        }
    }
}
