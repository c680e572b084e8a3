package io.embedgate.cache;

import static io.embedgate.cache.RedisClusterTest.assertVectors;
import static io.embedgate.cache.RedisClusterTest.awaitCached;
import static io.embedgate.cache.RedisClusterTest.body;
import static io.embedgate.cache.RedisClusterTest.inputs;
import static io.embedgate.testing.Api.embed;
import static io.embedgate.testing.Api.json;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import io.embedgate.fakes.FakeOpenAi;
import io.embedgate.testing.EveryRequestCachedInRedis;
import io.embedgate.testing.FakeUpstreamsResource;
import io.embedgate.testing.InjectFake;
import io.embedgate.testing.LogCapture;
import io.embedgate.testing.RedisNode;
import io.embedgate.testing.RedisSentinelResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * The shared state behind Redis Sentinel (a master, a replica, three sentinels, all with a password):
 * the cache on the master the sentinels name, and a failover while requests run that fails none of
 * them, after which the cache reads and writes the new master.
 */
@QuarkusTest
@TestProfile(EveryRequestCachedInRedis.class)
@WithTestResource(FakeUpstreamsResource.class)
@WithTestResource(RedisSentinelResource.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisSentinelTest {

    @InjectFake
    FakeOpenAi openai;

    @Test
    @Order(1)
    void theCacheLivesOnTheMasterTheSentinelsName() throws InterruptedException {
        openai.reset();
        List<String> inputs = inputs("sentinel", 20);
        embed(body(inputs)).then().statusCode(200).header("x-embedgate-cache", "hits=0; misses=20");
        awaitCached(inputs, Duration.ofSeconds(5));
        assertEquals(1, openai.callCount(), "served from the master, no second upstream call");
        RedisNode master = RedisSentinelResource.current().master();
        assertTrue(RedisClusterTest.cacheKeys(master) >= 20, "the entries are on the master");
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(metrics.contains("embedgate_redis_node_up{node=\"127.0.0.1:" + master.port() + "\",role=\"master\"} 1.0"), metrics);
    }

    @Test
    @Order(2)
    void aFailoverWhileRequestsRunFailsNoneAndTheCacheFollowsTheNewMaster() throws Exception {
        List<String> cached = inputs("sentinel", 20);
        RedisNode before = RedisSentinelResource.current().master();
        try (LogCapture log = LogCapture.of("io.embedgate"); RedisClusterTest.Traffic traffic = new RedisClusterTest.Traffic(cached)) {
            Thread.sleep(200);
            RedisSentinelResource.current().failover();
            RedisNode after = RedisSentinelResource.current().master();
            assertNotEquals(before.port(), after.port());
            // Until the sentinels turn the old master into a replica, it still takes writes (lost when it
            // resyncs: asynchronous replication); the gateway follows the switch meanwhile. While it is
            // demoted it closes its connections, so a ROLE that gets no answer means "not yet".
            long demoted = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (!"slave".equals(before.roleIfAnswering()) && System.nanoTime() < demoted) {
                Thread.sleep(50);
            }
            // New entries are written to, and read from, the new master.
            List<String> fresh = inputs("after failover", 10);
            embed(body(fresh)).then().statusCode(200);
            awaitCached(fresh, Duration.ofSeconds(15));
            long held = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (RedisClusterTest.cacheKeys(after) < 30 && System.nanoTime() < held) {
                Thread.sleep(50);
            }
            assertTrue(RedisClusterTest.cacheKeys(after) >= 30, "the new master holds the old entries (replicated) and the new ones: "
                    + RedisClusterTest.cacheKeys(after));
            traffic.assertAllAnswered();
            for (LogCapture.Line line : log.lines()) {
                assertFalse(line.message().contains(RedisSentinelResource.PASSWORD), "a log line holds the password: " + line.message());
            }
        }
        assertVectors(cached,
                json(embed(body(cached)).then().statusCode(200).header("x-embedgate-cache", "hits=20; misses=0").extract().response()));
    }
}
