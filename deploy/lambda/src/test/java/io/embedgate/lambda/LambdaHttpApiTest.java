package io.embedgate.lambda;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.embedgate.fakes.FakeOpenAi;
import io.embedgate.fakes.Fault;
import io.embedgate.spi.Float32;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/**
 * The function behind Quarkus' mock Lambda event server: every request below becomes an API Gateway
 * HTTP API (payload 2.0) event, goes through the Lambda runtime API to the function, and its
 * response event comes back as HTTP, as behind a real API Gateway.
 */
@QuarkusTest
@WithTestResource(FakeOpenAiResource.class)
class LambdaHttpApiTest {

    private static final String BEARER = "Bearer " + FakeOpenAiResource.GATEWAY_KEY;

    @BeforeEach
    void resetFake() {
        FakeOpenAiResource.fake.reset();
    }

    /** Requests to the mock event server, which stands where API Gateway stands. */
    static RequestSpecification apiGateway() {
        // host:port/_lambda_ (the runtime API's base); API Gateway's side is the same server's root
        String api = ConfigProvider.getConfig().getValue("quarkus-internal.aws-lambda.test-api", String.class);
        return given().baseUri("http://" + api.substring(0, api.indexOf('/'))).port(-1);
    }

    private static Response embed(String route, String body) {
        return apiGateway().header("Authorization", BEARER).contentType("application/json").body(body).post(route);
    }

    @Test
    void embedsWithFloatVectors() {
        Response r = embed("/v1/embeddings", """
                {"model":"text-embedding-3-small","input":["hello","lambda"],"dimensions":64}""");
        r.then().statusCode(200).contentType("application/json").body("object", equalTo("list"))
                .body("data.size()", equalTo(2)).body("model", equalTo("text-embedding-3-small"))
                .body("usage.prompt_tokens", notNullValue());
        JsonPath json = r.jsonPath();
        List<Float> first = json.getList("data[0].embedding", Float.class);
        float[] v = new float[first.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = first.get(i);
        }
        assertArrayEquals(FakeOpenAi.expectedVector("text-embedding-3-small", "hello", 64), v);
        assertEquals(1, json.getInt("data[1].index"));
    }

    @Test
    void embedsWithBase64Vectors() {
        Response r = embed("/v1/embeddings", """
                {"model":"text-embedding-3-small","input":"lambda","encoding_format":"base64"}""");
        r.then().statusCode(200);
        float[] v = Float32.fromLittleEndian(java.util.Base64.getDecoder().decode(r.jsonPath().getString("data[0].embedding")));
        assertArrayEquals(FakeOpenAi.expectedVector("text-embedding-3-small", "lambda", null), v);
    }

    @Test
    void orqRouteRetriesAsConfigured() {
        FakeOpenAiResource.fake.enqueue(FakeOpenAi.serverError(503));
        embed("/v2/gateway/embeddings", """
                {"model":"text-embedding-3-small","input":["a","b"],"orq":{"retry":{"count":1,"on_codes":[503]}}}""")
                .then().statusCode(200).body("data.size()", equalTo(2));
        assertEquals(2, FakeOpenAiResource.fake.callCount());
    }

    @Test
    void listsTheModelsThisFunctionServes() {
        apiGateway().header("Authorization", BEARER).get("/v1/models").then().statusCode(200)
                .body("object", equalTo("list")).body("data.id", hasItem("text-embedding-3-small"))
                // the in-process model is not part of the function
                .body("data.id", not(hasItem("local/all-minilm-l6-v2")));
    }

    @Test
    void rejectsARequestWithoutTheGatewayKey() {
        apiGateway().contentType("application/json").body("{\"model\":\"text-embedding-3-small\",\"input\":\"x\"}")
                .post("/v1/embeddings").then().statusCode(401).body("error.type", equalTo("invalid_request_error"));
        apiGateway().header("Authorization", "Bearer not-the-key").get("/v1/models").then().statusCode(401);
        assertEquals(0, FakeOpenAiResource.fake.callCount());
    }

    @Test
    void badInputIsA400NamingTheField() {
        embed("/v1/embeddings", "{\"model\":\"text-embedding-3-small\",\"input\":\"x\",\"dimensions\":0}").then()
                .statusCode(400).body("error.param", equalTo("dimensions"));
        embed("/v1/embeddings", "{\"model\":\"text-embedding-3-small\",\"input\":").then().statusCode(400)
                .body("error.type", equalTo("invalid_request_error"));
    }

    @Test
    void upstreamRateLimitIsA429NamingTheProviderNotItsKey() {
        FakeOpenAiResource.fake.enqueue(FakeOpenAi.rateLimited(2));
        Response r = embed("/v1/embeddings", "{\"model\":\"text-embedding-3-small\",\"input\":\"x\"}");
        r.then().statusCode(429).header("retry-after", "2").header("retry-after-ms", "2000");
        String body = r.asString();
        assertFalse(body.contains(FakeOpenAiResource.fake.apiKey()), body);
        r.then().body("error.message", org.hamcrest.Matchers.containsString("openai"));
    }

    /** Lambda returns at most 6 MB: an answer that cannot fit is a clear 413, never API Gateway's bare 502. */
    @Test
    void anAnswerTooLargeForLambdaIsA413BeforeAnyUpstreamCall() {
        // 2048 x 1536 numbers: more than 6 MB however short each is printed
        embed("/v1/embeddings", manyInputs(2048, "")).then().statusCode(413).body("error.code", equalTo("response_too_large"))
                .body("error.param", equalTo("input"))
                .body("error.message", org.hamcrest.Matchers.containsString("encoding_format=base64"));
        assertEquals(0, FakeOpenAiResource.fake.callCount());
    }

    @Test
    void anAnswerThatTurnsOutTooLargeIsA413() {
        // 1000 x 1536 printed floats: over 6 MB once printed, which only printing them tells
        embed("/v1/embeddings", manyInputs(1000, "")).then().statusCode(413).body("error.code", equalTo("response_too_large"))
                .body("error.message", org.hamcrest.Matchers.containsString("more than 6.2 MB"));
        assertEquals(1, FakeOpenAiResource.fake.callCount());
    }

    @Test
    void theSameInputsFitAsBase64() {
        // 500 x 1536 as base64: 4.1 MB, returned whole through API Gateway's response event
        Response r = embed("/v1/embeddings", manyInputs(500, ",\"encoding_format\":\"base64\""));
        r.then().statusCode(200).body("data.size()", equalTo(500));
        float[] last = Float32.fromLittleEndian(java.util.Base64.getDecoder().decode(r.jsonPath().getString("data[499].embedding")));
        assertArrayEquals(FakeOpenAi.expectedVector("text-embedding-3-small", "text-499", null), last);
    }

    private static String manyInputs(int n, String extra) {
        StringBuilder b = new StringBuilder("{\"model\":\"text-embedding-3-small\",\"input\":[");
        for (int i = 0; i < n; i++) {
            b.append(i == 0 ? "" : ",").append("\"text-").append(i).append('"');
        }
        return b.append(']').append(extra).append('}').toString();
    }

    @Test
    void anUpstreamThatBreaksOffIsA502() {
        FakeOpenAiResource.fake.enqueue(Fault.disconnect());
        embed("/v1/embeddings", "{\"model\":\"text-embedding-3-small\",\"input\":\"x\"}").then().statusCode(502)
                .body("error.message", org.hamcrest.Matchers.containsString("openai"));
    }
}
