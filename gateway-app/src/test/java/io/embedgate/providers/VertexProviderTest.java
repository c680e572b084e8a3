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

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.JsonNode;

import io.embedgate.fakes.FakeGoogleToken;
import io.embedgate.fakes.FakeVectors;
import io.embedgate.fakes.FakeVertex;
import io.embedgate.fakes.RecordedRequest;
import io.embedgate.spi.Embedding;
import io.embedgate.spi.OutputDtype;
import io.embedgate.spi.Quantization;
import io.embedgate.testing.Api;
import io.embedgate.testing.InjectFake;
import io.embedgate.testing.VertexResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/** The Vertex AI adapter through the gateway, against a fake Vertex and a fake Google token endpoint. */
@QuarkusTest
@WithTestResource(VertexResource.class)
class VertexProviderTest {

    static final String GECKO = "text-embedding-005";
    static final String GEMINI = "gemini-embedding-001";
    static final String PATH = "/v1/projects/" + VertexResource.PROJECT + "/locations/" + VertexResource.LOCATION
            + "/publishers/google/models/";

    @InjectFake
    FakeVertex vertex;
    @InjectFake
    FakeGoogleToken tokens;

    @BeforeEach
    void reset() {
        vertex.reset();
        vertex.normalizeReducedTextEmbeddings(false);
        tokens.expiresIn(3599);
    }

    static JsonNode parse(String s) {
        try {
            return Api.JSON.readTree(s);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    JsonNode sent(int i) {
        return parse(vertex.requests().get(i).body());
    }

    static void assertClose(float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-6, "element " + i);
        }
    }

    static double norm(float[] v) {
        double s = 0;
        for (float f : v) {
            s += (double) f * f;
        }
        return Math.sqrt(s);
    }

    @ParameterizedTest
    @CsvSource({"vertex/text-embedding-005, text-embedding-005, 768", "vertex/text-multilingual-embedding-002, "
            + "text-multilingual-embedding-002, 768", "vertex/gemini-embedding-001, gemini-embedding-001, 3072"})
    void eachModel(String id, String upstream, int size) {
        Response r = embed("{\"model\":\"" + id + "\",\"input\":[\"hello\"]}");
        r.then().statusCode(200).header("x-embedgate-provider", "vertex").body("model", equalTo(id));
        float[] v = vector(json(r), 0);
        assertEquals(size, v.length);
        assertClose(FakeVertex.expectedVector(upstream, null, null, "hello", null), v);
        RecordedRequest req = vertex.requests().get(0);
        assertEquals(PATH + upstream + ":predict", req.uri());
        assertTrue(req.header("authorization").startsWith("Bearer ya29."), "a token from the token endpoint");
        assertEquals("{\"instances\":[{\"content\":\"hello\"}]}", req.body());
    }

    @Test
    void optionsGoToEveryInstanceAndParameters() {
        JsonNode body = json(embed("""
                {"model":"vertex/text-embedding-005","input":["doc a","doc b"],"embedding_options":{"normalize":false,\
                "vertex":{"task_type":"RETRIEVAL_DOCUMENT","title":"Manual","auto_truncate":false,"output_dimensionality":256}}}""")
                .then().statusCode(200).extract().response());
        JsonNode sent = sent(0);
        for (JsonNode instance : sent.get("instances")) {
            assertEquals("RETRIEVAL_DOCUMENT", instance.get("task_type").asText());
            assertEquals("Manual", instance.get("title").asText());
        }
        assertFalse(sent.get("parameters").get("autoTruncate").asBoolean());
        assertEquals(256, sent.get("parameters").get("outputDimensionality").asInt());
        assertArrayEquals(FakeVertex.expectedVector(GECKO, "RETRIEVAL_DOCUMENT", "Manual", "doc b", 256), vector(body, 1));
    }

    @ParameterizedTest
    @CsvSource({"query, RETRIEVAL_QUERY", "document, RETRIEVAL_DOCUMENT", "classification, CLASSIFICATION", "clustering, CLUSTERING",
            "similarity, SEMANTIC_SIMILARITY", "code_query, CODE_RETRIEVAL_QUERY", "code_document, RETRIEVAL_DOCUMENT"})
    void unifiedInputTypeBecomesTaskType(String inputType, String taskType) {
        JsonNode body = json(embed("{\"model\":\"vertex/text-embedding-005\",\"input\":[\"x\"],\"embedding_options\":{\"input_type\":\""
                + inputType + "\"}}").then().statusCode(200).extract().response());
        assertEquals(taskType, sent(0).get("instances").get(0).get("task_type").asText());
        assertClose(FakeVertex.expectedVector(GECKO, taskType, null, "x", null), vector(body, 0));
    }

