package io.embedgate;

import static io.embedgate.testing.Api.embed;
import static io.embedgate.testing.Api.json;
import static io.embedgate.testing.Api.vector;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;

import io.embedgate.cache.EmbeddingCache;
import io.embedgate.cache.RedisTier;
import io.embedgate.fakes.FakeOpenAi;
import io.embedgate.testing.FakeUpstreamsResource;
import io.embedgate.testing.InjectFake;
import io.embedgate.testing.RedisServerResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * The shared tier against a real redis-server: what one replica computed is served to another (a
 * replica with a cold local tier), and killing Redis keeps every request correct.
 */
@QuarkusTest
@TestProfile(RedisCacheTest.WithRedis.class)
@WithTestResource(FakeUpstreamsResource.class)
@WithTestResource(RedisServerResource.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisCacheTest {

    /** Its own application instance, so no other test shares this Redis. */
    public static class WithRedis implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gateway.cache.enabled-by-default", "true");
        }
    }

    static final String SMALL = "text-embedding-3-small";

    @InjectFake
    FakeOpenAi a;
    @Inject
    EmbeddingCache local;
    @Inject
    RedisTier redis;

    @Test
    @Order(1)
    void anotherReplicaIsServedFromRedis() throws InterruptedException {
        a.reset();
        String req = "{\"model\":\"text-embedding-3-small\",\"input\":[\"shared one\",\"shared two\"]}";
        embed(req).then().statusCode(200).header("x-embedgate-cache", "hits=0; misses=2");
        // Writes are asynchronous: wait until both entries are in Redis.
        for (int i = 0; i < 100 && !":2".equals(RedisServerResource.current().command("DBSIZE")); i++) {
            Thread.sleep(20);
        }
        assertEquals(":2", RedisServerResource.current().command("DBSIZE"));
        local.invalidateAll(); // a replica that never saw these inputs
        JsonNode r = json(embed(req).then().statusCode(200).header("x-embedgate-cache", "hits=2; misses=0").extract().response());
        assertEquals(1, a.callCount(), "the second replica made no upstream call");
        assertArrayEquals(FakeOpenAi.expectedVector(SMALL, "shared two", null), vector(r, 1));
        assertTrue(r.get("usage").get("prompt_tokens_details").get("cached_tokens").asInt() > 0);
    }

    @Test
    @Order(2)
    void killingRedisKeepsEveryRequestCorrect() {
        a.reset();
        RedisServerResource.current().kill();
        for (int i = 0; i < 5; i++) {
            local.invalidateAll();
            JsonNode r = json(embed("{\"model\":\"text-embedding-3-small\",\"input\":[\"after redis " + i + "\",\"shared one\"]}")
                    .then().statusCode(200).extract().response());
            assertArrayEquals(FakeOpenAi.expectedVector(SMALL, "after redis " + i, null), vector(r, 0));
            assertArrayEquals(FakeOpenAi.expectedVector(SMALL, "shared one", null), vector(r, 1));
        }
        assertEquals(5, a.callCount());
        assertTrue(redis.failures() >= 5, "failures are counted: " + redis.failures());
        assertEquals(1, redis.outages(), "one outage, warned about once");
    }
}
