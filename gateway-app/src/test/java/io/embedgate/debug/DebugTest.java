package io.embedgate.debug;

import static io.embedgate.testing.Api.embed;
import static io.embedgate.testing.Api.json;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.JsonNode;

import io.embedgate.fakes.FakeGemini;
import io.embedgate.fakes.FakeOpenAi;
import io.embedgate.testing.FakeUpstreamsResource;
import io.embedgate.testing.InjectFake;
import io.embedgate.testing.TestKeys;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/** The request's debug object: every flag on and off, the trace's content, redaction, and the per-key permission. */
@QuarkusTest
@WithTestResource(FakeUpstreamsResource.class)
class DebugTest {

    @InjectFake
    FakeOpenAi fake;
    @InjectFake
    FakeGemini gemini;

    @BeforeEach
    void reset() {
        fake.reset();
        gemini.reset();
    }

    static String body(String model, String input, String debug) {
        return "{\"model\":\"" + model + "\",\"input\":" + input + (debug == null ? "" : ",\"debug\":" + debug) + "}";
    }

    /** An empty debug column sends no debug field. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            no debug field           |
            enabled false, trace on  | {"enabled":false,"trace":true}
            empty debug object       | {}
            """)
    void noDebugObjectUnlessAskedFor(String name, String debug) {
        assertNull(json(embed(body("text-embedding-3-small", "\"a\"", debug)).then().statusCode(200).extract().response()).get("debug"));
    }

    @Test
    void summaryTraceDescribesTheRequest() {
        Response r = embed(body("text-embedding-3-small", "[\"a\",\"b\"]", "{\"enabled\":true}")).then().statusCode(200).extract()
                .response();
        JsonNode d = json(r).get("debug");
        assertEquals(r.header("x-request-id"), d.get("request_id").asText());
        assertEquals("text-embedding-3-small", d.get("requested_model").asText());
        assertEquals("text-embedding-3-small", d.get("resolved_model").asText());
        assertEquals(1536, d.get("embedding_space").get("dimensions").asInt());
        assertEquals("float", d.get("embedding_space").get("dtype").asText());
        assertEquals("openai", d.get("provider").asText());
        assertEquals("openai", d.get("served_by").get("provider").asText());
        assertFalse(d.get("usage").get("estimated").asBoolean());
        assertFalse(d.get("cache").get("enabled").asBoolean());
        JsonNode plan = d.get("routing").get(0);
        assertEquals("primary", plan.get("role").asText());
        assertEquals("openai", plan.get("candidates").get(0).get("provider").asText());
        assertEquals("closed", plan.get("candidates").get(0).get("circuit").asText());
        JsonNode attempt = d.get("attempts").get(0);
        assertEquals("openai", attempt.get("provider").asText());
        assertEquals("text-embedding-3-small", attempt.get("upstream_model").asText());
        assertEquals(200, attempt.get("status").asInt());
        assertEquals("ok", attempt.get("outcome").asText());
        assertTrue(attempt.get("latency_ms").asDouble() >= 0);
        assertNull(attempt.get("request"), "bodies only when asked for");
        assertNull(attempt.get("response"));
        assertNull(attempt.get("inputs"), "per-chunk detail only at trace_level full");
        assertTrue(d.get("timings").get("total_ms").asDouble() >= d.get("timings").get("validation_ms").asDouble());
        // The vectors are still there, untouched.
        assertEquals(2, json(r).get("data").size());
        // Debug flags never reach the provider.
        assertFalse(fake.requests().get(0).body().contains("debug"));
    }

    @Test
    void traceFalseDropsTheAttemptTimeline() {
        JsonNode d = json(embed(body("text-embedding-3-small", "\"a\"", "{\"enabled\":true,\"trace\":false}")).then().statusCode(200)
                .extract().response()).get("debug");
        assertNotNull(d.get("routing"));
        assertNull(d.get("attempts"));
    }

    @Test
    void upstreamRequestIsShownWithTheKeyMasked() {
        Response r = embed(body("text-embedding-3-small", "[\"hello there\"]", "{\"return_upstream_request\":true}")).then().statusCode(200)
                .extract().response();
        String raw = r.asString();
        assertFalse(raw.contains(fake.apiKey()), "the provider key never appears");
        JsonNode request = json(r).get("debug").get("attempts").get(0).get("request");
        assertEquals("POST", request.get("method").asText());
        assertEquals(fake.baseUrl() + "/embeddings", request.get("url").asText());
        assertEquals("[REDACTED]", request.get("headers").get("Authorization").asText());
        assertEquals("hello there", request.get("body").get("input").get(0).asText());
        assertEquals("base64", request.get("body").get("encoding_format").asText());
        assertNull(json(r).get("debug").get("attempts").get(0).get("response"));
    }

    @Test
    void upstreamResponseIsShownWithVectorsTruncated() {
        Response r = embed(body("text-embedding-3-small", "[\"a\"]", "{\"return_upstream_response\":true}")).then().statusCode(200)
                .extract().response();
        JsonNode response = json(r).get("debug").get("attempts").get(0).get("response");
        assertEquals(200, response.get("status").asInt());
        String vector = response.get("body").get("data").get(0).get("embedding").asText();
        assertTrue(vector.contains("truncated"), vector);
        assertTrue(vector.length() < 400, "a 1536-float vector is 8192 base64 characters; the trace keeps a head");
        assertNull(json(r).get("debug").get("attempts").get(0).get("request"));
    }

    @Test
    void fullLevelAddsPerChunkDetail() {
        // 150 inputs: Gemini takes 100 per call, so two chunks.
        StringBuilder in = new StringBuilder("[");
        for (int i = 0; i < 150; i++) {
            in.append(i == 0 ? "" : ",").append("\"t").append(i).append('"');
        }
        JsonNode d = json(embed(body("gemini-embedding-001", in.append(']').toString(), "{\"enabled\":true,\"trace_level\":\"full\"}"))
                .then().statusCode(200).extract().response()).get("debug");
        List<String> ranges = new ArrayList<>();
        for (JsonNode a : d.get("attempts")) {
            ranges.add(a.get("chunk").asInt() + ":" + a.get("inputs").get("from").asInt() + "-" + a.get("inputs").get("to").asInt());
            assertTrue(a.get("request_bytes").asInt() > 0);
            assertTrue(a.get("response_bytes").asInt() > 0);
            assertEquals(a.get("inputs").get("count").asInt(), a.get("vectors").asInt());
        }
        ranges.sort(null);
        assertEquals(List.of("0:0-100", "1:100-150"), ranges);
        assertTrue(d.get("usage").get("estimated").asBoolean(), "Gemini reports no token counts");
    }

    @Test
    void exclusionsAreListedWithTheirReason() {
        String body = """
                {"model":"routed-small","input":"a","provider":{"ignore":["openai-b"]},"debug":{"enabled":true}}""";
        JsonNode d = json(embed(body).then().statusCode(200).extract().response()).get("debug");
        JsonNode excluded = d.get("routing").get(0).get("excluded");
        String text = excluded.toString();
        assertTrue(text.contains("openai-b is in provider.ignore"), text);
        assertTrue(text.contains("openai-alpha is alpha"), text);
        assertEquals(1, d.get("routing").get(0).get("candidates").size());
    }

    @Test
    void skippedFallbacksAndOptionMappingAreReported() {
        String body = """
                {"model":"text-embedding-3-small","input":"a","orq":{"fallbacks":[{"model":"mistral-embed"}]},\
                "embedding_options":{"google":{"task_type":"RETRIEVAL_QUERY"}},"debug":{"enabled":true}}""";
        JsonNode d = json(embed(body).then().statusCode(200).extract().response()).get("debug");
        assertTrue(d.get("notes").toString().contains("fallback mistral-embed skipped"), d.toString());
        assertEquals("RETRIEVAL_QUERY", d.get("options").get("ignored").get("google").get("options").get("task_type").asText());
        assertTrue(d.get("options").get("applied").isEmpty());
    }

    @Test
    void cacheHitsAndMissesAreReported() {
        String first = """
                {"model":"text-embedding-3-small","input":["debug-cache-1"],\
                "orq":{"cache":{"type":"exact_match","ttl":60}},"debug":{"enabled":true}}""";
        String second = """
                {"model":"text-embedding-3-small","input":["debug-cache-1","debug-cache-2"],\
                "orq":{"cache":{"type":"exact_match","ttl":60}},"debug":{"enabled":true}}""";
        embed(first).then().statusCode(200);
        JsonNode d = json(embed(second).then().statusCode(200).extract().response()).get("debug");
        assertTrue(d.get("cache").get("enabled").asBoolean());
        assertEquals(1, d.get("cache").get("hits").asInt());
        assertEquals(1, d.get("cache").get("misses").asInt());
        assertEquals(1, d.get("attempts").size(), "one upstream call, for the miss");
        assertEquals(1, d.get("cache").get("sent_upstream").asInt());
        assertNotNull(d.get("timings").get("cache_lookup_ms"));
    }

    @Test
    void aFailedRequestKeepsItsTraceAndNoKey() {
        Response r = embed(
                body("wrong-key-model", "\"a\"", "{\"enabled\":true,\"return_upstream_request\":true,\"return_upstream_response\":true}"))
                .then().statusCode(502).extract().response();
        String raw = r.asString();
        assertFalse(raw.contains(FakeUpstreamsResource.WRONG_KEY), raw);
        JsonNode body = json(r);
        assertEquals("provider_auth_failed", body.get("error").get("code").asText());
        JsonNode attempt = body.get("debug").get("attempts").get(0);
        assertEquals(401, attempt.get("status").asInt());
        assertEquals("authentication", attempt.get("outcome").asText());
        assertEquals(401, attempt.get("response").get("status").asInt());
        assertEquals("[REDACTED]", attempt.get("request").get("headers").get("Authorization").asText());
    }

    @Test
    void aKeyWithoutDebugPermissionGets403() {
        Response r = given().header("Authorization", "Bearer " + TestKeys.OTHER_KEY).contentType("application/json")
                .body(body("text-embedding-3-small", "\"a\"", "{\"enabled\":true}")).post("/v1/embeddings")
                .then().statusCode(403).extract().response();
        JsonNode e = json(r).get("error");
        assertEquals("debug_not_allowed", e.get("code").asText());
        assertEquals("debug", e.get("param").asText());
        assertTrue(e.get("message").asText().contains("debug-allowed"));
        assertEquals(0, fake.requests().size(), "nothing went upstream");
        // The same key without debug is fine.
        given().header("Authorization", "Bearer " + TestKeys.OTHER_KEY).contentType("application/json")
                .body(body("text-embedding-3-small", "\"a\"", null)).post("/v1/embeddings").then().statusCode(200);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            unknown trace level      | {"enabled":true,"trace_level":"verbose"} | debug.trace_level
            enabled is not a boolean | {"enabled":"yes"}                        | debug.enabled
            """)
    void badDebugValuesAre400(String name, String debug, String param) {
        JsonNode e = json(embed(body("text-embedding-3-small", "\"a\"", debug)).then().statusCode(400).extract().response()).get("error");
        assertEquals(param, e.get("param").asText());
    }

    @Test
    void v2RouteCarriesTheTraceToo() {
        JsonNode d = json(given().header("Authorization", TestKeys.BEARER).contentType("application/json")
                .body(body("text-embedding-3-small", "\"a\"", "{\"enabled\":true}")).post("/v2/gateway/embeddings")
                .then().statusCode(200).extract().response()).get("debug");
        assertEquals("openai", d.get("provider").asText());
        assertEquals("ok", d.get("attempts").get(0).get("outcome").asText());
    }
}
