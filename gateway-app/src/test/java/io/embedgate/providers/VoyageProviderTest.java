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

import io.embedgate.fakes.FakeVectors;
import io.embedgate.fakes.FakeVoyage;
import io.embedgate.fakes.Fault;
import io.embedgate.fakes.RecordedRequest;
import io.embedgate.spi.Float32;
import io.embedgate.spi.OutputDtype;
import io.embedgate.spi.Quantization;
import io.embedgate.testing.Api;
import io.embedgate.testing.CohereVoyageResource;
import io.embedgate.testing.InjectFake;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/** The Voyage adapter through the gateway, against a fake Voyage API. */
@QuarkusTest
@WithTestResource(CohereVoyageResource.class)
class VoyageProviderTest {

    @InjectFake
    FakeVoyage voyage;

    @BeforeEach
    void reset() {
        voyage.reset();
        voyage.defaults();
    }

    static JsonNode parse(String s) {
        try {
            return Api.JSON.readTree(s);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    JsonNode sent(int i) {
        return parse(voyage.requests().get(i).body());
    }

    static byte[] bytes(JsonNode embedding) {
        if (embedding.isTextual()) {
            return Base64.getDecoder().decode(embedding.asText());
        }
        byte[] v = new byte[embedding.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (byte) embedding.get(i).asInt();
        }
        return v;
    }

    static byte[] bytes(int[] values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    @Test
    void base64FloatsWithoutInputTypeAndTotalTokens() {
        JsonNode body = json(embed("{\"model\":\"voyage-3.5\",\"input\":[\"a\",\"bb\"]}").then().statusCode(200)
                .header("x-embedgate-provider", "voyage").header("x-embedgate-usage-estimated", nullValue()).extract().response());
        assertArrayEquals(FakeVoyage.expectedFloats("voyage-3.5", null, "bb", null), vector(body, 1));
        RecordedRequest r = voyage.requests().get(0);
        assertEquals("/v1/embeddings", r.uri());
        assertEquals("Bearer " + voyage.apiKey(), r.header("authorization"));
        JsonNode sent = sent(0);
        assertEquals("base64", sent.get("encoding_format").asText());
        assertFalse(sent.has("input_type"), "no input type: Voyage's null, no prompt");
        assertFalse(sent.has("output_dimension"));
        assertFalse(sent.has("output_dtype"));
        int tokens = FakeVectors.tokens("a") + FakeVectors.tokens("bb");
        assertEquals(tokens, body.get("usage").get("prompt_tokens").asInt());
        assertEquals(tokens, body.get("usage").get("total_tokens").asInt());
        // A base64 client gets Voyage's float32 bytes.
        JsonNode b64 = json(embed("{\"model\":\"voyage-3.5\",\"input\":\"bb\",\"encoding_format\":\"base64\"}").then().statusCode(200)
                .extract().response());
        assertArrayEquals(FakeVoyage.expectedFloats("voyage-3.5", null, "bb", null),
                Float32.fromLittleEndian(Base64.getDecoder().decode(b64.get("data").get(0).get("embedding").asText())));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"query,query", "document,document", "code_query,query", "code_document,document", "classification,", "clustering,",
            "similarity,"})
    void unifiedInputTypeIsMapped(String unified, String voyageType) {
        JsonNode body = json(embed("{\"model\":\"voyage-code-3\",\"input\":\"def f(): pass\",\"embedding_options\":{\"input_type\":\""
                + unified + "\"}}").then().statusCode(200).extract().response());
        JsonNode sent = sent(0);
        if (voyageType == null) {
            assertFalse(sent.has("input_type"), sent.toString());
        } else {
            assertEquals(voyageType, sent.get("input_type").asText());
        }
        assertArrayEquals(FakeVoyage.expectedFloats("voyage-code-3", voyageType, "def f(): pass", null), vector(body, 0));
    }

    @Test
    void ownOptionsAreForwarded() {
        embed("{\"model\":\"voyage-3.5\",\"input\":\"x\",\"embedding_options\":{\"voyage\":{\"input_type\":\"document\",\"truncation\":false}}}")
                .then().statusCode(200);
        assertEquals("document", sent(0).get("input_type").asText());
        assertFalse(sent(0).get("truncation").asBoolean());
        embed("{\"model\":\"voyage-3.5\",\"input\":\"x\",\"embedding_options\":{\"voyage\":{\"input_type\":\"passage\"}}}").then()
                .statusCode(400).body("error.param", equalTo("embedding_options.voyage.input_type"));
        assertEquals(1, voyage.callCount());
        // Voyage's own 400 (context exceeded without truncation) reaches the client as a 400.
        embed("{\"model\":\"voyage-2\",\"input\":\"" + "y".repeat(20_000)
                + "\",\"embedding_options\":{\"voyage\":{\"truncation\":false}}}")
                .then().statusCode(400).body("error.message", containsString("exceeds the context length of 4000"));
    }

    @Test
    void batchesAreSplitToInputAndTokenCaps() {
        JsonNode many = json(embed(Api.manyInputs("voyage-3.5-lite", 1001)).then().statusCode(200).extract().response());
        assertEquals(1001, many.get("data").size());
        assertEquals(2, voyage.callCount());
        assertArrayEquals(FakeVoyage.expectedFloats("voyage-3.5-lite", null, "text-1000", null), vector(many, 1000));
        voyage.reset();
        // voyage-3-large: 120K tokens a call. The gateway budgets 50,000 for each 100,000-byte text: two a call.
        StringBuilder b = new StringBuilder("{\"model\":\"voyage-3-large\",\"input\":[");
        for (int i = 0; i < 5; i++) {
            b.append(i == 0 ? "" : ",").append('"').append(i).append("z".repeat(99_999)).append('"');
        }
        JsonNode big = json(embed(b.append("]}").toString()).then().statusCode(200).extract().response());
        assertEquals(3, voyage.callCount());
        for (var r : voyage.requests()) {
            assertTrue(parse(r.body()).get("input").size() <= 2);
        }
        assertArrayEquals(FakeVoyage.expectedFloats("voyage-3-large", null, "4" + "z".repeat(99_999), null), vector(big, 4));
        // The fake enforces a cap with Voyage's error, which is the client's 400.
        voyage.reset();
        voyage.maxTokens(3);
        embed("{\"model\":\"voyage-3.5\",\"input\":[\"aaaa\",\"bbbb\",\"cccc\",\"dddd\"]}").then().statusCode(400)
                .body("error.message", containsString("The max allowed tokens per submitted batch is 3"));
    }

    @Test
    void flexibleSizesAndOnlyThose() {
        for (int dims : new int[]{256, 2048}) {
            voyage.reset();
            JsonNode body = json(embed("{\"model\":\"voyage-3.5\",\"input\":\"x\",\"dimensions\":" + dims + "}").then().statusCode(200)
                    .extract().response());
            assertEquals(dims, sent(0).get("output_dimension").asInt());
            assertArrayEquals(FakeVoyage.expectedFloats("voyage-3.5", null, "x", dims), vector(body, 0));
        }
        voyage.reset();
        json(embed("{\"model\":\"voyage-4\",\"input\":\"x\",\"embedding_options\":{\"voyage\":{\"output_dimension\":512}}}").then()
                .statusCode(200).extract().response());
        assertEquals(512, sent(0).get("output_dimension").asInt());
        voyage.reset();
        embed("{\"model\":\"voyage-3.5\",\"input\":\"x\",\"dimensions\":700}").then().statusCode(400)
                .body("error.message", containsString("256, 512, 1024, 2048"));
        embed("{\"model\":\"voyage-3.5\",\"input\":\"x\",\"embedding_options\":{\"voyage\":{\"output_dimension\":700}}}").then()
                .statusCode(400).body("error.param", equalTo("embedding_options.voyage.output_dimension"));
        embed("{\"model\":\"voyage-code-2\",\"input\":\"x\",\"dimensions\":512}").then().statusCode(400).body("error.param",
                equalTo("dimensions"));
        assertEquals(0, voyage.callCount(), "nothing may reach the provider");
    }

    @ParameterizedTest
    @ValueSource(strings = {"int8", "uint8", "binary", "ubinary"})
    void nativeTypesArePassedThroughAndFloatOnlyModelsAreQuantisedByTheGateway(String dtype) {
        OutputDtype type = OutputDtype.fromWireName(dtype).orElseThrow();
        for (String format : new String[]{"float", "base64"}) {
            voyage.reset();
            JsonNode body = json(
                    embed("{\"model\":\"voyage-3.5\",\"input\":[\"a\",\"bb\"],\"dimensions\":512,\"encoding_format\":\"" + format
                            + "\",\"embedding_options\":{\"voyage\":{\"output_dtype\":\"" + dtype + "\"}}}").then().statusCode(200)
                            .extract().response());
            assertEquals(dtype, sent(0).get("output_dtype").asText());
            byte[] got = bytes(body.get("data").get(1).get("embedding"));
            assertArrayEquals(bytes(FakeVoyage.expectedInts("voyage-3.5", null, "bb", 512, dtype)), got, format);
            byte[] gatewayWouldGive = Quantization.quantize(FakeVoyage.expectedFloats("voyage-3.5", null, "bb", 512), type).values();
            assertEquals(dtype.endsWith("binary"), Arrays.equals(gatewayWouldGive, got),
                    "int8 and uint8 are Voyage's calibration, passed through; binary packing is the same everywhere");
        }
        // voyage-code-2 is float only: the gateway asks for floats and quantises them itself.
        voyage.reset();
        JsonNode body = json(
                embed("{\"model\":\"voyage-code-2\",\"input\":\"q\",\"embedding_options\":{\"output_dtype\":\"" + dtype + "\"}}")
                        .then().statusCode(200).extract().response());
        assertFalse(sent(0).has("output_dtype"));
        assertArrayEquals(Quantization.quantize(FakeVoyage.expectedFloats("voyage-code-2", null, "q", null), type).values(),
                bytes(body.get("data").get(0).get("embedding")));
    }

    @Test
    void errorsAreMappedWithTheProviderNamed() {
        String req = "{\"model\":\"voyage-3.5\",\"input\":\"x\"}";
        voyage.enqueue(FakeVoyage.rateLimited(4));
        embed(req).then().statusCode(429).header("retry-after", "4").header("x-embedgate-provider", "voyage")
                .body("error.message", containsString("exceeded your rate limit"));
        for (Fault f : List.of(FakeVoyage.serverError(), FakeVoyage.badGateway(), FakeVoyage.unavailable(), FakeVoyage.gatewayTimeout())) {
            voyage.enqueue(f);
            embed(req).then().statusCode(502).body("error.code", equalTo("provider_error"))
                    .body("error.message", containsString("Provider 'voyage' failed (HTTP " + ((Fault.Respond) f).status() + ")"));
        }
        voyage.enqueue(Fault.respond(422, FakeVoyage.errorBody("Request body is malformed.")));
        embed(req).then().statusCode(400).body("error.message", containsString("Request body is malformed."));
        voyage.enqueue(Fault.missingVector());
        embed("{\"model\":\"voyage-3.5\",\"input\":[\"x\",\"y\"]}").then().statusCode(502).body("error.code",
                equalTo("provider_invalid_response"));
        Response wrong = embed("{\"model\":\"voyage-wrong-key\",\"input\":\"x\"}");
        wrong.then().statusCode(502).body("error.code", equalTo("provider_auth_failed")).header("x-embedgate-provider", "voyage-wrongkey");
        assertFalse(wrong.asString().contains(CohereVoyageResource.WRONG_VOYAGE_KEY));
    }
}
