package io.embedgate.testing;

/**
 * How the test deployments of {@link RedisCluster} and {@link RedisSentinel} are secured: a password
 * ({@code requirepass}, null for none) that every node, replica link and sentinel uses, and TLS (the
 * nodes listen on a TLS port only, certificates from {@link TestCertificates}).
 */
public record RedisTestOptions(String password, boolean tls) {

    public static final RedisTestOptions PLAIN = new RedisTestOptions(null, false);

    public static RedisTestOptions withPassword(String password) {
        return new RedisTestOptions(password, false);
    }

    public static RedisTestOptions withTls() {
        return new RedisTestOptions(null, true);
    }

    /** {@code rediss://} with TLS: what a client is configured with. */
    public String scheme() {
        return tls ? "rediss" : "redis";
    }
}
