package io.embedgate.usage;

import static io.embedgate.usage.UsageScenario.today;
import static io.embedgate.usage.UsageScenario.usage;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.embedgate.testing.FakeUpstreamsResource;
import io.embedgate.testing.TestKeys;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;

/** GET /v1/usage without Redis: each key sees exactly its own answers, priced from the price table; bad parameters are 400s. */
@QuarkusTest
@TestProfile(UsageTest.Ledger.class)
@WithTestResource(FakeUpstreamsResource.class)
class UsageTest {

    /** Its own application instance: no other test's requests in this ledger. */
    public static class Ledger implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gateway.models.routed-small.price-per-million-tokens", "", "gateway.usage.retention-days", "30");
        }
    }

    @Inject
    UsageLedger ledger;

    @Test
    void eachKeySeesItsOwnUsageAndTheAllKeysQuerySeesEveryKey() {
        UsageScenario s = new UsageScenario().run();
        JsonNode mine = UsageScenario.json(usage(TestKeys.GATEWAY_KEY, "").then().statusCode(200).extract().response());
        s.assertReport(mine, "test");
        assertEquals(today().minusDays(29).toString(), mine.get("start").asText(), "the last 30 days by default");
        assertEquals(today().toString(), mine.get("end").asText());
        s.assertReport(UsageScenario.json(usage(TestKeys.OTHER_KEY, "").then().statusCode(200).extract().response()), "other");

        // Costs are plain decimals, as in the embeddings answers.
        String body = usage(TestKeys.GATEWAY_KEY, "").asString();
        assertFalse(body.contains("E-"), body);
        // One model; a range without usage.
        JsonNode large = UsageScenario.json(usage(TestKeys.GATEWAY_KEY, "?model=" + UsageScenario.LARGE).then().statusCode(200).extract()
                .response());
        assertEquals(1, large.get("data").size());
        assertEquals(UsageScenario.LARGE, large.get("data").get(0).get("model").asText());
        String yesterday = today().minusDays(1).toString();
        usage(TestKeys.GATEWAY_KEY, "?start=" + yesterday + "&end=" + yesterday).then().statusCode(200)
                .body("data.size()", equalTo(0)).body("total.requests", equalTo(0)).body("start", equalTo(yesterday))
                .body("total", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasKey("cost")));

        // The query the admin API exposes: every key's rows, by date, model, then key id.
        List<UsageRow> all = ledger.query(Optional.empty(), today(), today(), Optional.empty()).await().atMost(Duration.ofSeconds(5));
        assertEquals(List.of("test " + UsageScenario.UNPRICED, "test " + UsageScenario.LARGE, "other " + UsageScenario.SMALL,
                "test " + UsageScenario.SMALL), all.stream().map(r -> r.keyId() + " " + r.model()).toList());
        for (UsageRow r : all) {
            assertEquals(s.counters(r.keyId(), r.model()), r.counters(), r.toString());
        }
        assertEquals(List.of("test"), ledger.query(Optional.of("test"), today(), today(), Optional.of(UsageScenario.SMALL)).await()
                .atMost(Duration.ofSeconds(5)).stream().map(UsageRow::keyId).toList());

        // With authentication off there is no key id: the usage is the anonymous key's.
        ledger.record(null, "no-auth-model", 2, 10, 0, null, null);
        List<UsageRow> anonymous = ledger.query(Optional.of(UsageLedger.ANONYMOUS), today(), today(), Optional.empty()).await()
                .atMost(Duration.ofSeconds(5));
        assertEquals(List.of(new UsageRow("anonymous", today(), "no-auth-model", new UsageCounters(1, 2, 10, 0, false, 0, 0))), anonymous);
    }

    @Test
    void badParametersAre400sNamingTheParameter() {
        LocalDate today = today();
        String[][] cases = {
                {"?start=2026-13-01", "start"},
                {"?start=yesterday", "start"},
                {"?end=2026-1-1", "end"},
                {"?start=+999999999-12-31", "start"},
                {"?start=" + today + "&end=" + today.minusDays(1), "end"},
                {"?start=" + today.plusDays(1), "start"}, // after the default end, today
                {"?start=" + today.minusDays(366) + "&end=" + today, "end"}};
        for (String[] c : cases) {
            usage(TestKeys.GATEWAY_KEY, c[0]).then().statusCode(400).body("error.type", equalTo("invalid_request_error"))
                    .body("error.param", equalTo(c[1])).body("error.message", containsString(c[1]));
        }
        // 366 days, both ends included, is the most.
        usage(TestKeys.GATEWAY_KEY, "?start=" + today.minusDays(365) + "&end=" + today).then().statusCode(200);
        RestAssured.get("/v1/usage").then().statusCode(401);
    }
}
