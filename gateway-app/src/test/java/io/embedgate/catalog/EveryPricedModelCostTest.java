package io.embedgate.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.embedgate.api.EmbeddingsResource;
import io.embedgate.testing.Api;
import io.embedgate.testing.BedrockResource;
import io.embedgate.testing.CohereVoyageResource;
import io.embedgate.testing.FakeUpstreamsResource;
import io.embedgate.testing.VertexResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * Every catalogue model with a list price, asked through {@code /v1/embeddings} against its fake
 * provider: the answer's {@code usage.cost} and {@code x-embedgate-cost-usd} are its tokens at that
 * price, to the last digit ({@code PricesDocTest} ties the prices to the table in docs/cost.md).
 */
@QuarkusTest
@WithTestResource(FakeUpstreamsResource.class)
@WithTestResource(CohereVoyageResource.class)
@WithTestResource(BedrockResource.class)
@WithTestResource(VertexResource.class)
class EveryPricedModelCostTest {

    @Inject
    Catalog catalog;

    @Test
    void everyPricedModelsCostIsItsTokensAtItsListPrice() throws Exception {
        List<String> priced = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (CatalogModel m : catalog.models().values()) {
            if (m.price().isEmpty()) {
                continue;
            }
            priced.add(m.id());
            Response r = Api.embed("{\"model\":\"" + m.id() + "\",\"input\":[\"what does this cost\",\"and this one\"]}");
            if (r.statusCode() != 200) {
                problems.add(m.id() + ": " + r.statusCode() + " " + r.asString());
                continue;
            }
            JsonNode usage = Api.JSON.readTree(r.asString()).get("usage");
            long tokens = usage.get("prompt_tokens").asLong();
            BigDecimal perMillion = m.price().get().usdPerMillionTokens();
            BigDecimal expected = perMillion.multiply(BigDecimal.valueOf(tokens)).movePointLeft(6);
            if (tokens <= 0 || expected.compareTo(usage.get("cost").decimalValue()) != 0
                    || expected.compareTo(new BigDecimal(r.header(EmbeddingsResource.COST_HEADER))) != 0) {
                problems.add(m.id() + ": " + tokens + " tokens at " + perMillion + " per million, usage " + usage + ", header "
                        + r.header(EmbeddingsResource.COST_HEADER));
            }
        }
        assertTrue(priced.size() >= 20, "the catalogue's priced models: " + priced);
        assertEquals(List.of(), problems);
    }
}
