package io.embedgate.config;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Everything the gateway reads from configuration ({@code gateway.*}). */
@ConfigMapping(prefix = "gateway")
public interface GatewayConfig {

    /** Provider instances by name, e.g. {@code gateway.providers.openai.*}. */
    Map<String, ProviderConfig> providers();

    /** The model catalogue by public model id, e.g. {@code gateway.models.text-embedding-3-small.*}. */
    Map<String, ModelConfig> models();

    AuthConfig auth();

    LimitsConfig limits();

    RoutingConfig routing();

    Cache cache();

    Usage usage();

    /** The usage ledger behind {@code GET /v1/usage}: what each key's answers counted, per model and UTC day. */
    interface Usage {

        /**
         * Days of usage kept, today included: Redis drops a day's counters this many days after it
         * began, and a process without Redis forgets older days. Default: more than a year.
         */
        @WithDefault("400")
        int retentionDays();

        /** How often each replica sends what it counted to the shared Redis; figures read from Redis lag by up to this. */
        @WithDefault("1s")
        Duration flushInterval();
    }

    Admin admin();

    /** The admin API ({@code /admin/*}): runtime keys and every key's usage. */
    interface Admin {

        /**
         * Lower-case hex SHA-256 of the admin credential, presented as {@code Authorization: Bearer}. No gateway key
         * is ever accepted in its place, nor the admin credential on {@code /v1}. Absent: the admin API is off (403).
         */
        Optional<String> keySha256();

        /** How often each replica asks the shared Redis whether runtime keys changed: the most a change takes to reach every replica. */
        @WithDefault("500ms")
        Duration keySyncInterval();
    }

    interface Cache {

        /** Cache every request by default (requests can still opt in with {@code orq.cache}). */
        @WithDefault("false")
        boolean enabledByDefault();

        /** TTL when a request enables the cache without one, and for the default policy. */
        @WithDefault("1h")
        Duration defaultTtl();

        /**
         * Memory bound of the in-process tier (vector bytes plus per-entry overhead); 0 turns the tier
         * off. Default: 25% of the maximum heap, beside the 40% of {@code limits.max-inflight-bytes}.
         */
        Optional<MemorySize> maxBytes();

        /** Whether each gateway key gets its own cache (no entry is shared between keys). */
        @WithDefault("false")
        boolean partitionByKey();

        /** The shared Redis: the cache's shared tier and the state replicas share (limits, usage, runtime keys). */
        RedisConfig redis();
    }

}
