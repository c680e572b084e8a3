package io.embedgate.providers;

import static io.embedgate.testing.Api.embed;
import static io.embedgate.testing.Api.json;
import static io.embedgate.testing.Api.vector;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.embedgate.fakes.FakeTei;
import io.embedgate.testing.Api;
import io.embedgate.testing.InjectFake;
import io.embedgate.testing.InjectSecondFake;
import io.embedgate.testing.Recipes;
import io.embedgate.testing.SelfHostedUpstreamsResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The TEI adapter through the gateway, against two fake TEI servers: nomic-embed-text-v1.5 (Matryoshka) and bge-base (fixed). */
@QuarkusTest
@WithTestResource(SelfHostedUpstreamsResource.class)
class TeiProviderTest {

    static final String NOMIC = SelfHostedUpstreamsResource.NOMIC_HF;
    static final String BGE = SelfHostedUpstreamsResource.BGE_HF;

    @InjectFake
    FakeTei nomic;
    @InjectSecondFake
    FakeTei bge;

    @BeforeEach
    void reset() {
        for (FakeTei f : new FakeTei[]{nomic, bge}) {
            f.reset();
            f.maxBatch(FakeTei.DEFAULT_BATCH).maxInputTokens(FakeTei.DEFAULT_MAX_INPUT_TOKENS).lowercaseTruncationDirection(false)
                    .prompts(Map.of());
        }
    }

    static JsonNode sent(FakeTei fake, int i) {
        try {
            return Api.JSON.readTree(fake.requests().get(i).body());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aMatryoshkaModelIsShortenedByItsRecipe() {
        JsonNode body = json(embed("{\"model\":\"nomic-tei\",\"input\":[\"a\",\"b\"],\"dimensions\":256}").then().statusCode(200)
                .header("x-embedgate-provider", "tei-nomic").header("x-embedgate-usage-estimated", "true").extract().response());
        JsonNode req = sent(nomic, 0);
        assertFalse(req.has("dimensions"), "TEI is never asked for a size");
        assertEquals("b", req.get("inputs").get(1).asText());
        float[] expected = Recipes.layerNormThenSlice(FakeTei.expectedVector(NOMIC, "b", 768, true), 256);
        float[] got = vector(body, 1);
        assertEquals(256, got.length);
        for (int i = 0; i < 256; i++) {
            assertEquals(expected[i], got[i], 1e-6f);
        }
        // a truncating recipe would differ: the test can tell the two apart
        assertFalse(
                Math.abs(Recipes.unit(java.util.Arrays.copyOf(FakeTei.expectedVector(NOMIC, "b", 768, true), 256))[0] - got[0]) < 1e-6f);
        JsonNode full = json(embed("{\"model\":\"nomic-tei\",\"input\":[\"b\"]}").then().statusCode(200).extract().response());
        assertArrayEquals(FakeTei.expectedVector(NOMIC, "b", 768, true), vector(full, 0));
    }

    @Test
    void aModelNotDeclaredMatryoshkaRejectsDimensions() {
        embed("{\"model\":\"bge-tei\",\"input\":[\"a\"],\"dimensions\":256}").then().statusCode(400).body("error.param",
                equalTo("dimensions"));
        embed("{\"model\":\"nomic-tei\",\"input\":[\"a\"],\"dimensions\":32}").then().statusCode(400).body("error.param",
                equalTo("dimensions"));
        assertEquals(0, bge.callCount() + nomic.callCount());
    }

    @Test
    void inputTypeIsTheModelsPrefixAndOptionsAreSent() {
        embed("{\"model\":\"nomic-tei\",\"input\":[\"a\"],\"embedding_options\":{\"input_type\":\"query\"}}").then().statusCode(200);
        assertEquals("search_query: a", sent(nomic, 0).get("inputs").get(0).asText());
        bge.prompts(Map.of("query", "Represent this sentence for searching relevant passages: "));
        JsonNode body = json(embed("{\"model\":\"bge-tei\",\"input\":[\"a\"],\"embedding_options\":{\"tei\":{\"truncate\":true,"
                + "\"truncation_direction\":\"left\",\"prompt_name\":\"query\",\"normalize\":false}}}").then().statusCode(200).extract()
                .response());
        JsonNode req = sent(bge, 0);
        assertEquals("Left", req.get("truncation_direction").asText());
        assertEquals("query", req.get("prompt_name").asText());
        assertEquals(false, req.get("normalize").asBoolean());
        assertEquals(true, req.get("truncate").asBoolean());
        assertEquals("a", req.get("inputs").get(0).asText());
        // normalize false is an explicit request for TEI's raw pooled vectors: the gateway passes them on as they are
        assertArrayEquals(FakeTei.expectedVector(BGE, "Represent this sentence for searching relevant passages: a", 768, false),
                vector(body, 0));
        embed("{\"model\":\"bge-tei\",\"input\":[\"a\"],\"embedding_options\":{\"tei\":{\"truncation_direction\":\"Left\"}}}").then()
                .statusCode(400).body("error.param", equalTo("embedding_options.tei.truncation_direction"));
    }

    @Test
    void batchesFollowTheInstancesBatchSetting() {
        JsonNode many = json(embed(Api.manyInputs("bge-tei", 40)).then().statusCode(200).extract().response());
        assertEquals(3, bge.callCount()); // settings.max-client-batch-size=16
        assertArrayEquals(FakeTei.expectedVector(BGE, "text-39", 768, true), vector(many, 39));
        json(embed(Api.manyInputs("nomic-tei", 40)).then().statusCode(200).extract().response());
        assertEquals(2, nomic.callCount()); // TEI's default 32
        assertEquals(32, sent(nomic, 0).get("inputs").size() + sent(nomic, 1).get("inputs").size() - 8);
    }

    @Test
    void errorsMapByErrorType() {
        bge.maxBatch(2);
        embed(Api.manyInputs("bge-tei", 3)).then().statusCode(400).body("error.message",
                containsString("batch size 3 > maximum allowed batch size 2"));
        bge.maxInputTokens(2);
        embed("{\"model\":\"bge-tei\",\"input\":[\"" + "z".repeat(40) + "\"],\"embedding_options\":{\"tei\":{\"truncate\":false}}}").then()
                .statusCode(400).body("error.message", containsString("must have less than 2 tokens"));
        bge.enqueue(FakeTei.overloaded(), FakeTei.backendError(), FakeTei.unhealthy());
        embed("{\"model\":\"bge-tei\",\"input\":\"x\"}").then().statusCode(429).body("error.message", containsString("Provider 'tei-bge'"));
        embed("{\"model\":\"bge-tei\",\"input\":\"x\"}").then().statusCode(502).body("error.code", equalTo("provider_error"))
                .body("error.message", containsString("HTTP 424"));
        embed("{\"model\":\"bge-tei\",\"input\":\"x\"}").then().statusCode(502).body("error.message", containsString("HTTP 503"));
        bge.lowercaseTruncationDirection(true);
        embed("{\"model\":\"bge-tei\",\"input\":\"x\",\"embedding_options\":{\"tei\":{\"truncation_direction\":\"right\"}}}").then()
                .statusCode(400).body("error.message", containsString("unknown variant"));
    }
}
