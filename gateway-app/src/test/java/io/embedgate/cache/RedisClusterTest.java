package io.embedgate.cache;

import static io.embedgate.testing.Api.embed;
import static io.embedgate.testing.Api.json;
import static io.embedgate.testing.Api.vector;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;

import io.embedgate.fakes.FakeOpenAi;
import io.embedgate.redis.SharedRedis;
import io.embedgate.testing.FakeUpstreamsResource;
import io.embedgate.testing.InjectFake;
import io.embedgate.testing.LogCapture;
import io.embedgate.testing.RedisCluster;
import io.embedgate.testing.RedisClusterResource;
import io.embedgate.testing.RedisNode;
import io.embedgate.testing.TestKeys;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;

/**
 * The shared state on a real Redis Cluster (3 masters, a replica each): the cache spread over every
 * master and read back per node, a tenant's counters exact, a slot resharded and a master killed while
 * requests run. The in-process tier is off, so every hit comes from the cluster.
 */
@QuarkusTest
@TestProfile(RedisClusterTest.OnACluster.class)
@WithTestResource(FakeUpstreamsResource.class)
@WithTestResource(RedisClusterResource.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisClusterTest {

    static final String LIMITED = "eg-test-cluster-limited-0011223344";

    public static class OnACluster implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gateway.cache.max-bytes", "0", "gateway.cache.enabled-by-default", "true",
                    // Generous: these tests assert what Redis answered, not how fast (a killed node fails at once on loopback).
                    "gateway.cache.redis.timeout", "1s",
                    "gateway.auth.keys.limited.sha256", TestKeys.sha256(LIMITED),
                    "gateway.auth.keys.limited.requests-per-minute", "4",
                    "gateway.auth.keys.limited.token-budget-per-day", "1000000");
        }
    }

    static final String SMALL = "text-embedding-3-small";

    @InjectFake
    FakeOpenAi openai;

    static RedisCluster cluster() {
        return RedisClusterResource.current();
    }

    static String body(List<String> inputs) {
        StringBuilder b = new StringBuilder("{\"model\":\"" + SMALL + "\",\"input\":[");
        for (int i = 0; i < inputs.size(); i++) {
            b.append(i == 0 ? "" : ",").append('"').append(inputs.get(i)).append('"');
        }
        return b.append("]}").toString();
    }

    static List<String> inputs(String tag, int n) {
        return IntStream.range(0, n).mapToObj(i -> tag + " input " + i).toList();
    }

    /** Cache entries on one node: the gateway's keys less the usage ledger's and the rate limiter's. */
    static long cacheKeys(RedisNode node) {
        long n = 0;
        for (Object k : (List<?>) node.call("KEYS", "embedgate:v1:*")) {
            String key = new String((byte[]) k, StandardCharsets.ISO_8859_1);
            if (!key.startsWith("embedgate:v1:usage:") && !key.startsWith("embedgate:v1:ratelimit:")
                    && !key.startsWith("embedgate:v1:keys:")) {
                n++;
            }
        }
        return n;
    }

    static java.util.Set<String> cacheKeyNames(RedisNode node) {
        java.util.Set<String> out = new java.util.HashSet<>();
        for (Object k : (List<?>) node.call("KEYS", "embedgate:v1:*")) {
            String key = new String((byte[]) k, StandardCharsets.ISO_8859_1);
            if (!key.startsWith("embedgate:v1:usage:") && !key.startsWith("embedgate:v1:ratelimit:")) {
                out.add(key);
            }
        }
        return out;
    }

    static void assertVectors(List<String> inputs, JsonNode r) {
        for (int i = 0; i < inputs.size(); i++) {
            assertArrayEquals(FakeOpenAi.expectedVector(SMALL, inputs.get(i), null), vector(r, i), "input " + i);
        }
    }

    static void awaitCached(List<String> inputs, Duration timeout) throws InterruptedException {
        long until = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < until) {
            last = embed(body(inputs)).then().statusCode(200).extract().header("x-embedgate-cache");
            if (("hits=" + inputs.size() + "; misses=0").equals(last)) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("not all served from the cluster: " + last);
    }

    @Test
    @Order(1)
    void aHundredInputsSpreadOverEveryMasterAndComeBackFromThem() throws InterruptedException {
        openai.reset();
        List<String> inputs = inputs("spread", 100);
        embed(body(inputs)).then().statusCode(200).header("x-embedgate-cache", "hits=0; misses=100");
        long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (cluster().masters().stream().mapToLong(RedisClusterTest::cacheKeys).sum() < 100 && System.nanoTime() < until) {
            Thread.sleep(20);
        }
        for (RedisNode master : cluster().masters()) {
            long n = cacheKeys(master);
            assertTrue(n > 10, "every master holds a share of the 100 entries: " + master + " has " + n);
        }
        assertEquals(100, cluster().masters().stream().mapToLong(RedisClusterTest::cacheKeys).sum());
        JsonNode r = json(
                embed(body(inputs)).then().statusCode(200).header("x-embedgate-cache", "hits=100; misses=0").extract().response());
        assertEquals(1, openai.callCount(), "the second request made no upstream call");
        assertVectors(inputs, r);
    }

    @Test
    @Order(2)
    void aTenantsCountersStayExactOnTheCluster() {
        int ok = 0;
        int limited = 0;
        for (int i = 0; i < 7; i++) {
            Response r = given().header("Authorization", "Bearer " + LIMITED).contentType("application/json")
                    .body(body(List.of("tenant " + i))).post("/v1/embeddings");
            if (r.statusCode() == 200) {
                ok++;
            } else {
                assertEquals(429, r.statusCode(), r.asString());
                limited++;
            }
        }
        assertEquals(4, ok, "exactly the key's 4 requests per minute");
        assertEquals(3, limited);
        // The usage ledger on the cluster: one transaction per key, on the node of its tag.
        long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        int requests = -1;
        while (System.nanoTime() < until && requests != 4) {
            requests = given().header("Authorization", "Bearer " + LIMITED).get("/v1/usage").then().statusCode(200).extract()
                    .path("total.requests");
        }
        assertEquals(4, requests);
    }

    @Test
    @Order(3)
    void aSlotReshardedWhileRequestsRun() throws Exception {
        List<String> inputs = inputs("reshard", 40);
        RedisNode from = cluster().masters().get(0);
        java.util.Set<String> before = cacheKeyNames(from);
        embed(body(inputs)).then().statusCode(200);
        awaitCached(inputs, Duration.ofSeconds(5));
        // The slot of one of these inputs' entries, moved from its master to another in two halves.
        byte[] key = cacheKeyNames(from).stream().filter(k -> !before.contains(k)).findFirst()
                .map(k -> k.getBytes(StandardCharsets.ISO_8859_1)).orElseThrow(() -> new AssertionError("the first master holds entries"));
        int slot = RedisCluster.slot(key);
        RedisNode to = cluster().masters().get(1);
        try (Traffic traffic = new Traffic(inputs)) {
            cluster().beginMigration(slot, from, to);
            assertEquals(1, cluster().migrateKeys(slot, from, to, 1), "the slot is split between the two nodes");
            // Half-way: the moved key is behind an ASK, the rest still at the source.
            JsonNode half = json(
                    embed(body(inputs)).then().statusCode(200).header("x-embedgate-cache", "hits=40; misses=0").extract().response());
            assertVectors(inputs, half);
            cluster().finishMigration(slot, from, to);
            awaitCached(inputs, Duration.ofSeconds(5));
            traffic.assertAllAnswered();
        }
        JsonNode after = json(
                embed(body(inputs)).then().statusCode(200).header("x-embedgate-cache", "hits=40; misses=0").extract().response());
        assertVectors(inputs, after);
    }

    @Test
    @Order(4)
    void aMasterKilledMidTrafficFailsNoRequestAndTheCacheResumes() throws Exception {
        List<String> inputs = inputs("failover", 60);
        embed(body(inputs)).then().statusCode(200);
        awaitCached(inputs, Duration.ofSeconds(5));
        cluster().awaitReplicasInSync(Duration.ofSeconds(10));
        RedisNode victim = cluster().masters().get(2);
        String node = "127.0.0.1:" + victim.port();
        try (LogCapture log = LogCapture.of(SharedRedis.class.getName()); Traffic traffic = new Traffic(inputs)) {
            Thread.sleep(300);
            victim.kill();
            cluster().awaitFailoverOf(victim, Duration.ofSeconds(30));
            // The replica that took over holds the entries: every input is a hit again, no upstream call.
            awaitCached(inputs, Duration.ofSeconds(10));
            traffic.assertAllAnswered();
            long warnings = log.warnings().stream().filter(w -> w.contains("node " + node + " ") && w.contains("is down")).count();
            assertEquals(1, warnings, "one warning for the node's outage: " + log.warnings());
        }
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(metrics.contains("embedgate_redis_node_up{node=\"" + node + "\",role=\"master\"} 0.0"),
                "the killed master is down in the metric");
        int up = 0;
        for (String line : metrics.split("\n")) {
            if (line.startsWith("embedgate_redis_node_up{") && line.endsWith(" 1.0")) {
                up++;
            }
        }
        assertEquals(5, up, "the other five nodes are up");
    }

    /** Requests of cached inputs on two threads until closed; every one must be a 200 with the right vectors. */
    static final class Traffic implements AutoCloseable {

        private final AtomicBoolean stop = new AtomicBoolean();
        private final AtomicInteger answered = new AtomicInteger();
        private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        private final List<Thread> threads = new ArrayList<>();

        Traffic(List<String> inputs) {
            for (int t = 0; t < 2; t++) {
                Thread thread = new Thread(() -> {
                    while (!stop.get()) {
                        try {
                            Response r = embed(body(inputs));
                            if (r.statusCode() != 200) {
                                failures.add(r.statusCode() + " " + r.asString());
                            } else {
                                assertVectors(inputs, json(r));
                                answered.incrementAndGet();
                            }
                        } catch (Throwable e) {
                            failures.add(String.valueOf(e));
                        }
                    }
                });
                thread.start();
                threads.add(thread);
            }
        }

        void assertAllAnswered() throws InterruptedException {
            close();
            assertTrue(failures.isEmpty(), "failed requests: " + failures);
            assertTrue(answered.get() > 0, "traffic ran");
        }

        @Override
        public void close() throws InterruptedException {
            stop.set(true);
            for (Thread t : threads) {
                t.join(30_000);
            }
        }
    }
}
