package io.embedgate.usage;

import static io.embedgate.usage.UsageScenario.today;
import static io.embedgate.usage.UsageScenario.usage;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import jakarta.inject.Inject;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;

import io.embedgate.testing.FakeUpstreamsResource;
import io.embedgate.testing.LogCapture;
import io.embedgate.testing.RedisServerResource;
import io.embedgate.testing.TestKeys;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * The ledger in a real redis-server: the figures come back from Redis after the flush, the hashes
 * hold exact integers with an expiry, a garbage field never fails a read, and a Redis outage keeps
 * the counts in the replica.
 */
@QuarkusTest
@TestProfile(UsageRedisTest.SharedLedger.class)
@WithTestResource(FakeUpstreamsResource.class)
@WithTestResource(RedisServerResource.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class UsageRedisTest {

    /** Its own application instance and redis-server. */
    public static class SharedLedger implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gateway.models.routed-small.price-per-million-tokens", "", "gateway.usage.flush-interval", "200ms");
        }
    }

    static final String PREFIX = "embedgate:v1:";

    @Inject
    UsageLedger ledger;

    static UsageScenario scenario;

    @Test
    @Order(1)
    void theFiguresComeBackFromRedisAfterTheFlush() {
        scenario = new UsageScenario().run();
        // From Redis, after a flush: poll rather than sleep a guessed time.
        JsonNode mine = poll(() -> UsageScenario.json(usage(TestKeys.GATEWAY_KEY, "").then().statusCode(200).extract().response()),
                r -> r.get("total").get("requests").asLong() == 5);
        scenario.assertReport(mine, "test");
        JsonNode other = poll(() -> UsageScenario.json(usage(TestKeys.OTHER_KEY, "").then().statusCode(200).extract().response()),
                r -> r.get("total").get("requests").asLong() == 1);
        scenario.assertReport(other, "other");
        assertEquals(0, ledger.pending().requests(), "everything was sent");
    }

    @Test
    @Order(2)
    void theHashesHoldExactIntegersPerModelWithAnExpiryAndAnIndexOfKeys() {
        Map<String, String> hash = hgetall(PREFIX + "usage:{test}:" + today());
        UsageCounters small = scenario.counters("test", UsageScenario.SMALL);
        assertEquals(Long.toString(small.requests()), hash.get("requests:text-embedding-3-small"), hash.toString());
        assertEquals(Long.toString(small.inputs()), hash.get("inputs:text-embedding-3-small"));
        assertEquals(Long.toString(small.tokens()), hash.get("tokens:text-embedding-3-small"));
        assertEquals(Long.toString(small.cachedTokens()), hash.get("cached_tokens:text-embedding-3-small"));
        assertEquals(Long.toString(small.costPico()), hash.get("cost_pusd:text-embedding-3-small"), "pico-USD");
        assertEquals(Long.toString(small.costSavedPico()), hash.get("cost_saved_pusd:text-embedding-3-small"));
        assertEquals(Long.toString(scenario.counters("test", UsageScenario.UNPRICED).requests()), hash.get("requests:routed-small"));
        assertFalse(hash.containsKey("cost_pusd:routed-small"), "no price, no cost field: " + hash);
        assertEquals(Long.toString(scenario.counters("other", UsageScenario.SMALL).requests()),
                hgetall(PREFIX + "usage:{other}:" + today()).get("requests:text-embedding-3-small"), "each key its own hash");

        // Kept for retention-days (400) after the day began.
        long expiresAt = (Long) RedisServerResource.current().call("PEXPIRETIME", PREFIX + "usage:{test}:" + today());
        assertEquals((today().toEpochDay() + 400) * 86_400_000L, expiresAt);
        Object members = RedisServerResource.current().call("SMEMBERS", PREFIX + "usage:keys:" + today());
        assertEquals(List.of("other", "test"), ((List<?>) members).stream().map(m -> new String((byte[]) m, StandardCharsets.UTF_8))
                .sorted().toList());
        assertTrue((Long) RedisServerResource.current().call("PEXPIRETIME", PREFIX + "usage:keys:" + today()) > 0);
    }

    @Test
    @Order(3)
    void theAllKeysQueryReadsEveryKeyFromRedisAndSkipsFieldsThatDoNotParse() {
        String hash = PREFIX + "usage:{test}:" + today();
        RedisServerResource.current().call("HSET", hash, "requests:garbage-model", "not a number", "no-colon", "1", "tokens:neg", "-5",
                "colour:text-embedding-3-small", "7");
        long invalidBefore = ledger.invalidFields();
        List<UsageRow> all = ledger.query(Optional.empty(), today().minusDays(3), today(), Optional.empty()).await()
                .atMost(Duration.ofSeconds(5));
        assertEquals(List.of("test " + UsageScenario.UNPRICED, "test " + UsageScenario.LARGE, "other " + UsageScenario.SMALL,
                "test " + UsageScenario.SMALL), all.stream().map(r -> r.keyId() + " " + r.model()).toList());
        for (UsageRow r : all) {
            assertEquals(scenario.counters(r.keyId(), r.model()), r.counters(), r.toString());
        }
        assertEquals(4, ledger.invalidFields() - invalidBefore, "each bad field skipped and counted");
        // The key's own route is unaffected by the garbage too.
        scenario.assertReport(UsageScenario.json(usage(TestKeys.GATEWAY_KEY, "").then().statusCode(200).extract().response()), "test");
    }

    @Test
    @Order(4)
    void whileRedisIsDownTheCountsStayInTheReplicaAndTheRouteSays503() throws InterruptedException {
        try (LogCapture log = LogCapture.of(UsageLedger.class.getName())) {
            RedisServerResource.current().kill();
            given().header("Authorization", TestKeys.BEARER).contentType("application/json")
                    .body("{\"model\":\"text-embedding-3-small\",\"input\":\"while redis is down\"}").post("/v1/embeddings").then()
                    .statusCode(200);
            poll(() -> log.warnings(), w -> !w.isEmpty());
            // Several failed flushes later: still one warning, and the answer is still counted here.
            long until = System.nanoTime() + Duration.ofMillis(1000).toNanos();
            while (System.nanoTime() < until) {
                Thread.sleep(50);
            }
            List<String> warnings = log.warnings();
            assertEquals(1, warnings.size(), "one warning per outage: " + warnings);
            assertTrue(warnings.get(0).startsWith("Usage: the shared Redis cannot be reached"), warnings.get(0));
            assertEquals(1, ledger.pending().requests(), "kept for the next flush");
        }
        usage(TestKeys.GATEWAY_KEY, "").then().statusCode(503).body("error.code", equalTo("usage_unavailable"));
    }

    private static io.restassured.specification.RequestSpecification given() {
        return io.restassured.RestAssured.given();
    }

    private static Map<String, String> hgetall(String key) {
        List<?> flat = (List<?>) RedisServerResource.current().call("HGETALL", key);
        Map<String, String> out = new HashMap<>();
        for (int i = 0; i < flat.size(); i += 2) {
            out.put(new String((byte[]) flat.get(i), StandardCharsets.UTF_8), new String((byte[]) flat.get(i + 1), StandardCharsets.UTF_8));
        }
        return out;
    }

    /** Polls until the value passes, for up to ten seconds; the last value either way. */
    static <T> T poll(Supplier<T> read, java.util.function.Predicate<T> done) {
        long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        T value = read.get();
        while (!done.test(value) && System.nanoTime() < until) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            value = read.get();
        }
        return value;
    }
}
