package io.embedgate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.embedgate.fakes.FakeOpenAi;
import io.embedgate.testing.Api;
import io.embedgate.testing.RedisServerResource;
import io.embedgate.testing.TestKeys;

/**
 * Two gateway processes (the packaged application) sharing one real redis-server: what one replica
 * embedded, the other serves from Redis without an upstream call.
 */
class TwoReplicasSharingRedisIT {

    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    static RedisServerResource redis;
    static FakeOpenAi fake;
    static final List<Process> replicas = new ArrayList<>();
    static final List<Integer> ports = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        redis = new RedisServerResource();
        String redisUrl = redis.start().get("gateway.cache.redis.url");
        fake = FakeOpenAi.start();
        Path jar = Path.of("target", "quarkus-app", "quarkus-run.jar");
        for (int i = 0; i < 2; i++) {
            int port = freePort();
            ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
                    "-jar", jar.toString()).redirectErrorStream(true).redirectOutput(new File("target/replica-" + i + ".log"));
            Map<String, String> env = pb.environment();
            env.put("PORT", Integer.toString(port));
            env.put("OPENAI_BASE_URL", fake.baseUrl());
            env.put("OPENAI_API_KEY", fake.apiKey());
            env.put("GATEWAY_API_KEY_SHA256", TestKeys.sha256(TestKeys.GATEWAY_KEY));
            env.put("EMBEDGATE_REDIS_URL", redisUrl);
            env.put("GATEWAY_CACHE_ENABLED_BY_DEFAULT", "true");
            // Two replicas in front of the fake: loading the in-process model twice would only cost time.
            env.put("GATEWAY_PROVIDERS_LOCAL_ENABLED", "false");
            replicas.add(pb.start());
            ports.add(port);
        }
        for (int port : ports) {
            waitUntilServing(port);
        }
    }

    @AfterAll
    static void stop() {
        replicas.forEach(Process::destroy);
        if (fake != null) {
            fake.close();
        }
        if (redis != null) {
            redis.stop();
        }
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static void waitUntilServing(int port) throws Exception {
        long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < until) {
            try {
                if (HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/ready")).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (Exception notYet) {
                // starting
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("replica on port " + port + " did not start; see target/replica-*.log");
    }

    static HttpResponse<String> embed(int port, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/embeddings")).timeout(Duration.ofSeconds(30))
                .header("Authorization", TestKeys.BEARER).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void whatOneReplicaEmbeddedTheOtherServesFromRedis() throws Exception {
        String body = "{\"model\":\"text-embedding-3-small\",\"input\":[\"replica one\",\"replica two\",\"replica three\"]}";
        HttpResponse<String> first = embed(ports.get(0), body);
        assertEquals(200, first.statusCode(), first.body());
        assertEquals("hits=0; misses=3", first.headers().firstValue("x-embedgate-cache").orElseThrow());
        assertEquals(1, fake.callCount());
        // Replica 0 writes to Redis in the background: wait for the three entries.
        for (int i = 0; i < 100 && !":3".equals(redis.command("DBSIZE")); i++) {
            Thread.sleep(20);
        }
        HttpResponse<String> second = embed(ports.get(1), body);
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
