package io.embedgate.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.embedgate.testing.ReplicasSharingRedis;

/**
 * Two gateway processes (the packaged application) sharing one real redis-server: together they admit
 * exactly a key's rate, not twice it; when Redis goes away they keep serving on their own buckets,
 * with one warning each.
 */
class RateLimitsSharedByReplicasIT {

    /** Ten a minute: one request comes back every six seconds. */
    static final int PER_MINUTE = 10;

    static ReplicasSharingRedis shared;

    @BeforeAll
    static void start() throws Exception {
        shared = new ReplicasSharingRedis(2, Map.of("JAVA_TOOL_OPTIONS", "-Dgateway.auth.keys.default.requests-per-minute=" + PER_MINUTE),
                "ratelimit-replica");
    }

    @AfterAll
    static void stop() throws Exception {
        if (shared != null) {
            shared.close();
        }
    }

    @Test
    void twoReplicasTogetherAdmitExactlyTheKeysRateAndFailOpenWithoutRedis() throws Exception {
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
        assertEquals(admitted, shared.fake.callCount());

        // Redis goes away: requests are still served, on each replica's own buckets, and each replica warns once.
        shared.redis.stop();
        for (int i = 0; i < 4; i++) {
            HttpResponse<String> r = shared.replicas.get(0).embed("{\"model\":\"text-embedding-3-small\",\"input\":\"down " + i + "\"}");
            assertEquals(200, r.statusCode(), r.body());
        }
        String log = shared.replicas.get(0).log();
        assertEquals(1, log.split("the shared Redis cannot be reached", -1).length - 1, "one warning per outage");
    }
}
