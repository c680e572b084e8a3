package io.embedgate.cache;

import static io.embedgate.testing.Api.embed;
import static io.embedgate.testing.Api.json;
import static io.embedgate.testing.Api.vector;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.embedgate.fakes.FakeOpenAi;
import io.embedgate.testing.FakeUpstreamsResource;
import io.embedgate.testing.InjectFake;
import io.embedgate.testing.LogCapture;
import io.embedgate.testing.RedisServerResource;
import io.embedgate.testing.RedisTierOnly;
import io.embedgate.testing.Resp;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * A full Redis ({@code maxmemory}, {@code noeviction}) refuses every write while reads keep working:
 * requests are served as ever, and the log says so once, not once per call.
 */
@QuarkusTest
@TestProfile(RedisTierOnly.class)
@WithTestResource(FakeUpstreamsResource.class)
@WithTestResource(RedisServerResource.class)
class RedisFullTest {

    static final String SMALL = "text-embedding-3-small";
    static final int DIMS = 8;
    static final String CACHED = ",\"dimensions\":" + DIMS + ",\"orq\":{\"cache\":{\"type\":\"exact_match\",\"ttl\":600}}}";
    static final int WARM = 20;

    @InjectFake
    FakeOpenAi a;
    @Inject
    RedisTier redis;

    @Test
    void writesRefusedWhileReadsWorkAreOneWarning() throws Exception {
        RedisServerResource server = RedisServerResource.current();
        assertEquals("OK", server.call("FLUSHALL"));
        for (int i = 0; i < WARM; i++) {
            embed("{\"model\":\"" + SMALL + "\",\"input\":[\"full hit " + i + "\"]" + CACHED).then().statusCode(200);
        }
        for (int i = 0; i < 250 && server.cacheKeys().size() < WARM; i++) {
            Thread.sleep(20);
        }
        assertEquals(WARM, server.cacheKeys().size(), "the entries to hit are in Redis");

        List<?> policy = (List<?>) server.call("CONFIG", "GET", "maxmemory-policy");
        try (LogCapture log = LogCapture.of(RedisTier.class.getName())) {
            assertEquals("OK", server.call("CONFIG", "SET", "maxmemory-policy", "noeviction"));
            assertEquals("OK", server.call("CONFIG", "SET", "maxmemory", "1mb"));
            fill(server);
            a.reset();
            long failuresBefore = redis.failures();
            int misses = 0;
            for (int i = 0; i < 200; i++) {
                String hit = "full hit " + (i % WARM);
                if (i % 3 == 0) { // all hits: a read and no write
                    embed("{\"model\":\"" + SMALL + "\",\"input\":[\"" + hit + "\"]" + CACHED).then().statusCode(200)
                            .header("x-embedgate-cache", "hits=1; misses=0");
                    continue;
                }
                String miss = "full miss " + i; // a read, an upstream call, and a write Redis refuses
                JsonNode r = json(embed("{\"model\":\"" + SMALL + "\",\"input\":[\"" + hit + "\",\"" + miss + "\"]" + CACHED).then()
                        .statusCode(200).header("x-embedgate-cache", "hits=1; misses=1").extract().response());
                assertArrayEquals(FakeOpenAi.expectedVector(SMALL, hit, DIMS), vector(r, 0));
                assertArrayEquals(FakeOpenAi.expectedVector(SMALL, miss, DIMS), vector(r, 1));
                misses++;
            }
            assertEquals(misses, a.callCount(), "only the misses went upstream");
            // Writes run in the background: wait until every refused one is counted.
            for (int i = 0; i < 250 && redis.failures() - failuresBefore < misses; i++) {
                Thread.sleep(20);
            }
            assertTrue(redis.failures() - failuresBefore >= misses, "every refused write is counted");
            List<String> warnings = log.warnings();
            List<String> rejected = warnings.stream()
                    .filter(w -> w.startsWith("Embedding cache: Redis rejects writes (OOM command not allowed"))
                    .toList();
            assertEquals(1, rejected.size(), "one warning for the whole outage: " + warnings);
            // Besides, at most one call that was slow on a busy machine (an outage of its own).
            assertTrue(warnings.size() <= 2, "a couple of lines at most: " + warnings);
            assertTrue(log.infos().stream().noneMatch(l -> l.contains("accepts writes")),
                    "nothing claims writes work again: " + log.infos());
        } finally {
            server.call("CONFIG", "SET", "maxmemory", "0");
            server.call("CONFIG", "SET", "maxmemory-policy", new String((byte[]) policy.get(1)));
            server.call("FLUSHALL");
        }
        // Room again: new entries are written.
        embed("{\"model\":\"" + SMALL + "\",\"input\":[\"full after\"]" + CACHED).then().statusCode(200);
        for (int i = 0; i < 250 && server.cacheKeys().isEmpty(); i++) {
            Thread.sleep(20);
        }
        assertEquals(1, server.cacheKeys().size());
    }

    /** Fills Redis past its limit with keys outside the gateway's prefix, until it refuses a write. */
    static void fill(RedisServerResource server) {
        byte[] chunk = new byte[64 * 1024];
        for (int i = 0; i < 10_000; i++) {
            Object reply = server.call("SET", "filler:" + i, chunk);
            if (reply instanceof Resp.Error e) {
                assertTrue(e.message().startsWith("OOM"), e.message());
                return;
            }
            assertInstanceOf(String.class, reply);
        }
        throw new AssertionError("Redis never refused a write");
    }
}
