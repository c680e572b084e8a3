package io.embedgate.config;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;

/** One provider instance ({@code gateway.providers.<name>.*}): its adapter type, endpoint, key, weight and limits. */
public interface ProviderConfig {

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
