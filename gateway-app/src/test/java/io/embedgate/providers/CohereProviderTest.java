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
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;

import io.embedgate.fakes.FakeCohere;
import io.embedgate.fakes.FakeVectors;
import io.embedgate.fakes.Fault;
import io.embedgate.fakes.RecordedRequest;
import io.embedgate.spi.OutputDtype;
import io.embedgate.spi.Quantization;
import io.embedgate.testing.Api;
import io.embedgate.testing.CohereVoyageResource;
import io.embedgate.testing.InjectFake;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.response.ValidatableResponse;

/** The Cohere v2 adapter through the gateway, against a fake Cohere API. */
@QuarkusTest
@WithTestResource(CohereVoyageResource.class)
class CohereProviderTest {

    @InjectFake
    FakeCohere cohere;

    @BeforeEach
    void reset() {
        cohere.reset();
        cohere.defaults();
    }

    static JsonNode parse(String s) {
        try {
            return Api.JSON.readTree(s);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    JsonNode sent(int i) {
        return parse(cohere.requests().get(i).body());
    }

    static int[] ints(JsonNode embedding) {
        int[] v = new int[embedding.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = embedding.get(i).asInt();
        }
        return v;
    }

    @Test
    void documentsByDefaultWithBilledUsage() {
        JsonNode body = json(embed("{\"model\":\"embed-v4.0\",\"input\":[\"a\",\"bb\"]}").then().statusCode(200)
                .header("x-embedgate-provider", "cohere").header("x-embedgate-usage-estimated", nullValue()).extract().response());
        assertArrayEquals(FakeCohere.expectedFloats("embed-v4.0", "search_document", "bb", null), vector(body, 1));
        assertEquals(1536, vector(body, 0).length);
        RecordedRequest r = cohere.requests().get(0);
        assertEquals("/v2/embed", r.uri());
        assertEquals("Bearer " + cohere.apiKey(), r.header("authorization"));
        JsonNode sent = sent(0);
        assertEquals("search_document", sent.get("input_type").asText());
        assertEquals("[\"float\"]", sent.get("embedding_types").toString());
        assertEquals("[\"a\",\"bb\"]", sent.get("texts").toString());
        assertFalse(sent.has("output_dimension"));
        assertEquals(FakeVectors.tokens("a") + FakeVectors.tokens("bb"), body.get("usage").get("prompt_tokens").asInt());
        assertEquals("embed-v4.0", body.get("model").asText());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"query,search_query", "document,search_document", "classification,classification", "clustering,clustering",
            "similarity,clustering", "code_query,search_query", "code_document,search_document"})
    void unifiedInputTypeIsMapped(String unified, String cohereType) {
        JsonNode body = json(
                embed("{\"model\":\"embed-english-v3.0\",\"input\":\"hello\",\"embedding_options\":{\"input_type\":\"" + unified
                        + "\"}}").then().statusCode(200).extract().response());
        assertEquals(cohereType, sent(0).get("input_type").asText());
        assertArrayEquals(FakeCohere.expectedFloats("embed-english-v3.0", cohereType, "hello", null), vector(body, 0));
    }

    @Test
    void ownInputTypeOptionAndAConflict() {
        embed("{\"model\":\"embed-v4.0\",\"input\":\"q\",\"embedding_options\":{\"cohere\":{\"input_type\":\"search_query\"}}}").then()
                .statusCode(200);
        assertEquals("search_query", sent(0).get("input_type").asText());
        embed("""
                {"model":"embed-v4.0","input":"q","embedding_options":{"input_type":"query","cohere":{"input_type":"search_document"}}}""")
                .then().statusCode(400).body("error.param", equalTo("embedding_options.cohere.input_type"));
        embed("{\"model\":\"embed-v4.0\",\"input\":\"q\",\"embedding_options\":{\"cohere\":{\"input_type\":\"image\"}}}").then()
                .statusCode(400).body("error.param", equalTo("embedding_options.cohere.input_type"));
        assertEquals(1, cohere.callCount());
    }

    @Test
    void twoHundredInputsAreThreeCallsOf96AtMost() {
        JsonNode many = json(embed(Api.manyInputs("embed-english-v3.0", 200)).then().statusCode(200).extract().response());
        assertEquals(200, many.get("data").size());
        assertEquals(3, cohere.callCount());
        List<Integer> sizes = cohere.requests().stream().map(r -> parse(r.body()).get("texts").size()).sorted().toList();
        assertEquals(List.of(8, 96, 96), sizes);
        for (int i : new int[]{0, 95, 96, 199}) {
            assertArrayEquals(FakeCohere.expectedFloats("embed-english-v3.0", "search_document", "text-" + i, null), vector(many, i));
        }
    }

    @Test
    void v4SizesAndOnlyThose() {
        JsonNode body = json(embed("{\"model\":\"embed-v4.0\",\"input\":\"x\",\"dimensions\":512}").then().statusCode(200).extract()
                .response());
        assertEquals(512, sent(0).get("output_dimension").asInt());
        assertArrayEquals(FakeCohere.expectedFloats("embed-v4.0", "search_document", "x", 512), vector(body, 0));
        JsonNode viaOption = json(
                embed("{\"model\":\"embed-v4.0\",\"input\":\"x\",\"embedding_options\":{\"cohere\":{\"output_dimension\":256}}}")
                        .then().statusCode(200).extract().response());
        assertEquals(256, vector(viaOption, 0).length);
        assertEquals(256, sent(1).get("output_dimension").asInt());
        cohere.reset();
        // 700 is inside the model's range (256-1536) but not one of its sizes: refused before any call.
        embed("{\"model\":\"embed-v4.0\",\"input\":\"x\",\"dimensions\":700}").then().statusCode(400)
                .body("error.message", containsString("[256, 512, 1024, 1536]")).body("error.param", equalTo("dimensions"));
        embed("{\"model\":\"embed-v4.0\",\"input\":\"x\",\"embedding_options\":{\"cohere\":{\"output_dimension\":700}}}").then()
                .statusCode(400).body("error.param", equalTo("embedding_options.cohere.output_dimension"));
        embed("{\"model\":\"embed-v4.0\",\"input\":\"x\",\"dimensions\":2048}").then().statusCode(400).body("error.param",
                equalTo("dimensions"));
        embed("{\"model\":\"embed-english-v3.0\",\"input\":\"x\",\"dimensions\":512}").then().statusCode(400).body("error.param",
                equalTo("dimensions"));
        embed("{\"model\":\"embed-v4.0\",\"input\":\"x\",\"dimensions\":512,\"embedding_options\":{\"cohere\":{\"output_dimension\":256}}}")
                .then().statusCode(400).body("error.message", containsString("differ"));
        assertEquals(0, cohere.callCount(), "nothing may reach the provider");
    }

    @ParameterizedTest
    @ValueSource(strings = {"int8", "uint8", "binary", "ubinary"})
    void nativeTypesArePassedThroughAsCohereComputedThem(String dtype) {
        for (String options : new String[]{"{\"output_dtype\":\"" + dtype + "\"}",
                "{\"cohere\":{\"embedding_types\":[\"" + dtype + "\"]}}"}) {
            cohere.reset();
            String req = "{\"model\":\"embed-v4.0\",\"input\":[\"a\",\"bb\"],\"dimensions\":256,\"embedding_options\":" + options + "}";
            JsonNode body = json(embed(req).then().statusCode(200).extract().response());
            assertEquals("[\"" + dtype + "\"]", sent(0).get("embedding_types").toString());
            int[] expected = FakeCohere.expectedInts("embed-v4.0", "search_document", "bb", 256, dtype);
            assertArrayEquals(expected, ints(body.get("data").get(1).get("embedding")), options);
            // Cohere's own calibration, not the gateway's: the bytes went through untouched.
            byte[] gatewayWouldGive = Quantization.quantize(FakeCohere.expectedFloats("embed-v4.0", "search_document", "bb", 256),
                    OutputDtype.fromWireName(dtype).orElseThrow()).values();
            byte[] raw = Base64.getDecoder()
                    .decode(json(embed(req.replace("{\"model\"", "{\"encoding_format\":\"base64\",\"model\"")).then()
                            .statusCode(200).extract().response()).get("data").get(1).get("embedding").asText());
            assertEquals(expected.length, raw.length);
            for (int i = 0; i < raw.length; i++) {
                assertEquals((byte) expected[i], raw[i]);
            }
            if (dtype.endsWith("int8")) {
                assertFalse(Arrays.equals(gatewayWouldGive, raw),
                        "the fake's int8 differs from the gateway's, so this proves a passthrough");
            } else {
                assertArrayEquals(gatewayWouldGive, raw, "binary packing is the same everywhere");
            }
        }
        embed("{\"model\":\"embed-v4.0\",\"input\":\"x\",\"embedding_options\":{\"cohere\":{\"embedding_types\":[\"int8\",\"float\"]}}}")
                .then().statusCode(400).body("error.message", containsString("one type"));
    }

    @Test
    void truncateAndMaxTokensAreForwarded() {
        embed("{\"model\":\"embed-v4.0\",\"input\":\"x\",\"embedding_options\":{\"cohere\":{\"truncate\":\"START\",\"max_tokens\":100}}}")
                .then().statusCode(200);
        assertEquals("START", sent(0).get("truncate").asText());
        assertEquals(100, sent(0).get("max_tokens").asInt());
        embed("{\"model\":\"embed-v4.0\",\"input\":\"x\",\"embedding_options\":{\"cohere\":{\"truncate\":\"LEFT\"}}}").then()
                .statusCode(400).body("error.param", equalTo("embedding_options.cohere.truncate"));
        // Cohere's own 400 reaches the client as a 400 naming the provider.
        embed("{\"model\":\"embed-english-v3.0\",\"input\":\"" + "y".repeat(4 * 600)
                + "\",\"embedding_options\":{\"cohere\":{\"truncate\":\"NONE\"}}}").then().statusCode(400)
                .body("error.message", containsString("Provider 'cohere' rejected the request (HTTP 400)"))
                .body("error.message", containsString("exceeds the maximum of 512"));
    }

    @Test
    void errorsAreMappedWithTheProviderNamed() {
        String req = "{\"model\":\"embed-v4.0\",\"input\":\"x\"}";
        cohere.enqueue(FakeCohere.rateLimited(5));
        embed(req).then().statusCode(429).header("retry-after", "5").header("x-embedgate-provider", "cohere")
                .body("error.message", containsString("rate limit exceeded"));
        cohere.enqueue(FakeCohere.monthlyLimit());
        embed(req).then().statusCode(429).body("error.message", containsString("month"));
        cohere.enqueue(FakeCohere.invalidToken());
        embed(req).then().statusCode(502).body("error.code", equalTo("provider_auth_failed"));
        cohere.enqueue(FakeCohere.forbidden());
        embed(req).then().statusCode(502).body("error.code", equalTo("provider_permission_denied"));
        cohere.enqueue(FakeCohere.unprocessable());
        embed(req).then().statusCode(400).body("error.message", containsString("texts must not contain empty strings"));
        for (Fault f : new Fault[]{FakeCohere.clientClosed(), FakeCohere.serverError(), FakeCohere.notImplemented(),
                FakeCohere.unavailable(),
                FakeCohere.gatewayTimeout()}) {
            cohere.enqueue(f);
            embed(req).then().statusCode(502).body("error.code", equalTo("provider_error"))
                    .body("error.message", containsString("Provider 'cohere' failed (HTTP " + ((Fault.Respond) f).status() + ")"));
        }
        cohere.enqueue(Fault.respond(404, FakeCohere.errorBody("model 'embed-v4.0' not found")));
        embed(req).then().statusCode(502).body("error.code", equalTo("provider_model_not_found"));
        cohere.enqueue(Fault.missingVector());
        embed("{\"model\":\"embed-v4.0\",\"input\":[\"x\",\"y\"]}").then().statusCode(502).body("error.code",
                equalTo("provider_invalid_response"));
        Response wrong = embed("{\"model\":\"cohere-wrong-key\",\"input\":\"x\"}");
        ValidatableResponse w = wrong.then().statusCode(502).body("error.code", equalTo("provider_auth_failed"))
                .header("x-embedgate-provider", "cohere-wrongkey");
        assertFalse(wrong.asString().contains(CohereVoyageResource.WRONG_COHERE_KEY));
        assertTrue(w.extract().path("error.message").toString().contains("cohere-wrongkey"));
    }
}
