package io.embedgate.api;

import static io.embedgate.testing.Api.embed;
import static io.embedgate.testing.Api.json;
import static io.embedgate.testing.Api.vector;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.embedgate.fakes.FakeOpenAi;
import io.embedgate.fakes.RecordedRequest;
import io.embedgate.testing.Api;
import io.embedgate.testing.FakeUpstreamsResource;
import io.embedgate.testing.InjectFake;
import io.embedgate.testing.TestKeys;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;

@QuarkusTest
@WithTestResource(FakeUpstreamsResource.class)
class EmbeddingsApiTest {

    static final String SMALL = "text-embedding-3-small";

    @InjectFake
    FakeOpenAi fake;

    @BeforeEach
    void reset() {
        fake.reset();
    }

    @Test
    void floatVectorsAreTheUpstreamVectorsInInputOrder() {
        Response r = embed("{\"model\":\"text-embedding-3-small\",\"input\":[\"alpha\",\"beta\",\"gamma\"]}");
        r.then().statusCode(200)
                .header("content-type", startsWith("application/json"))
                .header("x-embedgate-provider", "openai")
                .header("x-request-id", matchesPattern("req_[0-9a-f]{32}"));
        JsonNode body = json(r);
        assertEquals("list", body.get("object").asText());
        assertEquals(SMALL, body.get("model").asText());
        assertEquals(3, body.get("data").size());
        String[] texts = {"alpha", "beta", "gamma"};
        for (int i = 0; i < 3; i++) {
            assertEquals("embedding", body.get("data").get(i).get("object").asText());
            assertEquals(i, body.get("data").get(i).get("index").asInt());
            assertArrayEquals(FakeOpenAi.expectedVector(SMALL, texts[i], null), vector(body, i));
        }
        JsonNode usage = body.get("usage");
        // The fake counts one token per 4 UTF-8 bytes: alpha 2, beta 1, gamma 2.
        assertEquals(5, usage.get("prompt_tokens").asInt());
        assertEquals(0, usage.get("completion_tokens").asInt());
        assertEquals(5, usage.get("total_tokens").asInt());
    }

    @Test
    void upstreamIsAskedForBase64WithTheProviderKeyAndNothingOfTheClient() {
        RestAssured.given().header("Authorization", TestKeys.BEARER).header("x-client-secret", "do-not-forward")
                .contentType("application/json")
                .body("{\"model\":\"text-embedding-3-small\",\"input\":\"hi\",\"user\":\"user-42\",\"extra\":{\"x\":1}}")
                .post("/v1/embeddings").then().statusCode(200);
        assertEquals(1, fake.callCount());
        RecordedRequest up = fake.requests().get(0);
        assertEquals("/v1/embeddings", up.uri());
        assertEquals("Bearer " + fake.apiKey(), up.header("authorization"));
        assertNull(up.header("x-client-secret"));
        JsonNode sent = parse(up.body());
        assertEquals("base64", sent.get("encoding_format").asText());
        assertEquals("user-42", sent.get("user").asText());
        assertFalse(sent.has("extra"));
        assertFalse(sent.has("dimensions"));
    }

    @Test
    void base64ToTheClientCarriesTheSameFloat32Bytes() {
        JsonNode body = json(embed("{\"model\":\"text-embedding-3-small\",\"input\":[\"one\",\"two\"],\"encoding_format\":\"base64\"}")
                .then().statusCode(200).extract().response());
        assertTrue(body.get("data").get(0).get("embedding").isTextual());
        assertArrayEquals(FakeOpenAi.expectedVector(SMALL, "one", null), vector(body, 0));
        assertArrayEquals(FakeOpenAi.expectedVector(SMALL, "two", null), vector(body, 1));
    }

    @Test
    void dimensionsAreForwardedAndVectorsHaveThatSize() {
        JsonNode body = json(embed("{\"model\":\"text-embedding-3-small\",\"input\":\"short\",\"dimensions\":256}").then().statusCode(200)
                .extract().response());
        float[] v = vector(body, 0);
        assertEquals(256, v.length);
        assertArrayEquals(FakeOpenAi.expectedVector(SMALL, "short", 256), v);
        assertEquals(256, parse(fake.requests().get(0).body()).get("dimensions").asInt());
    }

