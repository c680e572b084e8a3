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

import java.util.Base64;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;

import io.embedgate.fakes.FakeMistral;
import io.embedgate.fakes.Fault;
import io.embedgate.testing.Api;
import io.embedgate.testing.FakeUpstreamsResource;
import io.embedgate.testing.InjectFake;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.response.ValidatableResponse;

/** The Mistral adapter through the gateway, against a fake Mistral API. */
@QuarkusTest
@WithTestResource(FakeUpstreamsResource.class)
class MistralProviderTest {

    @InjectFake
    FakeMistral mistral;

    @BeforeEach
    void reset() {
        mistral.reset();
        mistral.maxInputs(FakeMistral.DEFAULT_MAX_INPUTS).maxTokens(FakeMistral.DEFAULT_MAX_TOKENS);
    }

    static JsonNode parse(String s) {
        try {
            return Api.JSON.readTree(s);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void codestralDimensionsAndRealUsage() {
        JsonNode body = json(embed("{\"model\":\"mistral/codestral-embed\",\"input\":[\"def f():\",\"return 1\"],\"dimensions\":2048}")
                .then().statusCode(200).header("x-embedgate-provider", "mistral").header("x-embedgate-usage-estimated", nullValue())
                .extract().response());
        assertArrayEquals(FakeMistral.expectedFloats("codestral-embed", "return 1", 2048), vector(body, 1));
        assertEquals(2048, parse(mistral.requests().get(0).body()).get("output_dimension").asInt());
        assertEquals("Bearer " + mistral.apiKey(), mistral.requests().get(0).header("authorization"));
        assertEquals(4, body.get("usage").get("prompt_tokens").asInt()); // the fake's own count: 2 + 2
        JsonNode dflt = json(embed("{\"model\":\"codestral-embed\",\"input\":\"x\"}").then().statusCode(200).extract().response());
        assertEquals(1536, vector(dflt, 0).length);
        JsonNode viaOption = json(embed("""
                {"model":"codestral-embed","input":"x","embedding_options":{"mistral":{"output_dimension":3072}}}""")
                .then().statusCode(200).extract().response());
        assertEquals(3072, vector(viaOption, 0).length);
    }

    @Test
    void mistralEmbedIsFixedAt1024() {
        JsonNode body = json(embed("{\"model\":\"mistral-embed\",\"input\":\"hello\"}").then().statusCode(200).extract().response());
        assertArrayEquals(FakeMistral.expectedFloats("mistral-embed", "hello", null), vector(body, 0));
        assertEquals(1, mistral.callCount());
    }

    @ParameterizedTest
    @ValueSource(strings = {"int8", "uint8", "binary", "ubinary"})
    void integerDtypesComeBackAsIntegerArraysOrRawBytes(String dtype) {
        String req = "{\"model\":\"codestral-embed\",\"input\":[\"a\",\"bb\"],\"dimensions\":256,\"embedding_options\":{\"mistral\":{\"output_dtype\":\""
                + dtype + "\"}}}";
        JsonNode body = json(embed(req).then().statusCode(200).extract().response());
        int[] expected = FakeMistral.expectedInts("codestral-embed", "bb", 256, dtype);
        assertEquals(dtype.endsWith("binary") ? 32 : 256, expected.length);
        JsonNode got = body.get("data").get(1).get("embedding");
        assertEquals(expected.length, got.size());
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], got.get(i).asInt());
        }
        assertEquals(dtype, parse(mistral.requests().get(0).body()).get("output_dtype").asText());
        JsonNode b64 = json(
                embed(req.replace("{\"model\"", "{\"encoding_format\":\"base64\",\"model\"")).then().statusCode(200).extract().response());
        byte[] raw = Base64.getDecoder().decode(b64.get("data").get(1).get("embedding").asText());
        assertEquals(expected.length, raw.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals((byte) expected[i], raw[i]);
        }
    }

    /** mistral-embed is fixed at 1024 float dimensions; codestral-embed has sizes up to 3072 and integer dtypes. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            mistral-embed, another output_dimension | {"model":"mistral-embed","input":"x","embedding_options":{"mistral":{"output_dimension":512}}} | embedding_options.mistral.output_dimension |
            mistral-embed, other dimensions         | {"model":"mistral-embed","input":"x","dimensions":512} | dimensions |
            unknown dtype                           | {"model":"codestral-embed","input":"x","embedding_options":{"mistral":{"output_dtype":"int4"}}} | embedding_options.mistral.output_dtype | float, int8, uint8, binary, ubinary
            two sizes that differ                   | {"model":"codestral-embed","input":"x","dimensions":512,"embedding_options":{"mistral":{"output_dimension":1024}}} | embedding_options.mistral.output_dimension | differ
            dimensions above the maximum            | {"model":"codestral-embed","input":"x","dimensions":4096} | dimensions | between 1 and 3072
            token ids                               | {"model":"codestral-embed","input":[[1,2]]} | input | token-id
            """)
    void invalidDtypesAndSizesAre400WithoutAProviderCall(String name, String body, String param, String message) {
        ValidatableResponse r = embed(body).then().statusCode(400).body("error.param", equalTo(param));
        if (message != null) {
            r.body("error.message", containsString(message));
        }
        assertEquals(0, mistral.callCount(), "nothing may reach the provider");
    }

    @Test
    void mistralEmbedsIntegerTypesAreComputedByTheGatewayFromItsFloats() {
        JsonNode r = json(embed("""
                {"model":"mistral-embed","input":"x","embedding_options":{"mistral":{"output_dtype":"int8"}}}""").then().statusCode(200)
                .extract().response());
        // mistral-embed has no output_dtype: the provider is asked for floats, the gateway quantises them.
        assertFalse(mistral.requests().get(0).body().contains("output_dtype"));
        byte[] expected = io.embedgate.spi.Quantization
                .quantize(FakeMistral.expectedFloats("mistral-embed", "x", null), io.embedgate.spi.OutputDtype.INT8).values();
        JsonNode got = r.get("data").get(0).get("embedding");
        assertEquals(1024, got.size());
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], got.get(i).asInt());
        }
    }

    @Test
    void batchesAreSplitToInputAndTokenLimitsInOrder() {
        JsonNode many = json(embed(Api.manyInputs("mistral-embed", 600)).then().statusCode(200).extract().response());
        assertEquals(600, many.get("data").size());
        assertEquals(2, mistral.callCount());
        assertArrayEquals(FakeMistral.expectedFloats("mistral-embed", "text-599", null), vector(many, 599));
        mistral.reset();
        // 40 inputs of 2,000 bytes: the gateway budgets 1,000 tokens each against Mistral's 16,384.
        StringBuilder b = new StringBuilder("{\"model\":\"mistral-embed\",\"input\":[");
        for (int i = 0; i < 40; i++) {
            b.append(i == 0 ? "" : ",").append('"').append(i).append("x".repeat(1999 - String.valueOf(i).length())).append('"');
        }
        JsonNode big = json(embed(b.append("]}").toString()).then().statusCode(200).extract().response());
        assertEquals(3, mistral.callCount());
        assertArrayEquals(FakeMistral.expectedFloats("mistral-embed", "39" + "x".repeat(1997), null), vector(big, 39));
        for (var r : mistral.requests()) {
            assertTrue(parse(r.body()).get("input").size() <= 16);
        }
    }

    @Test
    void errorMapping() {
        mistral.enqueue(FakeMistral.rateLimited());
        embed("{\"model\":\"mistral-embed\",\"input\":\"x\"}").then().statusCode(429).header("retry-after", "1");
        mistral.enqueue(FakeMistral.rateLimitedOldForm());
        embed("{\"model\":\"mistral-embed\",\"input\":\"x\"}").then().statusCode(429).body("error.message",
                containsString("rate limit exceeded"));
        mistral.enqueue(FakeMistral.serverError());
        embed("{\"model\":\"mistral-embed\",\"input\":\"x\"}").then().statusCode(502).body("error.message", containsString("HTTP 500"));
        mistral.enqueue(FakeMistral.unavailable());
        embed("{\"model\":\"mistral-embed\",\"input\":\"x\"}").then().statusCode(502).body("error.message", containsString("HTTP 503"));
        mistral.enqueue(FakeMistral.unauthorizedOldForm());
        embed("{\"model\":\"mistral-embed\",\"input\":\"x\"}").then().statusCode(502).body("error.code", equalTo("provider_auth_failed"));
        mistral.enqueue(Fault.respond(403, FakeMistral.errorBody("You do not have access to this model", "invalid_request_error", null)));
        embed("{\"model\":\"mistral-embed\",\"input\":\"x\"}").then().statusCode(502).body("error.code",
                equalTo("provider_permission_denied"));
        mistral.enqueue(Fault.respond(404, "{\"detail\":\"Not Found\"}"));
        embed("{\"model\":\"mistral-embed\",\"input\":\"x\"}").then().statusCode(502).body("error.code",
                equalTo("provider_model_not_found"));
        mistral.maxTokens(10);
        embed("{\"model\":\"mistral-embed\",\"input\":\"" + "y".repeat(200) + "\"}").then().statusCode(400)
                .body("error.message", containsString("Too many tokens"));
        Response wrong = embed("{\"model\":\"mistral-wrong-key\",\"input\":\"x\"}");
        wrong.then().statusCode(502).body("error.code", equalTo("provider_auth_failed"));
        assertFalse(wrong.asString().contains(FakeUpstreamsResource.WRONG_MISTRAL_KEY));
    }
}
