package io.embedgate.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.embedgate.api.EmbeddingsResource;
import io.embedgate.testing.Api;
import io.embedgate.testing.FakeUpstreamsResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;

/** The cost of each answer at the model's list price: exact decimals, what the cache saved, nothing when the price is unknown. */
@QuarkusTest
@TestProfile(CostTest.Priced.class)
@WithTestResource(FakeUpstreamsResource.class)
class CostTest {

    public static class Priced implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            // A price that shows the arithmetic: 0.13 USD per million tokens.
            return Map.of("gateway.models.text-embedding-3-large.price-per-million-tokens", "0.13",
                    "gateway.models.text-embedding-3-large.price-as-of", "2026-07-03",
                    "gateway.models.routed-small.price-per-million-tokens", "",
                    "gateway.models.routed-small.price-as-of", "");
        }
    }

    @Test
    void theCostIsTheTokensSentUpstreamAtTheListPriceAndTheCacheSavesItsShare() throws Exception {
        String body = "{\"model\":\"text-embedding-3-large\",\"input\":[\"priced one\",\"priced two\"],"
                + "\"orq\":{\"cache\":{\"type\":\"exact_match\",\"ttl\":60}}}";
        Response first = Api.embed(body);
        first.then().statusCode(200);
        JsonNode usage = Api.JSON.readTree(first.asString()).get("usage");
        long tokens = usage.get("prompt_tokens").asLong();
        BigDecimal expected = new BigDecimal("0.13").multiply(BigDecimal.valueOf(tokens)).movePointLeft(6).stripTrailingZeros();
        assertEquals(0, expected.compareTo(usage.get("cost").decimalValue()), usage.toString());
        assertEquals(expected.toPlainString(), first.header(EmbeddingsResource.COST_HEADER));
        assertEquals(0, usage.get("cost_saved").decimalValue().signum(), "nothing came from the cache yet");

        // The same inputs again: all from the cache, nothing sent upstream, their cost saved.
        Response again = Api.embed(body);
        JsonNode second = Api.JSON.readTree(again.asString()).get("usage");
        assertEquals(0, second.get("prompt_tokens").asLong());
        assertEquals(0, second.get("cost").decimalValue().signum());
        long cached = second.get("prompt_tokens_details").get("cached_tokens").asLong();
        assertEquals(0, new BigDecimal("0.13").multiply(BigDecimal.valueOf(cached)).movePointLeft(6)
                .compareTo(second.get("cost_saved").decimalValue()), second.toString());
    }

    @Test
    void theModelListShowsThePriceAndTheMetricsAddUpTheCost() throws Exception {
        io.restassured.RestAssured.given().header("Authorization", io.embedgate.testing.TestKeys.BEARER)
                .get("/v1/models/text-embedding-3-large").then().statusCode(200)
                .body("pricing.usd_per_million_tokens", org.hamcrest.Matchers.equalTo(0.13f)).body("pricing.as_of",
                        org.hamcrest.Matchers.equalTo("2026-07-03"));
        io.restassured.RestAssured.given().header("Authorization", io.embedgate.testing.TestKeys.BEARER).get("/v1/models/routed-small")
                .then().statusCode(200).body("$", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasKey("pricing")));
        Api.embed("{\"model\":\"text-embedding-3-large\",\"input\":\"metered\"}").then().statusCode(200);
        String metrics = io.restassured.RestAssured.get("/q/metrics").asString();
        assertTrue(
                metrics.lines().anyMatch(l -> l.startsWith("embedgate_cost_usd_total{") && l.contains("model=\"text-embedding-3-large\"")),
                "a cost counter per key, model and provider");
    }

    @Test
    void aModelWithoutAPriceReportsNoCostRatherThanAGuess() throws Exception {
        Response r = Api.embed("{\"model\":\"routed-small\",\"input\":\"unpriced\"}");
        r.then().statusCode(200);
        JsonNode usage = Api.JSON.readTree(r.asString()).get("usage");
        assertFalse(usage.has("cost"), usage.toString());
        assertNull(r.header(EmbeddingsResource.COST_HEADER));
    }
}