    @Test
    void titleOnlyWithRetrievalDocument() {
        embed("""
                {"model":"vertex/text-embedding-005","input":"x","embedding_options":{"vertex":{"task_type":"RETRIEVAL_QUERY","title":"t"}}}""")
                .then().statusCode(400).body("error.param", equalTo("embedding_options.vertex.title"));
        embed("""
                {"model":"vertex/text-embedding-005","input":"x","embedding_options":{"input_type":"query","vertex":{"title":"t"}}}""")
                .then().statusCode(400).body("error.message", containsString("embedding_options.vertex.title"))
                .body("error.message", containsString("RETRIEVAL_DOCUMENT"));
        assertEquals(0, vertex.callCount(), "refused before any call");
        // A title alone describes a document.
        embed("{\"model\":\"vertex/text-embedding-005\",\"input\":\"x\",\"embedding_options\":{\"vertex\":{\"title\":\"t\"}}}").then()
                .statusCode(200);
        assertEquals("RETRIEVAL_DOCUMENT", sent(0).get("instances").get(0).get("task_type").asText());
        assertEquals("t", sent(0).get("instances").get(0).get("title").asText());
    }

    @Test
    void dimensionsAreOutputDimensionalityAndReducedVectorsAreNormalised() {
        JsonNode body = json(embed("{\"model\":\"vertex/gemini-embedding-001\",\"input\":\"one\",\"dimensions\":768}").then()
                .statusCode(200).extract().response());
        assertEquals(768, sent(0).get("parameters").get("outputDimensionality").asInt());
        float[] raw = FakeVertex.expectedVector(GEMINI, null, null, "one", 768);
        assertTrue(Math.abs(norm(raw) - 1) > 0.01, "the fake's prefix is not unit length");
        assertClose(FakeVectors.normalize(raw.clone()), vector(body, 0));
        embed("{\"model\":\"vertex/gemini-embedding-001\",\"input\":\"one\",\"dimensions\":64}").then().statusCode(400)
                .body("error.param", equalTo("dimensions"));
        embed("{\"model\":\"vertex/text-embedding-005\",\"input\":\"one\",\"dimensions\":800}").then().statusCode(400);
        assertEquals(1, vertex.callCount());
    }

    @Test
    void binaryIsComputedByTheGateway() {
        JsonNode body = json(embed("{\"model\":\"vertex/text-embedding-005\",\"input\":[\"a\"],\"embedding_options\":{\"output_dtype\":"
                + "\"binary\"}}").then().statusCode(200).extract().response());
        Embedding.Bytes q = Quantization.quantize(FakeVertex.expectedVector(GECKO, null, null, "a", null), OutputDtype.BINARY);
        JsonNode got = body.get("data").get(0).get("embedding");
        assertEquals(96, got.size());
        for (int i = 0; i < 96; i++) {
            assertEquals(q.values()[i], got.get(i).asInt());
        }
        assertFalse(sent(0).toString().contains("binary"), "Vertex has no dtype option");
    }

    @Test
    void geminiTakesOneInstancePerCall() {
        JsonNode body = json(embed(Api.manyInputs("vertex/gemini-embedding-001", 10).replace("]}", "],\"dimensions\":128}")).then()
                .statusCode(200).extract().response());
        assertEquals(10, vertex.callCount());
        Set<String> texts = new HashSet<>();
        for (RecordedRequest r : vertex.requests()) {
            JsonNode instances = parse(r.body()).get("instances");
            assertEquals(1, instances.size());
            texts.add(instances.get(0).get("content").asText());
        }
        assertEquals(10, texts.size());
        for (int i = 0; i < 10; i++) {
            assertEquals(i, body.get("data").get(i).get("index").asInt());
            assertClose(FakeVectors.normalize(FakeVertex.expectedVector(GEMINI, null, null, "text-" + i, 128)), vector(body, i));
        }
    }

    @Test
    void threeHundredInputsAreTwoCalls() {
        JsonNode body = json(embed(Api.manyInputs("vertex/text-embedding-005", 300)).then().statusCode(200).extract().response());
        assertEquals(2, vertex.callCount());
        int total = 0;
        for (RecordedRequest r : vertex.requests()) {
            int n = parse(r.body()).get("instances").size();
            assertTrue(n <= FakeVertex.MAX_INSTANCES);
            total += n;
        }
        assertEquals(300, total);
        assertClose(FakeVertex.expectedVector(GECKO, null, null, "text-299", null), vector(body, 299));
    }

    @Test
    void usageIsTheSumOfTokenCounts() {
        // the fake counts one token per four UTF-8 bytes: 12 bytes -> 3, 5 -> 2
        embed("{\"model\":\"vertex/text-embedding-005\",\"input\":[\"hello world!\",\"howdy\"]}").then().statusCode(200)
                .header("x-embedgate-usage-estimated", nullValue())
                .body("usage.prompt_tokens", equalTo(5)).body("usage.total_tokens", equalTo(5));
    }

