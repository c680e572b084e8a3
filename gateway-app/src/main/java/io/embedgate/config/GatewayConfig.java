package io.embedgate.config;

import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;

/** Everything the gateway reads from configuration ({@code gateway.*}). */
@ConfigMapping(prefix = "gateway")
public interface GatewayConfig {

    /** Provider instances by name, e.g. {@code gateway.providers.openai.*}. */
    Map<String, Provider> providers();

    /** The model catalogue by public model id, e.g. {@code gateway.models.text-embedding-3-small.*}. */
    Map<String, Model> models();

    Auth auth();

    Limits limits();

    Routing routing();

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

    interface Provider {

        /** Adapter type: {@code openai}, ... */
        String type();

        /** The upstream's base URL; remote types need one (without it the instance is disabled), {@code local} has none. */
        Optional<URI> baseUrl();

        /** Provider key; usually from an environment variable. An instance without one is disabled. */
        Optional<String> apiKey();

        /** Experimental instance: skipped unless a request sets {@code provider.include_alpha}. */
        @WithDefault("false")
        boolean alpha();

        /** Share of traffic when several instances serve one model. */
        @WithDefault("1")
        double weight();

        /** Lower is tried first among the instances serving a model; ties share traffic by weight or latency. */
        @WithDefault("0")
        int priority();

        @WithDefault("true")
        boolean enabled();

        /** Extra static headers sent upstream (e.g. {@code OpenAI-Project}). */
        Map<String, String> headers();

        @WithDefault("5s")
        Duration connectTimeout();

        /** Connection pool size per event loop (each loop keeps its own connections; see UpstreamHttp). */
        @WithDefault("64")
        int maxConnections();

        /**
         * How many calls one request sends this instance at once when its inputs are split over
         * several (Bedrock's Titan takes one text per call, Cohere 96): the rest wait for a free slot,
         * so a 2,048-input request is not 2,048 simultaneous calls.
         */
        @WithDefault("16")
        int maxConcurrentCalls();

        /**
         * At most this many requests a minute from this gateway process to the instance (a local token
         * bucket); a request beyond it goes to another instance, or gets a 429. With N replicas, set
         * each replica's share. Unset: no local limit (the provider's own headers still count).
         */
        OptionalInt requestsPerMinute();

        /** At most this many (estimated) tokens a minute from this gateway process to the instance; see {@link #requestsPerMinute}. */
        OptionalInt tokensPerMinute();

        /**
         * A named bundle of defaults the adapter knows, e.g. {@code together} for {@code type=openai}:
         * base URL, auth style, known models, limits and quirks. What is set explicitly wins.
         */
        Optional<String> preset();

        /**
         * The adapter's own settings, e.g. Azure OpenAI's {@code api-version} and {@code deployment}; an
         * empty one (an unset environment variable) counts as absent.
         */
        Map<String, @WithConverter(KeepEmpty.class) String> settings();
    }

    interface Model {

        /** Instance names that serve this model, in order of preference. */
        List<String> providers();

        /** Name of the model at the provider, when it differs from the public id. */
        Optional<String> upstreamModel();

        /** Per-instance upstream names, overriding {@link #upstreamModel()}. */
        Map<String, String> upstreamModels();

        /** Native output size; required for models the adapter does not know. */
        OptionalInt dimensions();

        /** Whether {@code dimensions} may ask for a smaller size. */
        Optional<Boolean> reducibleDimensions();

        OptionalInt minDimensions();

        OptionalInt maxInputsPerCall();

        Optional<Boolean> tokenIdInput();

        /**
         * The model is Matryoshka-trained and the gateway shortens its vectors itself with this recipe
         * ({@code truncate} or {@code layer-norm}), for servers that cannot (TEI, Ollama): requests may
         * then ask for any size from {@code min-dimensions} (default 1) up to the native one.
         */
        Optional<String> matryoshka();

