package io.embedgate.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.embedgate.fakes.FakeOpenAi;
import io.embedgate.testing.Api;
import io.embedgate.testing.PackagedApp;
import io.embedgate.testing.RedisServerResource;

/**
 * Two gateway processes (the packaged application) sharing one real redis-server: what one replica
 * embedded, the other serves from Redis without an upstream call.
 */
class TwoReplicasSharingRedisIT {

    static RedisServerResource redis;
    static FakeOpenAi fake;
    static final List<PackagedApp> replicas = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        redis = new RedisServerResource();
        String redisUrl = redis.start().get("gateway.cache.redis.url");
        fake = FakeOpenAi.start();
        for (int i = 0; i < 2; i++) {
            replicas.add(PackagedApp.launch(Map.of("OPENAI_BASE_URL", fake.baseUrl(), "OPENAI_API_KEY", fake.apiKey(),
                    "EMBEDGATE_REDIS_URL", redisUrl, "GATEWAY_CACHE_ENABLED_BY_DEFAULT", "true",
                    // A replica's first Redis call also opens its connection: on a loaded machine that can take
                    // longer than the 200 ms default, and this test is about sharing, not about timeouts.
                    "GATEWAY_CACHE_REDIS_TIMEOUT", "2s"), new File("target/replica-" + i + ".log")));
        }
        for (PackagedApp replica : replicas) {
            replica.awaitReady();
        }
    }

    @AfterAll
    static void stop() throws Exception {
        for (PackagedApp replica : replicas) {
            replica.close();
        }
        if (fake != null) {
            fake.close();
        }
        if (redis != null) {
            redis.stop();
        }
    }

    @Test
    void whatOneReplicaEmbeddedTheOtherServesFromRedis() throws Exception {
        String body = "{\"model\":\"text-embedding-3-small\",\"input\":[\"replica one\",\"replica two\",\"replica three\"]}";
        HttpResponse<String> first = replicas.get(0).embed(body);
        assertEquals(200, first.statusCode(), first.body());
        assertEquals("hits=0; misses=3", first.headers().firstValue("x-embedgate-cache").orElseThrow());
        assertEquals(1, fake.callCount());
        // Replica 0 writes to Redis in the background: wait for the three entries.
        for (int i = 0; i < 500 && !":3".equals(redis.command("DBSIZE")); i++) {
            Thread.sleep(20);
        }
        HttpResponse<String> second = replicas.get(1).embed(body);
        assertEquals(200, second.statusCode(), second.body());
        assertEquals("hits=3; misses=0", second.headers().firstValue("x-embedgate-cache").orElseThrow());
        assertEquals(1, fake.callCount(), "replica 1 made no upstream call");
        JsonNode json = Api.JSON.readTree(second.body());
        float[] v = new float[json.get("data").get(2).get("embedding").size()];
        for (int k = 0; k < v.length; k++) {
            v[k] = json.get("data").get(2).get("embedding").get(k).floatValue();
        }
        assertArrayEquals(FakeOpenAi.expectedVector("text-embedding-3-small", "replica three", null), v);
    }
}