    @Test
    void errorMapping() {
        String req = "{\"model\":\"vertex/text-embedding-005\",\"input\":\"x\"}";
        vertex.enqueue(FakeVertex.rateLimited("20s"));
        embed(req).then().statusCode(429).header("retry-after", "20");
        vertex.enqueue(FakeVertex.unavailable());
        embed(req).then().statusCode(502).body("error.code", equalTo("provider_error")).body("error.message", containsString("HTTP 503"));
        vertex.enqueue(FakeVertex.internal());
        embed(req).then().statusCode(502).body("error.code", equalTo("provider_error"));
        vertex.enqueue(FakeVertex.permissionDenied(VertexResource.PROJECT));
        embed(req).then().statusCode(502).body("error.code", equalTo("provider_permission_denied"));
        embed("{\"model\":\"vertex-missing\",\"input\":\"x\"}").then().statusCode(502).body("error.code",
                equalTo("provider_model_not_found"));
        vertex.enqueue(io.embedgate.fakes.Fault.respond(400, io.embedgate.fakes.FakeGemini.errorBody(400, "INVALID_ARGUMENT",
                "Request contains an invalid argument.")));
        embed(req).then().statusCode(400).body("error.message", containsString("'vertex'"));
        vertex.enqueue(io.embedgate.fakes.Fault.missingVector());
        embed(req).then().statusCode(502).body("error.code", equalTo("provider_invalid_response"));
    }

    @Test
    void oneTokenServesManyRequests() {
        embed("{\"model\":\"vertex/text-embedding-005\",\"input\":\"warm up\"}").then().statusCode(200);
        int before = tokens.issuedCount();
        for (int i = 0; i < 5; i++) {
            embed("{\"model\":\"vertex/text-embedding-005\",\"input\":\"x" + i + "\"}").then().statusCode(200);
        }
        assertEquals(before, tokens.issuedCount(), "no new token while the first is good");
        assertEquals(1, vertex.requests().stream().map(r -> r.header("authorization")).distinct().count());
    }

    @Test
    void aRefusedTokenIsReplacedAndTheCallSentOnceMoreAndANearlyExpiredOneReplaced() {
        embed("{\"model\":\"vertex/text-embedding-005\",\"input\":\"warm up\"}").then().statusCode(200);
        tokens.revokeAll();
        tokens.expiresIn(2);
        int before = tokens.issuedCount();
        // Vertex refuses the revoked token; the gateway fetches a new one and sends the call again.
        embed("{\"model\":\"vertex/text-embedding-005\",\"input\":\"a\"}").then().statusCode(200);
        assertEquals(before + 1, tokens.issuedCount());
        // A 2-second token is inside the refresh margin at once: the next call gets a fresh one.
        embed("{\"model\":\"vertex/text-embedding-005\",\"input\":\"b\"}").then().statusCode(200);
        assertEquals(before + 2, tokens.issuedCount());
        var auth = vertex.requests().stream().map(r -> r.header("authorization")).toList();
        assertEquals(4, auth.size());
        assertEquals(auth.get(0), auth.get(1), "the refused call carried the revoked token");
        assertNotEquals(auth.get(1), auth.get(2));
        assertNotEquals(auth.get(2), auth.get(3));
        tokens.expiresIn(3599);
        embed("{\"model\":\"vertex/text-embedding-005\",\"input\":\"d\"}").then().statusCode(200);
    }

    @Test
    void tokenEndpointFailureIsAnAuthErrorNamingTheProvider() {
        Response r = embed("{\"model\":\"vertex-badkey-005\",\"input\":\"x\"}");
        r.then().statusCode(502).body("error.code", equalTo("provider_auth_failed")).body("error.message",
                containsString("'vertex-badkey'"));
        String text = r.asString();
        assertFalse(text.contains("eyJ"), "no signed assertion");
        assertFalse(text.contains("PRIVATE KEY"));
        assertEquals(0, vertex.callCount(), "no Vertex call without a token");
    }

    @Test
    void aPlainAccessTokenIsSentAsIs() {
        int before = tokens.issuedCount();
        JsonNode body = json(embed("{\"model\":\"vertex-static-005\",\"input\":[\"hi\"]}").then().statusCode(200)
                .header("x-embedgate-provider", "vertex-static").extract().response());
        assertClose(FakeVertex.expectedVector(GECKO, null, null, "hi", null), vector(body, 0));
        assertEquals("Bearer " + FakeVertex.STATIC_TOKEN, vertex.requests().get(0).header("authorization"));
        assertEquals(before, tokens.issuedCount());
        embed("{\"model\":\"vertex-json-005\",\"input\":[\"hi\"]}").then().statusCode(200).header("x-embedgate-provider", "vertex-json");
    }
}
