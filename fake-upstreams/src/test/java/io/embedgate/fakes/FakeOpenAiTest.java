package io.embedgate.fakes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

class FakeOpenAiTest {

    static FakeOpenAi fake;
    // HTTP/1.1 (no h2c upgrade attempt) and a connect timeout: a fault test that drops connections must not hang the next.
    static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(java.time.Duration.ofSeconds(5)).build();
    static final ObjectMapper json = new ObjectMapper();

    @BeforeAll
    static void start() {
        fake = FakeOpenAi.start();
    }

    @AfterAll
    static void stop() {
        fake.close();
    }

    @BeforeEach
    void reset() {
        fake.reset();
    }

    HttpResponse<String> post(String body, String key) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(fake.baseUrl() + "/embeddings")).timeout(java.time.Duration.ofSeconds(20))
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            b.header("authorization", "Bearer " + key);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void floatAndBase64CarryTheSameVector() throws Exception {
        JsonNode f = json.readTree(post("{\"model\":\"text-embedding-3-small\",\"input\":[\"hello\",\"world\"]}", fake.apiKey()).body());
        assertEquals(2, f.get("data").size());
        assertEquals(1, f.get("data").get(1).get("index").asInt());
        float[] expected = FakeOpenAi.expectedVector("text-embedding-3-small", "world", null);
        assertEquals(1536, f.get("data").get(1).get("embedding").size());
        assertEquals(expected[7], f.get("data").get(1).get("embedding").get(7).floatValue());
        assertEquals(f.get("usage").get("prompt_tokens"), f.get("usage").get("total_tokens"));

        JsonNode b = json.readTree(
                post("{\"model\":\"text-embedding-3-small\",\"input\":\"world\",\"encoding_format\":\"base64\",\"dimensions\":256}",
                        fake.apiKey()).body());
        byte[] raw = Base64.getDecoder().decode(b.get("data").get(0).get("embedding").asText());
        float[] got = new float[raw.length / 4];
        ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(got);
        assertArrayEquals(FakeOpenAi.expectedVector("text-embedding-3-small", "world", 256), got);
        double norm = 0;
        for (float v : got) {
            norm += v * v;
        }
        assertEquals(1.0, norm, 1e-5);
    }

    @Test
    void errorsFollowTheRealApi() throws Exception {
        HttpResponse<String> r = post("{\"model\":\"text-embedding-3-small\",\"input\":\"x\"}", null);
        assertEquals(401, r.statusCode());
        r = post("{\"model\":\"text-embedding-3-small\",\"input\":\"x\"}", "sk-wrong-key-123456");
        assertEquals(401, r.statusCode());
        assertEquals("invalid_api_key", json.readTree(r.body()).get("error").get("code").asText());
        r = post("{\"model\":\"nope\",\"input\":\"x\"}", fake.apiKey());
        assertEquals(404, r.statusCode());
        assertEquals("model_not_found", json.readTree(r.body()).get("error").get("code").asText());
        r = post("{\"model\":\"text-embedding-ada-002\",\"input\":\"x\",\"dimensions\":8}", fake.apiKey());
        assertEquals(400, r.statusCode());
        assertTrue(r.body().contains("does not support specifying dimensions"));
        r = post("{\"model\":\"text-embedding-3-small\",\"input\":[\"a\",\"\"]}", fake.apiKey());
        assertEquals(400, r.statusCode());
        assertTrue(r.body().contains("'$.input' is invalid"));
        StringBuilder many = new StringBuilder("{\"model\":\"text-embedding-3-small\",\"input\":[");
        for (int i = 0; i < 2049; i++) {
            many.append(i == 0 ? "" : ",").append("\"x\"");
        }
        assertEquals(400, post(many.append("]}").toString(), fake.apiKey()).statusCode());
        assertEquals(400,
                post("{\"model\":\"text-embedding-3-small\",\"input\":\"" + "x".repeat(4 * 8193) + "\"}", fake.apiKey()).statusCode());
    }

    @Test
    void scriptedFaultsAreUsedInOrder() throws Exception {
        fake.enqueue(FakeOpenAi.rateLimited(2), FakeOpenAi.serverError(503));
        HttpResponse<String> r = post("{\"model\":\"text-embedding-3-small\",\"input\":\"x\"}", fake.apiKey());
        assertEquals(429, r.statusCode());
        assertEquals("2", r.headers().firstValue("retry-after").orElseThrow());
        assertEquals(503, post("{\"model\":\"text-embedding-3-small\",\"input\":\"x\"}", fake.apiKey()).statusCode());
        assertEquals(200, post("{\"model\":\"text-embedding-3-small\",\"input\":\"x\"}", fake.apiKey()).statusCode());
        assertEquals(3, fake.callCount());
        fake.enqueue(Fault.disconnect());
        assertThrows(java.io.IOException.class, () -> post("{\"model\":\"text-embedding-3-small\",\"input\":\"x\"}", fake.apiKey()));
    }

    @Test
    void tokenIdInputs() throws Exception {
        JsonNode r = json.readTree(post("{\"model\":\"text-embedding-3-small\",\"input\":[[1,2,3],[4]]}", fake.apiKey()).body());
        assertEquals(4, r.get("usage").get("prompt_tokens").asInt());
        assertEquals(FakeOpenAi.expectedVector("text-embedding-3-small", new int[]{4}, null)[0],
                r.get("data").get(1).get("embedding").get(0).floatValue());
    }
}
