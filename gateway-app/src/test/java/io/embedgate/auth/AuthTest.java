package io.embedgate.auth;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.embedgate.fakes.FakeOpenAi;
import io.embedgate.testing.FakeUpstreamsResource;
import io.embedgate.testing.InjectFake;
import io.embedgate.testing.TestKeys;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@WithTestResource(FakeUpstreamsResource.class)
class AuthTest {

    static final String BODY = "{\"model\":\"text-embedding-3-small\",\"input\":\"x\"}";

    @InjectFake
    FakeOpenAi fake;

    @BeforeEach
    void reset() {
        fake.reset();
    }

    @Test
    void missingKeyIs401() {
        given().contentType("application/json").body(BODY).post("/v1/embeddings").then().statusCode(401)
                .header("WWW-Authenticate", "Bearer")
                .body("error.type", equalTo("invalid_request_error")).body("error.code", nullValue());
        assertEquals(0, fake.callCount());
    }

    @ParameterizedTest(name = "Authorization: {0}")
    @ValueSource(strings = {"Bearer " + TestKeys.GATEWAY_KEY + "x", "Basic " + TestKeys.GATEWAY_KEY})
    void wrongKeyIs401(String authorization) {
        given().header("Authorization", authorization).contentType("application/json").body(BODY)
                .post("/v1/embeddings").then().statusCode(401).body("error.code", equalTo("invalid_api_key"));
        assertEquals(0, fake.callCount());
    }

    @Test
    void theProviderKeyIsNotAGatewayKey() {
        given().header("Authorization", "Bearer " + fake.apiKey()).contentType("application/json").body(BODY)
                .post("/v1/embeddings").then().statusCode(401);
        assertEquals(0, fake.callCount());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/v1/models", "/v1/models/text-embedding-3-small", "/v1/unknown"})
    void modelsNeedAKeyToo(String path) {
        given().get(path).then().statusCode(401);
    }

    @Test
    void bearerSchemeIsCaseInsensitive() {
        given().header("Authorization", "bearer " + TestKeys.GATEWAY_KEY).contentType("application/json").body(BODY)
                .post("/v1/embeddings").then().statusCode(200);
    }

    @Test
    void healthIsOutsideV1AndOpen() {
        given().get("/q/health/live").then().statusCode(200);
        given().get("/q/health/ready").then().statusCode(200);
    }

    @Test
    void readinessReportsProvidersButStaysUpWhenOneIsDown() {
        // openai-down refuses connections: it is reported, the gateway stays ready.
        given().header("Authorization", TestKeys.BEARER).contentType("application/json")
                .body("{\"model\":\"text-embedding-3-large\",\"input\":\"x\"}").post("/v1/embeddings").then().statusCode(200);
        given().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.find { it.name == 'providers' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'providers' }.data.'openai-down'",
                        org.hamcrest.Matchers.startsWith("openai, circuit closed"))
                .body("checks.find { it.name == 'providers' }.data.openai", org.hamcrest.Matchers.containsString("recent latency"));
    }
}
