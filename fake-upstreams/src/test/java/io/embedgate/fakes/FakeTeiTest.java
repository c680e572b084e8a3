package io.embedgate.fakes;

import static io.embedgate.fakes.FakeHttp.floats;
import static io.embedgate.fakes.FakeHttp.json;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

class FakeTeiTest {

    static final String MODEL = "BAAI/bge-small-en-v1.5";
    static FakeTei fake;
    static FakeTei keyed;

    @BeforeAll
    static void start() {
        fake = FakeTei.start(MODEL, 384);
        keyed = FakeTei.start(FakeUpstream.Options.defaults(), "tei-key-0123456789", MODEL, 384);
    }

    @AfterAll
    static void stop() {
        fake.close();
        keyed.close();
    }

    @BeforeEach
    void reset() {
        fake.reset();
        fake.maxBatch(FakeTei.DEFAULT_BATCH).maxInputTokens(FakeTei.DEFAULT_MAX_INPUT_TOKENS).autoTruncate(true)
                .lowercaseTruncationDirection(false).prompts(Map.of());
    }

    HttpResponse<String> post(String body) throws Exception {
        return FakeHttp.post(fake.baseUrl() + "/embed", body, null);
    }

    @Test
    void bareArrayWithPromptsNormalizeAndHeaders() throws Exception {
        fake.prompts(Map.of("query", "query: "));
        HttpResponse<String> r = post("{\"inputs\":[\"a\",\"b\"],\"prompt_name\":\"query\"}");
        assertEquals(200, r.statusCode(), r.body());
        JsonNode body = json(r);
        assertArrayEquals(FakeTei.expectedVector(MODEL, "query: b", 384, true), floats(body.get(1)));
        assertEquals("cpu", r.headers().firstValue("x-compute-type").orElseThrow());
        assertEquals("4", r.headers().firstValue("x-compute-tokens").orElseThrow());
        JsonNode raw = json(post("{\"inputs\":\"a\",\"normalize\":false}"));
        assertArrayEquals(FakeTei.expectedVector(MODEL, "a", 384, false), floats(raw.get(0)));
        assertEquals(422, post("{\"inputs\":[\"a\"],\"prompt_name\":\"passage\"}").statusCode());
    }

    @Test
    void limitsAndErrorTypes() throws Exception {
        HttpResponse<String> many = post("{\"inputs\":" + FakeHttp.inputs(33) + "}");
        assertEquals(422, many.statusCode());
        assertEquals("batch size 33 > maximum allowed batch size 32", json(many).get("error").asText());
        assertEquals("Validation", json(many).get("error_type").asText());
        assertEquals("Empty", json(post("{\"inputs\":[]}")).get("error_type").asText());
        fake.maxInputTokens(2);
        assertEquals(422, post("{\"inputs\":[\"abcdefghijkl\"],\"truncate\":false}").statusCode());
        JsonNode left = json(post("{\"inputs\":[\"abcdefghijkl\"],\"truncation_direction\":\"Left\"}"));
        assertArrayEquals(FakeTei.expectedVector(MODEL, "efghijkl", 384, true), floats(left.get(0)));
        HttpResponse<String> lower = post("{\"inputs\":[\"a\"],\"truncation_direction\":\"left\"}");
        assertEquals(422, lower.statusCode());
        assertTrue(lower.body().startsWith("Failed to deserialize"));
        fake.lowercaseTruncationDirection(true);
        assertEquals(200, post("{\"inputs\":[\"a\"],\"truncation_direction\":\"left\"}").statusCode());
        fake.enqueue(FakeTei.overloaded(), FakeTei.backendError(), FakeTei.unhealthy());
        assertEquals(429, post("{\"inputs\":[\"a\"]}").statusCode());
        assertEquals(424, post("{\"inputs\":[\"a\"]}").statusCode());
        assertEquals(503, post("{\"inputs\":[\"a\"]}").statusCode());
        assertEquals(401, FakeHttp.post(keyed.baseUrl() + "/embed", "{\"inputs\":[\"a\"]}", "wrong").statusCode());
        assertEquals(200, FakeHttp.post(keyed.baseUrl() + "/embed", "{\"inputs\":[\"a\"]}", keyed.apiKey()).statusCode());
    }
}
