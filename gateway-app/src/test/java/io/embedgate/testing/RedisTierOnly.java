package io.embedgate.testing;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * A replica with its in-process tier off, so every cached input is read from Redis: what Redis
 * holds, and how it answers, is all the cache has. The timeout is generous because these tests
 * assert what Redis answered: a call skipped as slow on a busy machine would fail them for nothing.
 */
public class RedisTierOnly implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("gateway.cache.max-bytes", "0", "gateway.cache.redis.timeout", "2s");
    }
}
