package io.embedgate.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.embedgate.config.RedisConfig;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;

class RedisEndpointsTest {

    record Config(Optional<String> url, Type type, Optional<String> user, Optional<String> password, Tls tls) implements RedisConfig {

        static Config of(String url, Type type) {
            return new Config(Optional.of(url), type, Optional.empty(), Optional.empty(), new PlainTls());
        }

        Config withCredentials(String user, String password) {
            return new Config(url, type, Optional.ofNullable(user), Optional.ofNullable(password), tls);
        }

        @Override
        public String masterName() {
            return "cache-master";
        }

        @Override
        public Duration timeout() {
            return Duration.ofMillis(200);
        }

        @Override
        public String keyPrefix() {
            return "embedgate:v1:";
        }

        @Override
        public int maxPoolSize() {
            return 16;
        }

        @Override
        public Duration nodeCheckInterval() {
            return Duration.ofSeconds(2);
        }
    }

    record PlainTls() implements RedisConfig.Tls {

        @Override
        public Optional<List<String>> trustCertificates() {
            return Optional.empty();
        }

        @Override
        public Optional<String> certificate() {
            return Optional.empty();
        }

        @Override
        public Optional<String> key() {
            return Optional.empty();
        }

        @Override
        public boolean verifyHostname() {
            return true;
        }
    }

    @Test
    void standaloneIsOneServer() {
        RedisEndpoints e = new RedisEndpoints(Config.of("redis://cache:6379", RedisConfig.Type.STANDALONE));
        assertEquals(List.of("cache:6379"), e.addresses());
        assertEquals("redis://cache:6379", e.options().getEndpoint());
        assertFalse(e.tls());
        IllegalStateException two = assertThrows(IllegalStateException.class,
                () -> new RedisEndpoints(Config.of("redis://a:6379,redis://b:6379", RedisConfig.Type.STANDALONE)));
        assertTrue(two.getMessage().contains("gateway.cache.redis.type=cluster"), two.getMessage());
    }

    @Test
    void clusterSeedsAndNodesShareSchemeAndCredentials() {
        RedisEndpoints e = new RedisEndpoints(
                Config.of("rediss://app:s3cret@n1:6379, rediss://app:s3cret@n2:6379", RedisConfig.Type.CLUSTER));
        assertEquals(List.of("n1:6379", "n2:6379"), e.addresses());
        assertTrue(e.tls());
        assertEquals("rediss://app:s3cret@10.0.0.7:6380", e.node("10.0.0.7:6380").getEndpoint());
        assertEquals("HTTPS", e.node("n1:6379").getNetClientOptions().getHostnameVerificationAlgorithm());
        assertThrows(IllegalStateException.class,
                () -> new RedisEndpoints(Config.of("redis://n1:6379,rediss://n2:6379", RedisConfig.Type.CLUSTER)));
        assertThrows(IllegalStateException.class, () -> new RedisEndpoints(Config.of("redis://n1:6379/3", RedisConfig.Type.CLUSTER)));
    }

    @Test
    void settingsCredentialsOverrideTheUrlsAndAreEncoded() {
        RedisEndpoints e = new RedisEndpoints(
                Config.of("redis://old:pw@cache:6379", RedisConfig.Type.STANDALONE).withCredentials("gw", "p@ss/w:rd"));
        assertEquals("redis://gw:p%40ss%2Fw%3Ard@cache:6379", e.options().getEndpoint());
        RedisEndpoints passwordOnly = new RedisEndpoints(
                Config.of("redis://cache:6379", RedisConfig.Type.STANDALONE).withCredentials(null, "pw"));
        assertEquals("redis://:pw@cache:6379", passwordOnly.options().getEndpoint());
    }

    @Test
    void sentinelsNameTheMaster() {
        RedisOptions o = new RedisEndpoints(Config.of("redis://s1:26379,redis://s2:26379", RedisConfig.Type.SENTINEL)).options();
        assertEquals(RedisClientType.SENTINEL, o.getType());
        assertEquals("cache-master", o.getMasterName());
        assertEquals(List.of("redis://s1:26379", "redis://s2:26379"), o.getEndpoints());
        assertTrue(o.isAutoFailover());
    }

    @Test
    void logLinesHoldNoSecret() {
        RedisEndpoints e = new RedisEndpoints(Config.of("redis://user:hunter2@cache:6379", RedisConfig.Type.STANDALONE));
        assertFalse(e.describe().contains("hunter2"), e.describe());
        assertTrue(e.describe().contains("cache:6379"), e.describe());
        IllegalStateException bad = assertThrows(IllegalStateException.class,
                () -> new RedisEndpoints(Config.of("http://user:hunter2@cache:6379", RedisConfig.Type.STANDALONE)));
        assertFalse(bad.getMessage().contains("hunter2"), bad.getMessage());
    }
}
