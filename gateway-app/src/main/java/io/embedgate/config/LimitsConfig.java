package io.embedgate.config;

import java.time.Duration;
import java.util.Optional;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.WithDefault;

/** What bounds a request and the memory of requests in flight ({@code gateway.limits.*}). */
public interface LimitsConfig {

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
