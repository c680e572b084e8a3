package io.embedgate.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import io.embedgate.testing.PackagedApp;
import io.embedgate.testing.ReplicasSharingRedis;
import io.embedgate.testing.TestKeys;

/**
 * Two gateway processes (the packaged application) sharing one real redis-server: a key created,
 * rotated or revoked through one replica's admin API holds on the other within its sync interval;
 * together they admit exactly a key's rate, not twice it, and spend one budget; when Redis goes away
 * they keep serving on their own buckets, with one warning each.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TenantsSharedByReplicasIT {

    /** Ten a minute: one request comes back every six seconds. */
    static final int PER_MINUTE = 10;
    /** A daily token budget, spent by both replicas: each request of "budget N" is two tokens. */
    static final int TOKEN_BUDGET = 10;
    static final String BUDGET_KEY = "eg-test-budget-key-77665544332211";
    static final String ADMIN = "eg-test-admin-credential-0011223344556677";

    static ReplicasSharingRedis shared;

    @BeforeAll
    static void start() throws Exception {
        shared = new ReplicasSharingRedis(2, Map.of("JAVA_TOOL_OPTIONS", "-Dgateway.auth.keys.default.requests-per-minute=" + PER_MINUTE
                + " -Dgateway.admin.key-sha256=" + TestKeys.sha256(ADMIN) + " -Dgateway.auth.keys.budget.sha256="
                + TestKeys.sha256(BUDGET_KEY) + " -Dgateway.auth.keys.budget.token-budget-per-day="
                + TOKEN_BUDGET), "tenants-replica");
    }

    @AfterAll
    static void stop() throws Exception {
        if (shared != null) {
            shared.close();
        }
    }

    @Test
    @Order(0)
    void keysCreatedRotatedAndRevokedOnOneReplicaHoldOnTheOtherWithinASecond() throws Exception {
        PackagedApp a = shared.replicas.get(0);
        PackagedApp b = shared.replicas.get(1);
        String body = "{\"model\":\"text-embedding-3-small\",\"input\":\"runtime key\"}";
        HttpResponse<String> created = a.send("POST", "/admin/keys", ADMIN,
                "{\"id\":\"shared-team\",\"policy\":{\"requests_per_minute\":1000}}");
        assertEquals(201, created.statusCode(), created.body());
        String key = new com.fasterxml.jackson.databind.ObjectMapper().readTree(created.body()).get("key").asText();
        assertEquals(200, a.embed(key, body).statusCode(), "the creating replica holds the key at once");
        long seen = PackagedApp.until(200, () -> b.embed(key, body));

        HttpResponse<String> rotated = b.send("POST", "/admin/keys/shared-team/rotate", ADMIN, null);
        assertEquals(200, rotated.statusCode(), rotated.body());
        String next = new com.fasterxml.jackson.databind.ObjectMapper().readTree(rotated.body()).get("key").asText();
        long rotatedAway = PackagedApp.until(401, () -> a.embed(key, body));
        assertEquals(200, a.embed(next, body).statusCode());

        assertEquals(200, a.send("DELETE", "/admin/keys/shared-team", ADMIN, null).statusCode());
        long revoked = PackagedApp.until(401, () -> b.embed(next, body));
        // The replicas poll the store every 500 ms (gateway.admin.key-sync-interval); a loaded CI host may add a little.
        for (long ms : new long[]{seen, rotatedAway, revoked}) {
            assertTrue(ms < 1500, "created seen after " + seen + " ms, rotation after " + rotatedAway + " ms, revocation after " + revoked
                    + " ms");
        }
    }

    @Test
    @Order(1)
    void aBudgetIsSpentByBothReplicasTogether() throws Exception {
        int before = shared.fake.callCount();
        int admitted = 0;
        HttpResponse<String> refused = null;
        for (int i = 0; i < 10 && refused == null; i++) {
            HttpResponse<String> r = shared.replicas.get(i % 2).embed(BUDGET_KEY,
                    "{\"model\":\"text-embedding-3-small\",\"input\":\"budget " + i + "\"}");
            if (r.statusCode() == 200) {
                admitted++;
                // Spending is counted after the answer, in the background: wait until it has landed.
                String counter = "embedgate:v1:ratelimit:{budget}:budget:d:" + java.time.LocalDate.now(java.time.ZoneOffset.UTC);
                // HINCRBY by 0 reads the counter as an integer reply (":10").
                for (int w = 0; w < 250 && !(":" + 2 * admitted).equals(shared.redis.command("HINCRBY " + counter + " tokens 0")); w++) {
                    Thread.sleep(20);
                }
            } else {
                refused = r;
            }
        }
        // Two tokens a request: five requests spend the ten tokens, whichever replica served them.
        assertEquals(TOKEN_BUDGET / 2, admitted);
        assertEquals(429, refused.statusCode(), refused.body());
        assertTrue(refused.body().contains("insufficient_quota") && refused.body().contains("daily token budget"), refused.body());
        assertEquals("false", refused.headers().firstValue("x-should-retry").orElse(null));
        assertEquals(before + admitted, shared.fake.callCount());
    }

    @Test
    @Order(2) // last: it stops Redis
    void twoReplicasTogetherAdmitExactlyTheKeysRateAndFailOpenWithoutRedis() throws Exception {
        int calls = shared.fake.callCount();
        long began = System.nanoTime();
        int admitted = 0;
        int refused = 0;
        for (int i = 0; i < 3 * PER_MINUTE; i++) {
            HttpResponse<String> r = shared.replicas.get(i % 2).embed("{\"model\":\"text-embedding-3-small\",\"input\":\"r" + i + "\"}");
            if (r.statusCode() == 200) {
                admitted++;
            } else {
                assertEquals(429, r.statusCode(), r.body());
                assertTrue(r.headers().firstValue("retry-after").isPresent(), r.headers().toString());
                refused++;
            }
            assertEquals(Integer.toString(PER_MINUTE), r.headers().firstValue("x-ratelimit-limit-requests").orElse(null));
        }
        long elapsedMs = (System.nanoTime() - began) / 1_000_000;
        // Exactly the limit, plus what refilled while the test ran (one per six seconds); each replica
        // alone would have admitted ten.
        assertTrue(admitted >= PER_MINUTE && admitted <= PER_MINUTE + elapsedMs / 6000,
                admitted + " admitted, " + refused + " refused in " + elapsedMs + " ms");
        assertEquals(admitted, shared.fake.callCount() - calls);

        // Redis goes away: requests are still served, on each replica's own buckets, and each replica warns once.
        shared.redis.stop();
        for (int i = 0; i < 4; i++) {
            HttpResponse<String> r = shared.replicas.get(0).embed("{\"model\":\"text-embedding-3-small\",\"input\":\"down " + i + "\"}");
            assertEquals(200, r.statusCode(), r.body());
        }
        String log = shared.replicas.get(0).log();
        assertEquals(1, log.split("Rate limits: the shared Redis cannot be reached", -1).length - 1, "one warning per outage");
        // The runtime keys' sync and the usage ledger notice the outage on their own timers: at most one warning each.
        for (String part : new String[]{"Runtime keys: the shared Redis cannot be reached", "Usage: the shared Redis cannot be reached"}) {
            assertTrue(log.split(part, -1).length - 1 <= 1, part + ": at most one warning per outage");
        }
    }
}
