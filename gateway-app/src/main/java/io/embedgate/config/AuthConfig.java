package io.embedgate.config;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

import io.smallrye.config.WithDefault;

/** Gateway keys and what each may do ({@code gateway.auth.*}). */
public interface AuthConfig {

    /** Turn off only for local experiments: every /v1 route is then open. */
    @WithDefault("true")
    boolean enabled();

    /** Gateway keys by id; the id appears in logs, the key itself never does. */
    Map<String, Key> keys();

    interface Key {

        /** Lower-case hex SHA-256 of the key. The key itself is never configured. */
        Optional<String> sha256();

        /**
         * Whether requests with this key may use {@code debug} (a trace naming upstream URLs and
         * instances, with secrets masked); others get 403.
         */
        @WithDefault("false")
        boolean debugAllowed();

        /**
         * This key's inputs are cached apart: it is never served another key's entry, nor another key its own
         * ({@code gateway.cache.partition-by-key} does this for every key).
         */
        @WithDefault("false")
        boolean cachePartitioned();

        /**
         * Catalogue models this key may ask for: ids or globs ({@code text-embedding-3-*}); any other
         * is a 403 {@code model_not_allowed}, fallbacks and load-balancer entries included. Absent: all.
         */
        Optional<List<String>> allowedModels();

        /** Provider instances (names or types) this key's calls may go to; the others are left out. Absent: all. */
        Optional<List<String>> allowedProviders();

        /** Inputs per request for this key, below {@code gateway.limits.max-inputs}. Absent: that limit. */
        OptionalInt maxInputsPerRequest();

        /** Requests per minute; over it a 429 with {@code retry-after}. Absent: no limit. */
        OptionalInt requestsPerMinute();

        /** Inputs per minute. Absent: no limit. */
        OptionalInt inputsPerMinute();

        /** Tokens per minute: estimated before the call, settled from the provider's usage after it. Absent: no limit. */
        OptionalInt tokensPerMinute();

        /** Tokens sent upstream per UTC day; once spent, a 429 insufficient_quota until the day ends. Absent: none. */
        OptionalLong tokenBudgetPerDay();

        /** Tokens sent upstream per UTC month. */
        OptionalLong tokenBudgetPerMonth();

        /** USD per UTC day at the models' list prices (models without a price count nothing). */
        Optional<BigDecimal> costBudgetPerDay();

        /** USD per UTC month at the models' list prices. */
        Optional<BigDecimal> costBudgetPerMonth();
    }

    /**
     * When the shared Redis holding the rate-limit buckets cannot be reached: true, each replica
     * limits on its own buckets meanwhile (a warning once per outage); false, rate-limited keys get 503.
     */
    @WithDefault("true")
    boolean rateLimitsFailOpen();
}
