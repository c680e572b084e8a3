package io.embedgate.providers;

import static io.embedgate.testing.Api.embed;
import static io.embedgate.testing.Api.json;
import static io.embedgate.testing.Api.vector;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;

import io.embedgate.fakes.FakeGemini;
import io.embedgate.fakes.FakeOpenAi;
import io.embedgate.fakes.FakeVectors;
import io.embedgate.fakes.Fault;
import io.embedgate.testing.Api;
import io.embedgate.testing.FakeUpstreamsResource;
import io.embedgate.testing.InjectFake;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.response.ValidatableResponse;

/** The Gemini adapter through the gateway, against a fake Gemini API. */
@QuarkusTest
@WithTestResource(FakeUpstreamsResource.class)
class GoogleProviderTest {

    static final String MODEL = "gemini-embedding-001";

    @InjectFake
    FakeGemini gemini;
    @InjectFake
    FakeOpenAi openai;

    @BeforeEach
    void reset() {
        gemini.reset();
        openai.reset();
    }

    static JsonNode parse(String s) {
        try {
            return Api.JSON.readTree(s);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static double norm(float[] v) {
        double s = 0;
        for (float f : v) {
            s += (double) f * f;
        }
        return Math.sqrt(s);
    }

    static void assertClose(float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-6, "element " + i);
        }
    }

    @Test
    void reducedVectorsAreNormalisedToUnitLengthByDefault() {
        Response r = embed("{\"model\":\"google/gemini-embedding-001\",\"input\":[\"one\",\"two\"],\"dimensions\":768}");
        r.then().statusCode(200).header("x-embedgate-provider", "google").header("x-embedgate-usage-estimated", "true");
        JsonNode body = json(r);
        for (int i = 0; i < 2; i++) {
            float[] v = vector(body, i);
            assertEquals(768, v.length);
            assertEquals(1.0, norm(v), 1e-5);
            float[] raw = FakeGemini.expectedVector(MODEL, null, null, i == 0 ? "one" : "two", 768);
            assertTrue(Math.abs(norm(raw) - 1.0) > 0.01, "the fake's raw prefix is not unit length");
            assertClose(FakeVectors.normalize(raw.clone()), v);
        }
        JsonNode sent = parse(gemini.requests().get(0).body());
        assertEquals(768, sent.get("requests").get(0).get("outputDimensionality").asInt());
        assertEquals("models/gemini-embedding-001", sent.get("requests").get(1).get("model").asText());
        assertEquals(FakeGemini.DEFAULT_KEY, gemini.requests().get(0).header("x-goog-api-key"));
        assertFalse(gemini.requests().get(0).uri().contains("key="), "the key never goes in the URL");
    }

    @Test
    void normalizeFalseReturnsTheProvidersRawPrefix() {
        JsonNode body = json(embed("""
                {"model":"gemini-embedding-001","input":"one","dimensions":256,"embedding_options":{"normalize":false}}""")
                .then().statusCode(200).extract().response());
        assertArrayEquals(FakeGemini.expectedVector(MODEL, null, null, "one", 256), vector(body, 0));
    }

    @Test
    void usageIsAnEstimateMarkedAsSuch() {
        // 12 UTF-8 bytes -> 3 estimated tokens, 5 bytes -> 2 (one token per four bytes, documented)
        embed("{\"model\":\"gemini-embedding-001\",\"input\":[\"hello world!\",\"howdy\"]}").then().statusCode(200)
                .header("x-embedgate-usage-estimated", "true")
                .body("usage.prompt_tokens", equalTo(5)).body("usage.total_tokens", equalTo(5));
    }

    @Test
    void twoHundredFiftyInputsAreThreeConcurrentCallsReassembledInOrder() {
        JsonNode body = json(embed(Api.manyInputs("gemini-embedding-001", 250).replace("]}", "],\"dimensions\":128}"))
                .then().statusCode(200).extract().response());
        assertEquals(250, body.get("data").size());
        assertEquals(3, gemini.callCount());
        int total = 0;
        for (var req : gemini.requests()) {
            int n = parse(req.body()).get("requests").size();
            assertTrue(n <= FakeGemini.MAX_BATCH);
            total += n;
        }
        assertEquals(250, total);
        for (int i : new int[]{0, 99, 100, 199, 200, 249}) {
            assertEquals(i, body.get("data").get(i).get("index").asInt());
            assertClose(FakeVectors.normalize(FakeGemini.expectedVector(MODEL, null, null, "text-" + i, 128)), vector(body, i));
        }
    }

    @Test
    void taskTypeAndTitleGoToEveryElementAndChangeTheVector() {
        String body = """
                {"model":"gemini-embedding-001","input":["doc a","doc b"],\
                "embedding_options":{"google":{"task_type":"RETRIEVAL_DOCUMENT","title":"Manual","output_dimensionality":512}}}""";
        JsonNode r = json(embed(body).then().statusCode(200).extract().response());
        JsonNode sent = parse(gemini.requests().get(0).body()).get("requests");
        for (JsonNode element : sent) {
            assertEquals("RETRIEVAL_DOCUMENT", element.get("taskType").asText());
            assertEquals("Manual", element.get("title").asText());
            assertEquals(512, element.get("outputDimensionality").asInt());
        }
        assertClose(FakeVectors.normalize(FakeGemini.expectedVector(MODEL, "RETRIEVAL_DOCUMENT", "Manual", "doc b", 512)), vector(r, 1));
        assertNotEquals(vector(r, 1)[0],
                vector(json(embed("{\"model\":\"gemini-embedding-001\",\"input\":[\"doc a\",\"doc b\"],\"dimensions\":512}")
                        .then().statusCode(200).extract().response()), 1)[0]);
    }

