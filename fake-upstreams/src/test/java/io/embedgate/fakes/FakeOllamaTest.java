package io.embedgate.fakes;

import static io.embedgate.fakes.FakeHttp.floats;
import static io.embedgate.fakes.FakeHttp.json;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.http.HttpResponse;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

class FakeOllamaTest {

    static FakeOllama fake;
    static FakeOllama cloud;

    @BeforeAll
    static void start() {
        fake = FakeOllama.start();
        cloud = FakeOllama.start(FakeUpstream.Options.defaults(), "ollama-cloud-key-0123456789");
    }

    @AfterAll
    static void stop() {
        fake.close();
        cloud.close();
    }

    @BeforeEach
    void reset() {
        fake.reset();
        fake.contextTokens(FakeOllama.DEFAULT_CONTEXT);
    }

    HttpResponse<String> post(String body) throws Exception {
        return FakeHttp.post(fake.baseUrl() + "/api/embed", body, null);
    }

    @Test
    void embedsWithUsageAndDimensions() throws Exception {
        HttpResponse<String> r = post(
                "{\"model\":\"nomic-embed-text:latest\",\"input\":[\"search_query: a\",\"b\"],\"keep_alive\":\"5m\"}");
        assertEquals(200, r.statusCode(), r.body());
        JsonNode body = json(r);
        assertArrayEquals(FakeOllama.expectedVector("nomic-embed-text", "search_query: a", 768), floats(body.get("embeddings").get(0)));
        assertEquals(5, body.get("prompt_eval_count").asInt());
        JsonNode one = json(post("{\"model\":\"all-minilm\",\"input\":\"x\",\"dimensions\":16}"));
        assertArrayEquals(FakeVectors.shortened(FakeOllama.expectedVector("all-minilm", "x", 384), 16),
                floats(one.get("embeddings").get(0)));
        JsonNode none = json(post("{\"model\":\"all-minilm\",\"input\":[]}"));
        assertEquals(0, none.get("embeddings").size());
    }

    @Test
    void errorsAsOllamaSendsThem() throws Exception {
        HttpResponse<String> missing = post("{\"model\":\"nope\",\"input\":[\"a\"]}");
        assertEquals(404, missing.statusCode());
        assertEquals("model 'nope' not found", json(missing).get("error").asText());
        fake.contextTokens(4);
        String longText = "{\"model\":\"all-minilm\",\"input\":[\"" + "y".repeat(40) + "\"]";
        HttpResponse<String> tooLong = post(longText + ",\"truncate\":false}");
        assertEquals(400, tooLong.statusCode());
        assertEquals("the input length exceeds the context length", json(tooLong).get("error").asText());
        JsonNode cut = json(post(longText + "}"));
        assertArrayEquals(FakeOllama.expectedVector("all-minilm", "y".repeat(16), 384), floats(cut.get("embeddings").get(0)));
        assertEquals(400, post("{\"model\":\"all-minilm\",\"input\":[1,2]}").statusCode());
        assertEquals(400, post("").statusCode());
        fake.enqueue(FakeOllama.runnerCrashed());
        assertEquals(500, post("{\"model\":\"all-minilm\",\"input\":[\"a\"]}").statusCode());
        assertEquals(401, FakeHttp.post(cloud.baseUrl() + "/api/embed", "{\"model\":\"all-minilm\",\"input\":[\"a\"]}", null).statusCode());
        assertEquals(200, FakeHttp.post(cloud.baseUrl() + "/api/embed", "{\"model\":\"all-minilm\",\"input\":[\"a\"]}", cloud.apiKey())
                .statusCode());
    }
}
