package io.embedgate.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.http.HttpResponse;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.embedgate.fakes.FakeOpenAi;
import io.embedgate.testing.Api;
import io.embedgate.testing.ReplicasSharingRedis;

/**
 * Two gateway processes (the packaged application) sharing one real redis-server: what one replica
 * embedded, the other serves from Redis without an upstream call.
 */
class TwoReplicasSharingRedisIT {

    static ReplicasSharingRedis shared;

    @BeforeAll
    static void start() throws Exception {
        shared = new ReplicasSharingRedis(2, Map.of("GATEWAY_CACHE_ENABLED_BY_DEFAULT", "true"), "replica");
    }

    @AfterAll
    static void stop() throws Exception {
        if (shared != null) {
            shared.close();
        }
    }

    @Test
    void whatOneReplicaEmbeddedTheOtherServesFromRedis() throws Exception {
        String body = "{\"model\":\"text-embedding-3-small\",\"input\":[\"replica one\",\"replica two\",\"replica three\"]}";
        HttpResponse<String> first = shared.replicas.get(0).embed(body);
        assertEquals(200, first.statusCode(), first.body());
        assertEquals("hits=0; misses=3", first.headers().firstValue("x-embedgate-cache").orElseThrow());
        assertEquals(1, shared.fake.callCount());
        // Replica 0 writes to Redis in the background: wait for the three entries.
        for (int i = 0; i < 500 && shared.redis.cacheKeys().size() != 3; i++) {
            Thread.sleep(20);
        }
        HttpResponse<String> second = shared.replicas.get(1).embed(body);
        assertEquals(200, second.statusCode(), second.body());
        assertEquals("hits=3; misses=0", second.headers().firstValue("x-embedgate-cache").orElseThrow());
        assertEquals(1, shared.fake.callCount(), "replica 1 made no upstream call");
        JsonNode json = Api.JSON.readTree(second.body());
        float[] v = new float[json.get("data").get(2).get("embedding").size()];
        for (int k = 0; k < v.length; k++) {
            v[k] = json.get("data").get(2).get("embedding").get(k).floatValue();
        }
        assertArrayEquals(FakeOpenAi.expectedVector("text-embedding-3-small", "replica three", null), v);
    }
}
