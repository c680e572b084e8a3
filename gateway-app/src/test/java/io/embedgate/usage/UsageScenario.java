package io.embedgate.usage;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.embedgate.testing.TestKeys;
import io.restassured.response.Response;

/**
 * The requests both usage tests send (two keys, three models, some inputs from the cache) and what
 * the ledger must then show, worked out from the answers themselves and the price table.
 */
final class UsageScenario {

    static final String SMALL = "text-embedding-3-small";
    static final String LARGE = "text-embedding-3-large";
    /** No price: its usage shows no cost. */
    static final String UNPRICED = "routed-small";
    static final Map<String, BigDecimal> PRICES = Map.of(SMALL, new BigDecimal("0.02"), LARGE, new BigDecimal("0.13"));

    /** Decimals read as BigDecimal: costs are compared exactly. */
    static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    /** Expected counters by key id, then model. */
    final Map<String, Map<String, long[]>> expected = new HashMap<>();

    static LocalDate today() {
        return LocalDate.now(ZoneOffset.UTC);
    }

    /** Sends the scenario's requests; each answer's usage is added to what is expected. */
    UsageScenario run() {
        String cached = ",\"orq\":{\"cache\":{\"type\":\"exact_match\",\"ttl\":600}}";
        send(TestKeys.GATEWAY_KEY, "test", SMALL, "[\"ledger one\",\"ledger two\"]", cached);
        send(TestKeys.GATEWAY_KEY, "test", SMALL, "[\"ledger one\",\"ledger two\"]", cached); // both from the cache
        send(TestKeys.GATEWAY_KEY, "test", SMALL, "[\"ledger one\",\"ledger three\"]", cached); // one of two
        send(TestKeys.GATEWAY_KEY, "test", LARGE, "\"ledger four\"", "");
        send(TestKeys.GATEWAY_KEY, "test", UNPRICED, "[\"ledger five\",\"ledger six\"]", "");
        send(TestKeys.OTHER_KEY, "other", SMALL, "[\"ledger seven\",\"ledger eight\",\"ledger nine\"]", "");
        // A failed request counts nothing.
        given().header("Authorization", TestKeys.BEARER).contentType("application/json")
                .body("{\"model\":\"" + SMALL + "\",\"input\":[\"\"]}").post("/v1/embeddings").then().statusCode(400);
        long[] small = expected.get("test").get(SMALL);
        assertTrue(small[2] > 0 && small[3] > 0, "some tokens went upstream and some came from the cache: " + List.of(small[2], small[3]));
        return this;
    }

    private void send(String key, String keyId, String model, String input, String extra) {
        Response r = given().header("Authorization", "Bearer " + key).contentType("application/json")
                .body("{\"model\":\"" + model + "\",\"input\":" + input + extra + "}").post("/v1/embeddings");
        r.then().statusCode(200);
        JsonNode usage = json(r).get("usage");
        long[] c = expected.computeIfAbsent(keyId, k -> new HashMap<>()).computeIfAbsent(model, m -> new long[4]);
        c[0]++;
        c[1] += json(r).get("data").size();
        c[2] += usage.get("prompt_tokens").asLong();
        c[3] += usage.has("prompt_tokens_details") ? usage.get("prompt_tokens_details").get("cached_tokens").asLong() : 0;
    }

    static JsonNode json(Response r) {
        try {
            return JSON.readTree(r.asString());
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + r.asString(), e);
        }
    }

    static Response usage(String key, String query) {
        return given().header("Authorization", "Bearer " + key).get("/v1/usage" + query);
    }

    /** Asserts a /v1/usage answer of today shows exactly the key's expected rows and totals. */
    void assertReport(JsonNode report, String keyId) {
        assertEquals("usage", report.get("object").asText());
        assertEquals(keyId, report.get("key_id").asText());
        Map<String, long[]> mine = expected.get(keyId);
        List<String> models = mine.keySet().stream().sorted().toList();
        JsonNode data = report.get("data");
        assertEquals(models.size(), data.size(), report.toString());
        long[] total = new long[4];
        BigDecimal totalCost = BigDecimal.ZERO;
        BigDecimal totalSaved = BigDecimal.ZERO;
        for (int i = 0; i < models.size(); i++) {
            JsonNode row = data.get(i);
            String model = models.get(i);
            long[] c = mine.get(model);
            assertEquals(today().toString(), row.get("date").asText());
            assertEquals(model, row.get("model").asText(), "sorted by date, then model");
            assertEquals(c[0], row.get("requests").asLong(), model + " requests");
            assertEquals(c[1], row.get("inputs").asLong(), model + " inputs");
            assertEquals(c[2], row.get("tokens").asLong(), model + " tokens");
            assertEquals(c[3], row.get("cached_tokens").asLong(), model + " cached_tokens");
            for (int k = 0; k < 4; k++) {
                total[k] += c[k];
            }
            BigDecimal price = PRICES.get(model);
            if (price == null) {
                assertFalse(row.has("cost") || row.has("cost_saved"), "no price, no cost: " + row);
                continue;
            }
            BigDecimal cost = price.multiply(BigDecimal.valueOf(c[2])).movePointLeft(6);
            BigDecimal saved = price.multiply(BigDecimal.valueOf(c[3])).movePointLeft(6);
            assertEquals(0, cost.compareTo(row.get("cost").decimalValue()), model + " cost " + row);
            assertEquals(0, saved.compareTo(row.get("cost_saved").decimalValue()), model + " cost_saved " + row);
            totalCost = totalCost.add(cost);
            totalSaved = totalSaved.add(saved);
        }
        JsonNode t = report.get("total");
        assertEquals(total[0], t.get("requests").asLong());
        assertEquals(total[1], t.get("inputs").asLong());
        assertEquals(total[2], t.get("tokens").asLong());
        assertEquals(total[3], t.get("cached_tokens").asLong());
        assertEquals(0, totalCost.compareTo(t.get("cost").decimalValue()), t.toString());
        assertEquals(0, totalSaved.compareTo(t.get("cost_saved").decimalValue()), t.toString());
    }

    /** The expected counters of one key and model as the ledger's type, cost at the price table. */
    UsageCounters counters(String keyId, String model) {
        long[] c = expected.get(keyId).get(model);
        BigDecimal price = PRICES.get(model);
        return new UsageCounters(c[0], c[1], c[2], c[3], price != null,
                price == null ? 0 : PicoUsd.of(price.multiply(BigDecimal.valueOf(c[2])).movePointLeft(6)),
                price == null ? 0 : PicoUsd.of(price.multiply(BigDecimal.valueOf(c[3])).movePointLeft(6)));
    }
}
