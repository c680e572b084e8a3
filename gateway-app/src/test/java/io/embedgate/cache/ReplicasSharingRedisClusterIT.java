package io.embedgate.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;

import io.embedgate.fakes.FakeOpenAi;
import io.embedgate.testing.Api;
import io.embedgate.testing.PackagedApp;
import io.embedgate.testing.RedisNode;
import io.embedgate.testing.ReplicasSharingRedisCluster;
import io.embedgate.testing.TestKeys;

/**
 * Two gateway processes (the packaged application, A and B) sharing one real Redis Cluster of three
 * masters with a replica each ({@code gateway.cache.redis.type=cluster}): what A embedded, B serves from
 * the cluster, the entries spread over every master; a key's rate limit and token budget are spent by both
 * together, and its usage is counted once, whichever replica is asked; a runtime key created on one holds
 * on the other, and its revocation too. The standalone-Redis counterparts are {@link TwoReplicasSharingRedisIT}
 * and {@code io.embedgate.auth.TenantsSharedByReplicasIT}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReplicasSharingRedisClusterIT {

    static final String MODEL = "text-embedding-3-small";
    /** Six a minute: one request comes back every ten seconds, longer than the rate test takes on any sane machine. */
    static final int PER_MINUTE = 6;
    static final String RATED_KEY = "eg-test-rated-key-1122334455667788990011";
    /** A daily token budget, spent by both replicas: each request of "budget N" is two tokens. */
    static final int TOKEN_BUDGET = 10;
    static final String BUDGET_KEY = "eg-test-budget-key-77665544332211";
    static final String ADMIN = "eg-test-admin-credential-0011223344556677";

    static ReplicasSharingRedisCluster shared;
    static PackagedApp a;
    static PackagedApp b;

    @BeforeAll
    static void start() throws Exception {
        String keys = "-Dgateway.admin.key-sha256=" + TestKeys.sha256(ADMIN)
                + " -Dgateway.auth.keys.rated.sha256=" + TestKeys.sha256(RATED_KEY)
                + " -Dgateway.auth.keys.rated.requests-per-minute=" + PER_MINUTE
                + " -Dgateway.auth.keys.budget.sha256=" + TestKeys.sha256(BUDGET_KEY)
                + " -Dgateway.auth.keys.budget.token-budget-per-day=" + TOKEN_BUDGET;
        shared = new ReplicasSharingRedisCluster(3, 1,
                Map.of("GATEWAY_CACHE_ENABLED_BY_DEFAULT", "true", "JAVA_TOOL_OPTIONS", keys),
                // B has no in-process tier: whatever it serves from the cache comes from the cluster.
                List.of(Map.of(), Map.of("GATEWAY_CACHE_MAX_BYTES", "0")), "cluster-replica");
        a = shared.replicas.get(0);
        b = shared.replicas.get(1);
    }

    @AfterAll
    static void stop() throws Exception {
        if (shared != null) {
            shared.close();
        }
    }

    @Test
    @Order(0)
    void whatOneReplicaEmbeddedTheOtherServesFromEveryMaster() throws Exception {
        List<String> inputs = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            inputs.add("cluster input " + i);
        }
        String body = Api.JSON.writeValueAsString(Map.of("model", MODEL, "input", inputs));
        int calls = shared.fake.callCount();
        HttpResponse<String> first = a.embed(body);
        assertEquals(200, first.statusCode(), first.body());
        assertEquals("hits=0; misses=100", first.headers().firstValue("x-embedgate-cache").orElseThrow());
        assertEquals(calls + 1, shared.fake.callCount(), "one upstream call for the 100 inputs");

        // A writes to the cluster in the background: wait for the 100 entries.
        Map<RedisNode, Integer> perMaster = shared.cacheKeysPerMaster();
        for (int i = 0; i < 500 && total(perMaster) != 100; i++) {
            Thread.sleep(20);
            perMaster = shared.cacheKeysPerMaster();
        }
        assertEquals(100, total(perMaster), "cache entries per master: " + perMaster);
        assertEquals(3, perMaster.size(), "masters: " + perMaster);
        for (Map.Entry<RedisNode, Integer> m : perMaster.entrySet()) {
            assertTrue(m.getValue() > 0, "every master holds some of the entries: " + perMaster);
        }

        HttpResponse<String> second = b.embed(body);
        assertEquals(200, second.statusCode(), second.body());
        assertEquals("hits=100; misses=0", second.headers().firstValue("x-embedgate-cache").orElseThrow());
        assertEquals(calls + 1, shared.fake.callCount(), "B made no upstream call");
        JsonNode fromA = Api.JSON.readTree(first.body()).get("data");
        JsonNode fromB = Api.JSON.readTree(second.body()).get("data");
        assertEquals(100, fromB.size());
        for (int i = 0; i < 100; i++) {
            assertEquals(i, fromB.get(i).get("index").asInt());
            float[] expected = FakeOpenAi.expectedVector(MODEL, inputs.get(i), null);
            assertArrayEquals(expected, vector(fromA.get(i)), "A's vector of input " + i);
            assertArrayEquals(expected, vector(fromB.get(i)), "B's vector of input " + i);
        }
    }

    @Test
    @Order(1)
    void aRuntimeKeyCreatedOnOneReplicaWorksOnTheOtherAndItsRevocationToo() throws Exception {
        String body = "{\"model\":\"" + MODEL + "\",\"input\":\"runtime key on the cluster\"}";
        HttpResponse<String> created = a.send("POST", "/admin/keys", ADMIN,
                "{\"id\":\"cluster-team\",\"policy\":{\"requests_per_minute\":1000}}");
        assertEquals(201, created.statusCode(), created.body());
        String key = Api.JSON.readTree(created.body()).get("key").asText();
        assertEquals(200, a.embed(key, body).statusCode(), "the creating replica holds the key at once");
        long seen = PackagedApp.until(200, () -> b.embed(key, body));
        String store = ReplicasSharingRedisCluster.PREFIX + "keys:{admin-keys}";
        assertEquals(1L, shared.onMasterOf(store, "HEXISTS", store, "cluster-team"), "the key is stored on the master of its slot");

        HttpResponse<String> revoked = b.send("DELETE", "/admin/keys/cluster-team", ADMIN, null);
        assertEquals(200, revoked.statusCode(), revoked.body());
        long gone = PackagedApp.until(401, () -> a.embed(key, body));
        // The replicas poll the store every 500 ms (gateway.admin.key-sync-interval); a loaded machine may add a little.
        assertTrue(seen < 1500 && gone < 1500, "created on A, seen on B after " + seen + " ms; revoked on B, refused on A after " + gone
                + " ms");
    }

    @Test
    @Order(2)
    void twoReplicasTogetherAdmitExactlyTheKeysRateAndCountItsUsageOnce() throws Exception {
        int calls = shared.fake.callCount();
        long began = System.nanoTime();
        int admitted = 0;
        for (int i = 0; i < 3 * PER_MINUTE; i++) {
            HttpResponse<String> r = (i % 2 == 0 ? a : b).embed(RATED_KEY, "{\"model\":\"" + MODEL + "\",\"input\":\"rated " + i + "\"}");
            if (r.statusCode() == 200) {
                admitted++;
            } else {
                assertEquals(429, r.statusCode(), r.body());
                assertTrue(r.headers().firstValue("retry-after").isPresent(), r.headers().toString());
            }
            assertEquals(Integer.toString(PER_MINUTE), r.headers().firstValue("x-ratelimit-limit-requests").orElse(null));
        }
        long elapsedMs = (System.nanoTime() - began) / 1_000_000;
        // Exactly the limit: one more only if the test took longer than a request takes to come back
        // (ten seconds); each replica alone would have admitted six.
        assertTrue(admitted >= PER_MINUTE && admitted <= PER_MINUTE + elapsedMs * PER_MINUTE / 60_000,
                admitted + " admitted of " + 3 * PER_MINUTE + " in " + elapsedMs + " ms");
        assertEquals(admitted, shared.fake.callCount() - calls);
        String bucket = ReplicasSharingRedisCluster.PREFIX + "ratelimit:{rated}:requests";
        assertEquals(1L, shared.onMasterOf(bucket, "EXISTS", bucket), "the key's bucket is on the master of its slot");

        awaitUsage(RATED_KEY, admitted, -1);
    }

    @Test
    @Order(3)
    void aBudgetIsSpentByBothReplicasTogetherAndItsUsageCountedOnce() throws Exception {
        int before = shared.fake.callCount();
        String counter = ReplicasSharingRedisCluster.PREFIX + "ratelimit:{budget}:budget:d:" + LocalDate.now(ZoneOffset.UTC);
        int admitted = 0;
        HttpResponse<String> refused = null;
        for (int i = 0; i < 10 && refused == null; i++) {
            HttpResponse<String> r = (i % 2 == 0 ? a : b).embed(BUDGET_KEY, "{\"model\":\"" + MODEL + "\",\"input\":\"budget " + i + "\"}");
            if (r.statusCode() == 200) {
                admitted++;
                // Spending is counted after the answer, in the background: wait until it has landed on the counter's master.
                for (int w = 0; w < 250
                        && !Long.valueOf(2L * admitted).equals(shared.onMasterOf(counter, "HINCRBY", counter, "tokens", "0")); w++) {
                    Thread.sleep(20);
                }
            } else {
                refused = r;
            }
        }
        // Two tokens a request: five requests spend the ten tokens, whichever replica served them.
        assertEquals(TOKEN_BUDGET / 2, admitted);
        assertTrue(refused != null, "the budget was never exhausted");
        assertEquals(429, refused.statusCode(), refused.body());
        assertTrue(refused.body().contains("insufficient_quota") && refused.body().contains("daily token budget"), refused.body());
        assertEquals("false", refused.headers().firstValue("x-should-retry").orElse(null));
        assertEquals(before + admitted, shared.fake.callCount());
        assertEquals((long) TOKEN_BUDGET, shared.onMasterOf(counter, "HINCRBY", counter, "tokens", "0"));

        awaitUsage(BUDGET_KEY, admitted, TOKEN_BUDGET);
    }

    /**
     * Polls (5 s at most: each replica flushes every second) until {@code GET /v1/usage} with {@code key}
     * reports {@code requests} answers in total on A and on B alike, and {@code tokens} tokens unless negative.
     */
    /** The cluster never went away: no replica may have warned that Redis could not be reached (a start-up race once did). */
    @Test
    @Order(4)
    void noReplicaReportedAnOutage() throws Exception {
        for (PackagedApp replica : shared.replicas) {
            String log = replica.log();
            assertFalse(log.contains("cannot be reached") || log.contains("unreachable") || log.contains("is down"), log);
        }
    }

    static void awaitUsage(String key, long requests, long tokens) throws Exception {
        long until = System.nanoTime() + 5_000_000_000L;
        String seen;
        while (true) {
            JsonNode onA = usageTotal(a, key);
            JsonNode onB = usageTotal(b, key);
            seen = "A: " + onA + ", B: " + onB;
            if (fits(onA, requests, tokens) && fits(onB, requests, tokens)) {
                return;
            }
            if (System.nanoTime() > until) {
                break;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("usage of the key never reached " + requests + " requests"
                + (tokens < 0 ? "" : " and " + tokens + " tokens") + " on both replicas; last seen " + seen);
    }

    private static boolean fits(JsonNode total, long requests, long tokens) {
        return total != null && total.get("requests").asLong() == requests && (tokens < 0 || total.get("tokens").asLong() == tokens);
    }

    /** The {@code total} of {@code GET /v1/usage}, or null when the replica did not answer 200. */
    private static JsonNode usageTotal(PackagedApp replica, String key) throws Exception {
        HttpResponse<String> r = replica.send("GET", "/v1/usage", key, null);
        return r.statusCode() == 200 ? Api.JSON.readTree(r.body()).get("total") : null;
    }

    private static int total(Map<RedisNode, Integer> perMaster) {
        return perMaster.values().stream().mapToInt(Integer::intValue).sum();
    }

    private static float[] vector(JsonNode item) {
        JsonNode e = item.get("embedding");
        float[] v = new float[e.size()];
        for (int k = 0; k < v.length; k++) {
            v[k] = e.get(k).floatValue();
        }
        return v;
    }
}