    @Test
    void nativeDimensionsAreAcceptedWithoutBeingSent() {
        embed("{\"model\":\"text-embedding-3-small\",\"input\":\"x\",\"dimensions\":1536}").then().statusCode(200);
        assertFalse(parse(fake.requests().get(0).body()).has("dimensions"));
    }

    @Test
    void tokenIdInputsInBothShapes() {
        JsonNode one = json(embed("{\"model\":\"text-embedding-3-small\",\"input\":[1,2,3]}").then().statusCode(200).extract().response());
        assertEquals(1, one.get("data").size());
        assertArrayEquals(FakeOpenAi.expectedVector(SMALL, new int[]{1, 2, 3}, null), vector(one, 0));
        assertEquals(3, one.get("usage").get("prompt_tokens").asInt());
        JsonNode many = json(
                embed("{\"model\":\"text-embedding-3-small\",\"input\":[[5],[6,7]]}").then().statusCode(200).extract().response());
        assertEquals(2, many.get("data").size());
        assertArrayEquals(FakeOpenAi.expectedVector(SMALL, new int[]{6, 7}, null), vector(many, 1));
        assertEquals("[[5],[6,7]]", parse(fake.requests().get(1).body()).get("input").toString());
    }

    @Test
    void inputsIsAnAlias() {
        JsonNode body = json(
                embed("{\"model\":\"text-embedding-3-small\",\"inputs\":[\"a\",\"b\"]}").then().statusCode(200).extract().response());
        assertArrayEquals(FakeOpenAi.expectedVector(SMALL, "b", null), vector(body, 1));
        embed("{\"model\":\"text-embedding-3-small\",\"input\":[\"a\"],\"inputs\":[\"a\"]}").then().statusCode(200);
    }

    @Test
    void twoThousandFortyEightInputsInOneRequest() {
        JsonNode body = json(embed(Api.manyInputs(SMALL, 2048)).then().statusCode(200).extract().response());
        assertEquals(2048, body.get("data").size());
        assertArrayEquals(FakeOpenAi.expectedVector(SMALL, "text-2047", null), vector(body, 2047));
        assertEquals(2047, body.get("data").get(2047).get("index").asInt());
    }

    @Test
    void pinnedModelIdsRouteToThatProvider() {
        embed("{\"model\":\"openai/text-embedding-3-small\",\"input\":\"x\"}").then().statusCode(200)
                .header("x-embedgate-provider", "openai").body("model", equalTo(SMALL));
    }

    @Test
    void aFailedInstanceIsSkippedForTheNextOneServingTheModel() {
        // text-embedding-3-large is served by openai-down (connection refused) and then openai.
        JsonNode body = json(embed("{\"model\":\"text-embedding-3-large\",\"input\":\"x\"}").then().statusCode(200)
                .header("x-embedgate-provider", "openai").extract().response());
        assertEquals(3072, vector(body, 0).length);
    }

    @Test
    void clientRequestIdIsEchoedWhenSafe() {
        RestAssured.given().header("Authorization", TestKeys.BEARER).header("x-request-id", "trace-123.abc")
                .contentType("application/json").body("{\"model\":\"text-embedding-3-small\",\"input\":\"x\"}")
                .post("/v1/embeddings").then().statusCode(200).header("x-request-id", "trace-123.abc");
        RestAssured.given().header("Authorization", TestKeys.BEARER).header("x-request-id", "bad id\u0001")
                .contentType("application/json").body("{\"model\":\"text-embedding-3-small\",\"input\":\"x\"}")
                .post("/v1/embeddings").then().statusCode(200).header("x-request-id", matchesPattern("req_[0-9a-f]{32}"));
    }

    @Test
    void catalogueOnlyModelUsesConfiguredDimensions() {
        // The fake does not know this model: the upstream 404 becomes a 502 naming the provider.
        Response r = embed("{\"model\":\"unknown-upstream\",\"input\":\"x\"}");
        r.then().statusCode(502).body("error.code", equalTo("provider_model_not_found"))
                .header("x-embedgate-provider", "openai");
    }

    static JsonNode parse(String s) {
        try {
            return Api.JSON.readTree(s);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