        /**
         * Text prefixes by {@code embedding_options.input_type} ({@code query}, {@code document}, ...) for
         * models that expect one in the text (E5 {@code "query: "}, Nomic {@code "search_query: "}).
         * Added only where the serving provider has no input-type option of its own.
         */
        Map<String, String> inputPrefixes();

        /**
         * List price in USD per million input tokens, for {@code usage.cost}; the provider modules set
         * it for their known models. Absent: no cost is reported for the model (never a guess).
         */
        Optional<String> pricePerMillionTokens();

        /** The day the price was taken (YYYY-MM-DD); required with a price. */
        Optional<String> priceAsOf();
    }

    interface Auth {

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

    interface Limits {

        /** Inputs per request (OpenAI's limit). */
        @WithDefault("2048")
        int maxInputs();

        /** Largest accepted request body; larger ones get 413. */
        @WithDefault("16M")
        MemorySize maxBodySize();

        /**
         * Memory the gateway lets its requests in flight hold (upstream replies, vectors, inputs), by
         * estimate at admission and by measure while replies are read. Default: 40% of the maximum
         * heap. A request that does not fit waits up to {@link #inflightWait()}, then gets 503.
         */
        Optional<MemorySize> maxInflightBytes();

        /** How long a request waits for room in {@link #maxInflightBytes()} before a 503 with retry-after. */
        @WithDefault("5s")
        Duration inflightWait();

        /** A client that reads nothing of a streamed response for this long is cut off (its connection closed). */
        @WithDefault("30s")
        Duration writeIdleTimeout();

        /**
         * The largest response this deployment can return (an AWS Lambda function: 6 MB); a larger
         * answer gets 413 {@code response_too_large}. Unset: no limit, large responses stream.
         */
        Optional<MemorySize> maxResponseSize();
    }

    interface Routing {

        /** Overall deadline of a request, all upstream calls included ({@code orq.timeout.call_timeout} overrides it). */
        @WithDefault("60s")
        Duration timeout();

        /** Upper bound for {@code orq.timeout.call_timeout}. */
        @WithDefault("10m")
        Duration maxTimeout();

        Retry retry();

        CircuitBreaker circuitBreaker();

        /** Whether {@code orq.fallbacks} may name another model at all (only ever one of the same size). */
        @WithDefault("true")
        boolean allowCrossModelFallback();

        /** Whether {@code orq.load_balancer} may mix models (of the same size); off, as it scatters one index over vector spaces. */
        @WithDefault("false")
        boolean allowMixedLoadBalancing();

        /**
         * Whether the router follows what providers report of their rate limits (the
         * {@code x-ratelimit-*} headers, and a 429's retry-after): an instance known to be exhausted is
         * not called until its estimated refill. Configured {@code requests-per-minute} and
         * {@code tokens-per-minute} apply either way.
         */
        @WithDefault("true")
        boolean followProviderRateLimits();

        interface Retry {

            /** Retries per upstream call when the request sets none. */
            @WithDefault("2")
            int count();

            /** Upper bound for {@code orq.retry.count}. */
            @WithDefault("10")
            int maxCount();

            @WithDefault("429,500,502,503,504")
            List<Integer> onCodes();

            /** First backoff; doubles per retry, with full jitter. */
            @WithDefault("100ms")
            Duration initialBackoff();

            @WithDefault("5s")
            Duration maxBackoff();

            /** A provider asking to wait longer than this is not retried (the next instance is tried). */
            @WithDefault("20s")
            Duration maxRetryAfter();
        }

        interface CircuitBreaker {

            /** Calls the window must hold before a failure may open the breaker. */
            @WithDefault("10")
            int requestVolume();

            /** Share of failed calls in the window at or above which a failure opens the breaker. */
            @WithDefault("0.5")
            double failureRatio();

            /** The recent stretch of time whose outcomes the breaker judges; older ones no longer count. */
            @WithDefault("30s")
            Duration window();

            /** How long an open breaker refuses calls before it lets probes through. */
            @WithDefault("10s")
            Duration delay();

            /** Successful probes that close a half-open breaker; also the most probes at once. */
            @WithDefault("2")
            int successThreshold();
        }
    }
}
