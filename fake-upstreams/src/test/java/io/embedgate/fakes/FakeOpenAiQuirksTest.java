package io.embedgate.fakes;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

/** The switches that make {@link FakeOpenAi} an OpenAI-compatible host (vLLM, NIM, OpenRouter, Gemini's endpoint...). */
class FakeOpenAiQuirksTest {

    static FakeOpenAi fake;
    static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
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
        fake.openAiBehaviour();
    }

    static HttpResponse<String> post(String body, boolean auth) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(fake.baseUrl() + "/embeddings")).POST(HttpRequest.BodyPublishers.ofString(
                body)).header("content-type", "application/json");
        if (auth) {
            b.header("authorization", "Bearer " + fake.apiKey());
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void noBase64HostAnswersNumbersAndNoUsageWhenSwitchedOff() throws Exception {
        fake.base64(false).usage(false).model("BAAI/bge-m3", 1024, false);
        JsonNode r = json.readTree(post("{\"model\":\"BAAI/bge-m3\",\"input\":\"x\",\"encoding_format\":\"base64\"}", true).body());
        assertTrue(r.get("data").get(0).get("embedding").isArray());
        assertEquals(1024, r.get("data").get(0).get("embedding").size());
        assertEquals(fake.vector("BAAI/bge-m3", "x", null)[5], r.get("data").get(0).get("embedding").get(5).floatValue());
        assertNull(r.get("usage"));
    }

    @Test
    void dimensionsOnAFixedModelPerHost() throws Exception {
        fake.model("BAAI/bge-m3", 1024, false).errorShape(FakeOpenAi.ErrorShape.VLLM_FLAT)
                .dimensionsMode(FakeOpenAi.DimensionsMode.VLLM_REJECT);
        HttpResponse<String> vllm = post("{\"model\":\"BAAI/bge-m3\",\"input\":\"x\",\"dimensions\":256}", true);
        assertEquals(400, vllm.statusCode());
        JsonNode e = json.readTree(vllm.body());
        assertEquals("error", e.get("object").asText());
        assertEquals(400, e.get("code").asInt());
        assertTrue(e.get("message").asText().contains("does not support matryoshka representation"));

        fake.dimensionsMode(FakeOpenAi.DimensionsMode.IGNORE);
        HttpResponse<String> ignored = post("{\"model\":\"BAAI/bge-m3\",\"input\":\"x\",\"dimensions\":256}", true);
        assertEquals(200, ignored.statusCode());
        assertEquals(1024, json.readTree(ignored.body()).get("data").get(0).get("embedding").size(), "OpenRouter drops the parameter");
    }

    @Test
    void nimRequiresInputTypeWithoutAuthWhenSelfHosted() throws Exception {
        fake.requireInputType(true).requireAuth(false).model("nvidia/nv-embedqa-e5-v5", 1024, false);
        HttpResponse<String> missing = post("{\"model\":\"nvidia/nv-embedqa-e5-v5\",\"input\":\"x\"}", false);
        assertEquals(400, missing.statusCode());
        assertEquals("{\"detail\":\"'input_type' parameter is required for asymmetric models\"}", missing.body());
        assertEquals(422, post("{\"model\":\"nvidia/nv-embedqa-e5-v5\",\"input\":\"x\",\"input_type\":\"document\"}", false).statusCode());
        assertEquals(200, post("{\"model\":\"nvidia/nv-embedqa-e5-v5\",\"input\":\"x\",\"input_type\":\"passage\"}", false).statusCode());
    }

    @Test
    void geminiCompatibleErrorsComeInAnArray() throws Exception {
        fake.errorShape(FakeOpenAi.ErrorShape.GEMINI_ARRAY);
        HttpResponse<String> r = post("{\"model\":\"nope\",\"input\":\"x\"}", true);
        assertEquals(404, r.statusCode());
        JsonNode e = json.readTree(r.body());
        assertTrue(e.isArray());
        assertEquals(404, e.get(0).get("error").get("code").asInt());
        assertEquals("NOT_FOUND", e.get(0).get("error").get("status").asText());
    }

    @Test
    void maxInputsIsASwitch() throws Exception {
        fake.maxInputs(2);
        assertEquals(400, post("{\"model\":\"text-embedding-3-small\",\"input\":[\"a\",\"b\",\"c\"]}", true).statusCode());
        assertEquals(200, post("{\"model\":\"text-embedding-3-small\",\"input\":[\"a\",\"b\"]}", true).statusCode());
    }
}
