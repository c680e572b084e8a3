package io.embedgate.cache;

import static io.embedgate.cache.RedisClusterTest.assertVectors;
import static io.embedgate.cache.RedisClusterTest.awaitCached;
import static io.embedgate.cache.RedisClusterTest.body;
import static io.embedgate.cache.RedisClusterTest.inputs;
import static io.embedgate.testing.Api.embed;
import static io.embedgate.testing.Api.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.embedgate.fakes.FakeOpenAi;
import io.embedgate.testing.EveryRequestCachedInRedis;
import io.embedgate.testing.FakeUpstreamsResource;
import io.embedgate.testing.InjectFake;
import io.embedgate.testing.RedisCluster;
import io.embedgate.testing.RedisNode;
import io.embedgate.testing.RedisTestOptions;
import io.embedgate.testing.TestCertificates;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * A Redis Cluster that speaks TLS only (its own CA, certificates for 127.0.0.1) and wants a password:
 * the gateway trusts the CA from {@code tls.trust-certificates}, checks the host name, and sends the
 * password from the settings to the seeds and to every node the cluster names.
 */
@QuarkusTest
@TestProfile(EveryRequestCachedInRedis.class)
@WithTestResource(FakeUpstreamsResource.class)
@WithTestResource(RedisSecuredClusterTest.SecuredCluster.class)
class RedisSecuredClusterTest {

    static final String PASSWORD = "cluster-Pa55word";

    public static class SecuredCluster implements QuarkusTestResourceLifecycleManager {

        static volatile RedisCluster cluster;

        @Override
        public Map<String, String> start() {
            cluster = RedisCluster.start(3, 0, new RedisTestOptions(PASSWORD, true));
            return Map.of("gateway.cache.redis.type", "cluster", "gateway.cache.redis.url", cluster.seedUrlsCsv(),
                    "gateway.cache.redis.password", PASSWORD,
                    "gateway.cache.redis.tls.trust-certificates", TestCertificates.get().caCertPem().toString());
        }

        @Override
        public void stop() {
            if (cluster != null) {
                cluster.close();
            }
        }
    }

    @InjectFake
    FakeOpenAi openai;

    @Test
    void cachedOverTlsWithThePassword() throws InterruptedException {
        openai.reset();
        assertTrue(SecuredCluster.cluster.seedUrlsCsv().startsWith("rediss://"), "the nodes listen on TLS only");
        assertFalse(SecuredCluster.cluster.seedUrlsCsv().contains(PASSWORD));
        List<String> inputs = inputs("secured", 30);
        embed(body(inputs)).then().statusCode(200).header("x-embedgate-cache", "hits=0; misses=30");
        awaitCached(inputs, Duration.ofSeconds(5));
        assertEquals(1, openai.callCount());
        long spread = SecuredCluster.cluster.masters().stream().filter(m -> RedisClusterTest.cacheKeys(m) > 0).count();
        assertEquals(3, spread, "entries on every master");
        assertVectors(inputs, json(embed(body(inputs)).then().statusCode(200).extract().response()));
        for (RedisNode m : SecuredCluster.cluster.masters()) {
            assertTrue(m.url().startsWith("rediss://"));
        }
    }
}
