package io.embedgate.testing;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * Caching on for every request with the in-process tier off, so each cached input lives in the shared Redis
 * only: for the tests of how the gateway reaches a Redis deployment (Sentinel, a secured cluster). The timeout is
 * generous because they assert what Redis answered, not how fast.
 */
public class EveryRequestCachedInRedis implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("gateway.cache.max-bytes", "0", "gateway.cache.enabled-by-default", "true", "gateway.cache.redis.timeout", "1s");
    }
}
