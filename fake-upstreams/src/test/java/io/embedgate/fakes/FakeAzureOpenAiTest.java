package io.embedgate.fakes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

class FakeAzureOpenAiTest {

    static FakeAzureOpenAi fake;
    static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static final ObjectMapper json = new ObjectMapper();

    @BeforeAll
    static void start() {
        fake = FakeAzureOpenAi.start();
        fake.deploy("prod-small", "text-embedding-3-small").deploy("legacy-ada", "text-embedding-ada-002");
    }

    @AfterAll
    static void stop() {
        fake.close();
    }

    @BeforeEach
    void reset() {
        fake.reset();
        fake.maxInputs(FakeOpenAi.MAX_INPUTS);
    }

    static HttpResponse<String> post(String path, String body, String header, String value) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(fake.baseUrl() + path)).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("content-type", "application/json");
        if (header != null) {
            b.header(header, value);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> classic(String deployment, String body) throws Exception {
        return post("/openai/deployments/" + deployment + "/embeddings?api-version=2024-06-01", body, "api-key", fake.apiKey());
    }

    @Test
    void classicRouteEmbedsWithTheDeploymentsModel() throws Exception {
        HttpResponse<String> r = classic("prod-small", "{\"input\":[\"a\",\"b\"],\"dimensions\":64}");
        assertEquals(200, r.statusCode(), r.body());
        JsonNode body = json.readTree(r.body());
        assertEquals("text-embedding-3-small", body.get("model").asText());
        assertEquals(64, body.get("data").get(1).get("embedding").size());
        assertEquals(FakeOpenAi.expectedVector("text-embedding-3-small", "b", 64)[0], body.get("data").get(1).get("embedding").get(0)
                .floatValue());
        assertNotNull(r.headers().firstValue("apim-request-id").orElse(null));
        assertEquals("119", r.headers().firstValue("x-ratelimit-remaining-requests").orElseThrow());
        assertNull(r.headers().firstValue("x-ratelimit-limit-requests").orElse(null), "Azure sends only the remaining headers");
    }

    @Test
    void v1RouteTakesTheDeploymentAsModel() throws Exception {
        HttpResponse<String> r = post("/openai/v1/embeddings", "{\"model\":\"prod-small\",\"input\":\"x\",\"encoding_format\":\"base64\"}",
                "api-key", fake.apiKey());
        assertEquals(200, r.statusCode(), r.body());
        byte[] raw = java.util.Base64.getDecoder().decode(json.readTree(r.body()).get("data").get(0).get("embedding").asText());
        float[] got = new float[raw.length / 4];
        java.nio.ByteBuffer.wrap(raw).order(java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(got);
        assertArrayEquals(FakeOpenAi.expectedVector("text-embedding-3-small", "x", null), got);
    }

    @Test
    void azureErrorBodies() throws Exception {
        HttpResponse<String> noVersion = post("/openai/deployments/prod-small/embeddings", "{\"input\":\"x\"}", "api-key", fake.apiKey());
        assertEquals(404, noVersion.statusCode());
        assertEquals("{\"error\":{\"code\":\"404\",\"message\":\"Resource not found\"}}", noVersion.body());

        HttpResponse<String> wrongKey = post("/openai/v1/embeddings", "{\"model\":\"prod-small\",\"input\":\"x\"}", "api-key", "nope");
        assertEquals(401, wrongKey.statusCode());
        assertEquals("401", json.readTree(wrongKey.body()).get("error").get("code").asText());
        assertTrue(wrongKey.body().contains("Access denied"));

        HttpResponse<String> bearer = post("/openai/v1/embeddings", "{\"model\":\"prod-small\",\"input\":\"x\"}", "authorization",
                "Bearer " + fake.apiKey());
        assertEquals(401, bearer.statusCode());
        assertEquals(401, json.readTree(bearer.body()).get("statusCode").asInt());

        HttpResponse<String> noDeployment = classic("nope", "{\"input\":\"x\"}");
        assertEquals(404, noDeployment.statusCode());
        assertEquals("DeploymentNotFound", json.readTree(noDeployment.body()).get("error").get("code").asText());

        HttpResponse<String> adaDims = classic("legacy-ada", "{\"input\":\"x\",\"dimensions\":8}");
        assertEquals(400, adaDims.statusCode());
        assertTrue(adaDims.body().contains("This model does not support specifying dimensions."));
    }

    @Test
    void legacyCapOfSixteenInputs() throws Exception {
        fake.maxInputs(16);
        String seventeen = "{\"input\":[" + "\"x\",".repeat(16) + "\"y\"]}";
        HttpResponse<String> r = classic("prod-small", seventeen);
        assertEquals(400, r.statusCode());
        assertTrue(json.readTree(r.body()).get("error").get("message").asText()
                .startsWith("Too many inputs. The max number of inputs is 16."));
        assertEquals(200, classic("prod-small", "{\"input\":[" + "\"x\",".repeat(15) + "\"y\"]}").statusCode());
    }

    @Test
    void rateLimitCarriesBothRetryHeaders() throws Exception {
        fake.enqueue(FakeAzureOpenAi.rateLimited(7));
        HttpResponse<String> r = classic("prod-small", "{\"input\":\"x\"}");
        assertEquals(429, r.statusCode());
        assertEquals("7", r.headers().firstValue("retry-after").orElseThrow());
        assertEquals("7000", r.headers().firstValue("retry-after-ms").orElseThrow());
        assertEquals("429", json.readTree(r.body()).get("error").get("code").asText());
    }
}
