package io.embedgate.providers;

import static io.embedgate.testing.Api.embed;
import static io.embedgate.testing.Api.json;
import static io.embedgate.testing.Api.vector;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.JsonNode;

import io.embedgate.fakes.FakeJina;
import io.embedgate.spi.Embedding;
import io.embedgate.spi.OutputDtype;
import io.embedgate.spi.Quantization;
import io.embedgate.testing.Api;
import io.embedgate.testing.InjectFake;
import io.embedgate.testing.SelfHostedUpstreamsResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/** The Jina adapter through the gateway, against a fake Jina API. */
@QuarkusTest
@WithTestResource(SelfHostedUpstreamsResource.class)
class JinaProviderTest {

    @InjectFake
    FakeJina jina;

    @BeforeEach
    void reset() {
        jina.reset();
        jina.maxInputs(FakeJina.DEFAULT_MAX_INPUTS).openAiErrors(false).twosComplementBinary(false);
    }

    static JsonNode sent(FakeJina fake, int i) {
        try {
            return Api.JSON.readTree(fake.requests().get(i).body());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** embedding_options.input_type becomes the family's task, and never a text prefix. */
    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource({"jina-embeddings-v3, query, retrieval.query", "jina-embeddings-v3, document, retrieval.passage",
            "jina-embeddings-v3, clustering, separation", "jina-embeddings-v3, classification, classification",
            "jina-embeddings-v3, similarity, text-matching", "jina-embeddings-v4, code_query, code.query",
            "jina-embeddings-v4, code_document, code.passage", "jina-embeddings-v4, similarity, text-matching"})
    void inputTypeBecomesTheFamilysTask(String model, String inputType, String task) {
        JsonNode body = json(embed("{\"model\":\"" + model + "\",\"input\":[\"hello\"],\"embedding_options\":{\"input_type\":\"" + inputType
                + "\"}}").then().statusCode(200).header("x-embedgate-provider", "jina").extract().response());
        JsonNode req = sent(jina, 0);
        assertEquals(task, req.get("task").asText());
        assertEquals("hello", req.get("input").get(0).asText());
        assertEquals("base64", req.get("embedding_type").asText());
        assertEquals("Bearer " + jina.apiKey(), jina.requests().get(0).header("authorization"));
        assertArrayEquals(FakeJina.expectedFloats(model, task, "hello", null), vector(body, 0));
    }

    @Test
    void inputTypeWithoutATaskInTheFamilySendsNone() {
        embed("{\"model\":\"jina-embeddings-v4\",\"input\":\"x\",\"embedding_options\":{\"input_type\":\"clustering\"}}").then()
                .statusCode(200);
        assertFalse(sent(jina, 0).has("task"));
    }

    @Test
    void aTaskOfTheOtherFamilyIs400WithoutACall() {
        embed("{\"model\":\"jina-embeddings-v4\",\"input\":\"x\",\"embedding_options\":{\"jina\":{\"task\":\"separation\"}}}").then()
                .statusCode(400).body("error.message", containsString("code.query"));
        embed("{\"model\":\"jina-embeddings-v3\",\"input\":\"x\",\"embedding_options\":{\"jina\":{\"task\":\"code.passage\"}}}").then()
                .statusCode(400).body("error.message", containsString("not a task of jina-embeddings-v3"));
        embed("{\"model\":\"jina-embeddings-v3\",\"input\":\"x\",\"embedding_options\":{\"jina\":{\"task\":\"coding\"}}}").then()
                .statusCode(400).body("error.param", equalTo("embedding_options.jina.task"));
        embed("{\"model\":\"jina-embeddings-v3\",\"input\":\"x\",\"embedding_options\":{\"input_type\":\"query\",\"jina\":{\"task\":"
                + "\"retrieval.passage\"}}}").then().statusCode(400).body("error.param", equalTo("embedding_options.jina.task"));
        assertEquals(0, jina.callCount());
    }

    @Test
    void dimensionsAndOwnOptionsAreSent() {
        JsonNode body = json(embed("{\"model\":\"jina-embeddings-v3\",\"input\":[\"a\",\"b\"],\"dimensions\":256,\"embedding_options\":{"
                + "\"jina\":{\"late_chunking\":true,\"truncate\":true,\"normalized\":true}}}").then().statusCode(200).extract().response());
        JsonNode req = sent(jina, 0);
        assertEquals(256, req.get("dimensions").asInt());
        assertTrue(req.get("late_chunking").asBoolean());
        assertTrue(req.get("truncate").asBoolean());
        assertTrue(req.get("normalized").asBoolean());
        assertArrayEquals(FakeJina.expectedFloats("jina-embeddings-v3", null, "b", 256), vector(body, 1));
        JsonNode viaOption = json(embed("{\"model\":\"jina-embeddings-v4\",\"input\":\"a\",\"embedding_options\":{\"jina\":{\"dimensions\":"
                + "512}}}").then().statusCode(200).extract().response());
        assertEquals(512, vector(viaOption, 0).length);
        embed("{\"model\":\"jina-embeddings-v4\",\"input\":\"a\",\"dimensions\":64}").then().statusCode(400).body("error.param",
                equalTo("dimensions"));
        embed("{\"model\":\"jina-embeddings-v2-base-en\",\"input\":\"a\",\"dimensions\":256}").then().statusCode(400);
        assertEquals(2, jina.callCount());
    }

    @Test
    void v3ReturnsBinaryItselfAndV2sIsComputedByTheGateway() {
        JsonNode bin = json(embed("{\"model\":\"jina-embeddings-v3\",\"input\":[\"a\"],\"dimensions\":64,\"embedding_options\":{\"jina\":"
                + "{\"embedding_type\":\"binary\"}}}").then().statusCode(200).extract().response());
        assertEquals("binary", sent(jina, 0).get("embedding_type").asText());
        int[] expected = FakeJina.expectedBits(FakeJina.expectedFloats("jina-embeddings-v3", null, "a", 64), true, false);
        JsonNode got = bin.get("data").get(0).get("embedding");
        assertEquals(8, got.size());
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], got.get(i).asInt());
        }
        JsonNode computed = json(
                embed("{\"model\":\"jina-embeddings-v2-base-en\",\"input\":[\"a\"],\"embedding_options\":{\"output_dtype\":"
                        + "\"ubinary\"}}").then().statusCode(200).extract().response());
        assertEquals("base64", sent(jina, 1).get("embedding_type").asText());
        Embedding.Bytes q = Quantization.quantize(FakeJina.expectedFloats("jina-embeddings-v2-base-en", null, "a", null),
                OutputDtype.UBINARY);
        JsonNode c = computed.get("data").get(0).get("embedding");
        assertEquals(96, c.size());
        for (int i = 0; i < q.values().length; i++) {
            assertEquals(q.values()[i] & 0xff, c.get(i).asInt());
        }
    }

    @Test
    void largeRequestsAreSplitAt512InOrderWithUsageSummed() {
        JsonNode many = json(embed(Api.manyInputs("jina-embeddings-v3", 1100)).then().statusCode(200).extract().response());
        assertEquals(3, jina.callCount());
        assertEquals(512, sent(jina, 0).get("input").size());
        assertArrayEquals(FakeJina.expectedFloats("jina-embeddings-v3", null, "text-1099", null), vector(many, 1099));
        long tokens = 0;
        for (int i = 0; i < 1100; i++) {
            tokens += Math.max(1, (("text-" + i).length() + 3) / 4);
        }
        assertEquals(tokens, many.get("usage").get("prompt_tokens").asLong());
    }

    @Test
    void errorsAreMappedAndNameTheProviderButNeverTheKey() {
        jina.enqueue(jina.rateLimited());
        embed("{\"model\":\"jina-embeddings-v3\",\"input\":\"x\"}").then().statusCode(429).header("retry-after", "2")
                .body("error.message", containsString("Provider 'jina'"));
        jina.enqueue(jina.insufficientBalance());
        embed("{\"model\":\"jina-embeddings-v3\",\"input\":\"x\"}").then().statusCode(429).body("error.code",
                equalTo("insufficient_quota"));
        jina.enqueue(jina.serverError());
        embed("{\"model\":\"jina-embeddings-v3\",\"input\":\"x\"}").then().statusCode(502).body("error.code", equalTo("provider_error"));
        jina.maxInputs(1).openAiErrors(true);
        embed("{\"model\":\"jina-embeddings-v3\",\"input\":[\"x\",\"y\"]}").then().statusCode(400).body("error.message",
                containsString("Too many inputs"));
        Response wrong = embed("{\"model\":\"jina-wrong-key\",\"input\":\"x\"}");
        wrong.then().statusCode(502).body("error.code", equalTo("provider_auth_failed")).header("x-embedgate-provider", "jina-wrongkey");
        assertFalse(wrong.asString().contains(SelfHostedUpstreamsResource.WRONG_JINA_KEY));
        assertFalse(wrong.asString().contains(jina.apiKey()));
    }
}
