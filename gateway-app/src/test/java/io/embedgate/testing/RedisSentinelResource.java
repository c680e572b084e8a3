package io.embedgate.testing;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A real Sentinel deployment on loopback ports: a master, a replica and three sentinels, every one
 * behind a password ({@code requirepass}), for {@code gateway.cache.redis.type=sentinel}. The
 * password is given as a setting, not in the URLs.
 */
public class RedisSentinelResource implements QuarkusTestResourceLifecycleManager {

    public static final String MASTER_NAME = "embedgate-cache";
    public static final String PASSWORD = "s3ntinel-Pa55word";

    private static volatile RedisSentinel current;

    public static RedisSentinel current() {
        return current;
    }

    @Override
    public Map<String, String> start() {
        current = RedisSentinel.start(MASTER_NAME, 1, 3, RedisTestOptions.withPassword(PASSWORD));
        return Map.of("gateway.cache.redis.type", "sentinel", "gateway.cache.redis.url", current.sentinelUrlsCsv(),
                "gateway.cache.redis.master-name", MASTER_NAME, "gateway.cache.redis.password", PASSWORD,
                "gateway.cache.redis.node-check-interval", "200ms");
    }

    @Override
    public void stop() {
        if (current != null) {
            current.close();
        }
    }
}
