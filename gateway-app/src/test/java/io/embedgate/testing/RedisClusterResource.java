package io.embedgate.testing;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A real Redis Cluster (3 masters, a replica each) on loopback ports for the gateway's shared state:
 * {@code gateway.cache.redis.type=cluster} with the masters as seeds. The node state is checked
 * every 200 ms, so that a test sees a failover soon after the cluster made it.
 */
public class RedisClusterResource implements QuarkusTestResourceLifecycleManager {

    private static volatile RedisCluster current;

    public static RedisCluster current() {
        return current;
    }

    @Override
    public Map<String, String> start() {
        current = RedisCluster.start(3, 1);
        return Map.of("gateway.cache.redis.type", "cluster", "gateway.cache.redis.url", current.seedUrlsCsv(),
                "gateway.cache.redis.node-check-interval", "200ms");
    }

    @Override
    public void stop() {
        if (current != null) {
            current.close();
        }
    }
}