    @ParameterizedTest
    @ValueSource(strings = {"TASK_TYPE_UNSPECIFIED", "RETRIEVAL_QUERY", "RETRIEVAL_DOCUMENT", "SEMANTIC_SIMILARITY", "CLASSIFICATION",
            "CLUSTERING", "QUESTION_ANSWERING", "FACT_VERIFICATION", "CODE_RETRIEVAL_QUERY"})
    void everyTaskTypeIsAccepted(String taskType) {
        embed("{\"model\":\"gemini-embedding-001\",\"input\":\"x\",\"embedding_options\":{\"google\":{\"task_type\":\"" + taskType
                + "\"}}}")
                .then().statusCode(200);
    }

    /**
     * An empty message column checks the param only. The message listing the valid task types is checked by
     * its last one, CODE_RETRIEVAL_QUERY (which holds RETRIEVAL_QUERY too).
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            unknown task type                | {"model":"gemini-embedding-001","input":"x","embedding_options":{"google":{"task_type":"SEARCH"}}} | embedding_options.google.task_type | CODE_RETRIEVAL_QUERY
            title without RETRIEVAL_DOCUMENT | {"model":"gemini-embedding-001","input":"x","embedding_options":{"google":{"task_type":"RETRIEVAL_QUERY","title":"t"}}} | embedding_options.google.title |
            two sizes that differ            | {"model":"gemini-embedding-001","input":"x","dimensions":256,"embedding_options":{"google":{"output_dimensionality":512}}} | embedding_options.google.output_dimensionality | differ
            size below the minimum           | {"model":"gemini-embedding-001","input":"x","embedding_options":{"google":{"output_dimensionality":64}}} | embedding_options.google.output_dimensionality | between 128 and 3072
            google options not an object     | {"model":"gemini-embedding-001","input":"x","embedding_options":{"google":"RETRIEVAL_QUERY"}} | embedding_options.google |
            normalize not a boolean          | {"model":"gemini-embedding-001","input":"x","embedding_options":{"normalize":"no"}} | embedding_options.normalize |
            token ids                        | {"model":"gemini-embedding-001","input":[[1,2,3]]} | input | token-id
            """)
    void invalidOptionsAre400WithoutAProviderCall(String name, String body, String param, String message) {
        ValidatableResponse r = embed(body).then().statusCode(400).body("error.param", equalTo(param));
        if (message != null) {
            r.body("error.message", containsString(message));
        }
        assertEquals(0, gemini.callCount(), "nothing may reach the provider");
    }

    @Test
    void theSameSizeInBothPlacesIsAccepted() {
        embed("""
                {"model":"gemini-embedding-001","input":"x","dimensions":256,"embedding_options":{"google":{"output_dimensionality":256}}}""")
                .then().statusCode(200);
        assertEquals(1, gemini.callCount());
    }

    @Test
    void googleOptionsAreIgnoredWhenAnotherProviderServes() {
        embed("""
                {"model":"text-embedding-3-small","input":"x","embedding_options":\
                {"google":{"task_type":"RETRIEVAL_QUERY","output_dimensionality":256},"mistral":{"output_dtype":"int8"}}}""")
                .then().statusCode(200).header("x-embedgate-provider", "openai").header("x-embedgate-usage-estimated", nullValue());
        JsonNode sent = parse(openai.requests().get(0).body());
        assertFalse(sent.has("dimensions"));
        assertFalse(sent.toString().contains("RETRIEVAL_QUERY"));
        assertFalse(sent.toString().contains("int8"));
        assertEquals(0, gemini.callCount());
    }

    @Test
    void errorMapping() {
        gemini.enqueue(FakeGemini.rateLimited("47s"));
        embed("{\"model\":\"gemini-embedding-001\",\"input\":\"x\"}").then().statusCode(429).header("retry-after", "47");
        gemini.enqueue(FakeGemini.serverError());
        embed("{\"model\":\"gemini-embedding-001\",\"input\":\"x\"}").then().statusCode(502).body("error.code", equalTo("provider_error"));
        gemini.enqueue(FakeGemini.unavailable());
        embed("{\"model\":\"gemini-embedding-001\",\"input\":\"x\"}").then().statusCode(502).body("error.message",
                containsString("HTTP 503"));
        gemini.enqueue(FakeGemini.permissionDenied());
        embed("{\"model\":\"gemini-embedding-001\",\"input\":\"x\"}").then().statusCode(502).body("error.code",
                equalTo("provider_permission_denied"));
        gemini.enqueue(FakeGemini.badRequest("Request contains an invalid argument."));
        embed("{\"model\":\"gemini-embedding-001\",\"input\":\"x\"}").then().statusCode(400)
                .body("error.message", containsString("invalid argument")).body("error.message", containsString("'google'"));
        embed("{\"model\":\"text-embedding-004\",\"input\":\"x\"}").then().statusCode(502).body("error.code",
                equalTo("provider_model_not_found"));
        gemini.enqueue(Fault.respond(401, FakeGemini.errorBody(401, "UNAUTHENTICATED", "Request had invalid authentication credentials.")));
        embed("{\"model\":\"gemini-embedding-001\",\"input\":\"x\"}").then().statusCode(502).body("error.code",
                equalTo("provider_auth_failed"));
        Response wrong = embed("{\"model\":\"gemini-wrong-key\",\"input\":\"x\"}");
        wrong.then().statusCode(502).body("error.code", equalTo("provider_auth_failed"));
        assertFalse(wrong.asString().contains(FakeUpstreamsResource.WRONG_GOOGLE_KEY));
    }
}
