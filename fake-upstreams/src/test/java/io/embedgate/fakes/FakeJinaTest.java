package io.embedgate.fakes;

import static io.embedgate.fakes.FakeHttp.floats;
import static io.embedgate.fakes.FakeHttp.json;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

class FakeJinaTest {

    static FakeJina fake;

    @BeforeAll
    static void start() {
        fake = FakeJina.start();
    }

    @AfterAll
    static void stop() {
        fake.close();
    }

    @BeforeEach
    void reset() {
        fake.reset();
        fake.maxInputs(FakeJina.DEFAULT_MAX_INPUTS).openAiErrors(false).twosComplementBinary(false);
    }

    HttpResponse<String> post(String body) throws Exception {
        return FakeHttp.post(fake.baseUrl() + "/v1/embeddings", body, fake.apiKey());
    }

    @Test
    void floatsBase64TasksAndSizes() throws Exception {
        HttpResponse<String> r = post(
                "{\"model\":\"jina-embeddings-v3\",\"input\":[\"a\",\"b\"],\"task\":\"retrieval.query\",\"dimensions\":64}");
        assertEquals(200, r.statusCode(), r.body());
        JsonNode body = json(r);
        assertArrayEquals(FakeJina.expectedFloats("jina-embeddings-v3", "retrieval.query", "b", 64),
                floats(body.get("data").get(1).get("embedding")));
        assertEquals(2, body.get("usage").get("total_tokens").asInt());
        JsonNode b64 = json(post("{\"model\":\"jina-embeddings-v4\",\"input\":[\"a\"],\"embedding_type\":\"base64\"}"));
        byte[] raw = Base64.getDecoder().decode(b64.get("data").get(0).get("embedding").asText());
        float[] v = new float[raw.length / 4];
        ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
        assertArrayEquals(FakeJina.expectedFloats("jina-embeddings-v4", null, "a", null), v);
        assertEquals(2048, v.length);
    }

    @Test
    void packedBitsAreOffsetBinaryUnlessSwitched() throws Exception {
        float[] v = FakeJina.expectedFloats("jina-embeddings-v3", null, "a", 16);
        JsonNode u = json(post("{\"model\":\"jina-embeddings-v3\",\"input\":[\"a\"],\"dimensions\":32,\"embedding_type\":\"ubinary\"}"));
        assertEquals(4, u.get("data").get(0).get("embedding").size());
        JsonNode b = json(post("{\"model\":\"jina-embeddings-v3\",\"input\":[\"a\"],\"dimensions\":32,\"embedding_type\":\"binary\"}"));
        for (int i = 0; i < 4; i++) {
            assertEquals(u.get("data").get(0).get("embedding").get(i).asInt() - 128, b.get("data").get(0).get("embedding").get(i).asInt());
        }
        assertArrayEquals(new int[]{149, 99}, FakeJina.expectedBits(new float[]{0.12f, -0.5f, 0f, 0.33f, -0.01f, 0.9f, -0.7f, 0.05f, -0.2f,
                0.4f, 0.1f, -0.3f, 0f, -0.6f, 0.8f, 0.25f}, false, false));
        assertArrayEquals(new int[]{21, -29}, FakeJina.expectedBits(new float[]{0.12f, -0.5f, 0f, 0.33f, -0.01f, 0.9f, -0.7f, 0.05f, -0.2f,
                0.4f, 0.1f, -0.3f, 0f, -0.6f, 0.8f, 0.25f}, true, false));
        fake.twosComplementBinary(true);
        JsonNode t = json(post("{\"model\":\"jina-embeddings-v3\",\"input\":[\"a\"],\"dimensions\":32,\"embedding_type\":\"binary\"}"));
        assertEquals((byte) u.get("data").get(0).get("embedding").get(0).asInt(), t.get("data").get(0).get("embedding").get(0).asInt());
        assertEquals(16, v.length);
    }

    @Test
    void errorsAsDetailOrOpenAiEnvelope() throws Exception {
        HttpResponse<String> wrongTask = post("{\"model\":\"jina-embeddings-v4\",\"input\":[\"a\"],\"task\":\"separation\"}");
        assertEquals(422, wrongTask.statusCode());
        assertTrue(json(wrongTask).get("detail").asText().contains("code.query"));
        assertEquals(422, post("{\"model\":\"jina-embeddings-v3\",\"input\":[\"a\"],\"task\":\"code.query\"}").statusCode());
        assertEquals(422, post("{\"model\":\"jina-embeddings-v3\",\"input\":[\"a\"],\"dimensions\":16}").statusCode());
        assertEquals(422, post("{\"model\":\"jina-embeddings-v2-base-en\",\"input\":[\"a\"],\"dimensions\":256}").statusCode());
        HttpResponse<String> noKey = FakeHttp.post(fake.baseUrl() + "/v1/embeddings", "{}", "wrong");
        assertEquals(401, noKey.statusCode());
        assertTrue(json(noKey).has("detail"));
        fake.maxInputs(2);
        HttpResponse<String> many = post("{\"model\":\"jina-embeddings-v3\",\"input\":" + FakeHttp.inputs(3) + "}");
        assertEquals(422, many.statusCode());
        fake.openAiErrors(true);
        HttpResponse<String> enveloped = post("{\"model\":\"jina-embeddings-v3\",\"input\":" + FakeHttp.inputs(3) + "}");
        assertTrue(json(enveloped).get("error").get("message").asText().startsWith("Too many inputs"));
        fake.enqueue(fake.rateLimited());
        HttpResponse<String> limited = post("{\"model\":\"jina-embeddings-v3\",\"input\":[\"a\"]}");
        assertEquals(429, limited.statusCode());
        assertEquals("2", limited.headers().firstValue("retry-after").orElseThrow());
        assertEquals(8, fake.callCount());
    }
}
