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
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.JsonNode;

import io.embedgate.fakes.FakeBedrock;
import io.embedgate.fakes.FakeVectors;
import io.embedgate.fakes.Fault;
import io.embedgate.fakes.RecordedRequest;
import io.embedgate.spi.Float32;
import io.embedgate.spi.OutputDtype;
import io.embedgate.spi.Quantization;
import io.embedgate.testing.Api;
import io.embedgate.testing.BedrockResource;
import io.embedgate.testing.InjectFake;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/** The Bedrock adapter through the gateway, against a fake Bedrock Runtime that checks SigV4 as AWS does. */
@QuarkusTest
@WithTestResource(BedrockResource.class)
class BedrockProviderTest {

    static final String TITAN = "titan-embed-text-v2";
    static final String TITAN_PATH = "/model/amazon.titan-embed-text-v2%3A0/invoke";
    static final String COHERE_V3 = "bedrock/cohere-embed-english-v3";
    static final String COHERE_V4 = "bedrock/cohere-embed-v4";

    @InjectFake
    FakeBedrock bedrock;

    @BeforeEach
    void reset() {
        bedrock.reset();
        bedrock.defaults();
    }

    static JsonNode parse(String s) {
        try {
            return Api.JSON.readTree(s);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    JsonNode sent(int i) {
        return parse(bedrock.requests().get(i).body());
    }

    static float[] unit(float[] v) {
        return Float32.normalizeInPlace(v.clone());
    }

    static int[] ints(JsonNode embedding) {
        int[] v = new int[embedding.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = embedding.get(i).asInt();
        }
        return v;
    }

    @Test
    void titanBatchFansOutOneTextPerCallBoundedAndInOrder() {
        bedrock.latency(Duration.ofMillis(60));
        JsonNode body = json(embed(Api.manyInputs(TITAN, 40)).then().statusCode(200).header("x-embedgate-provider", "bedrock")
                .header("x-embedgate-usage-estimated", nullValue()).extract().response());
        assertEquals(40, body.get("data").size());
        assertEquals(40, bedrock.callCount());
        int peak = bedrock.peakConcurrency();
        assertTrue(peak <= BedrockResource.MAX_CONCURRENT_CALLS, "max-concurrent-calls bounds the fan-out; peak " + peak);
        assertTrue(peak > 1, "calls overlap; peak " + peak);
        long tokens = 0;
        for (int i = 0; i < 40; i++) {
            assertArrayEquals(FakeBedrock.expectedTitanV2("text-" + i, null, true), vector(body, i), 1e-6f, "input " + i);
            tokens += FakeVectors.tokens("text-" + i);
        }
        assertEquals(tokens, body.get("usage").get("prompt_tokens").asLong());
        for (RecordedRequest r : bedrock.requests()) {
            assertEquals(TITAN_PATH, r.uri());
            assertTrue(r.header("authorization").startsWith("AWS4-HMAC-SHA256 Credential=" + FakeBedrock.ACCESS_KEY_ID + "/"),
                    r.header("authorization"));
            assertTrue(r.header("authorization").contains("/us-east-1/bedrock/aws4_request"));
            assertNull(r.header("x-amz-security-token"));
            JsonNode sent = parse(r.body());
            assertEquals(1, sent.size(), "only inputText: " + sent);
        }
        assertEquals(java.util.stream.IntStream.range(0, 40).mapToObj(i -> "text-" + i).sorted().toList(),
                bedrock.requests().stream().map(r -> parse(r.body()).get("inputText").asText()).sorted().toList(), "each input once");
    }

    @Test
    void titanSizesAndOnlyThose() {
        for (int size : new int[]{256, 512}) {
            bedrock.reset();
            JsonNode body = json(embed("{\"model\":\"" + TITAN + "\",\"input\":\"x\",\"dimensions\":" + size + "}").then().statusCode(200)
                    .extract().response());
            assertEquals(size, sent(0).get("dimensions").asInt());
            assertArrayEquals(FakeBedrock.expectedTitanV2("x", size, true), vector(body, 0), 1e-6f);
        }
        bedrock.reset();
        JsonNode viaOption = json(
                embed("{\"model\":\"" + TITAN + "\",\"input\":\"x\",\"embedding_options\":{\"bedrock\":{\"dimensions\":256}}}")
                        .then().statusCode(200).extract().response());
        assertEquals(256, vector(viaOption, 0).length);
        assertEquals(256, sent(0).get("dimensions").asInt());
        bedrock.reset();
        embed("{\"model\":\"" + TITAN + "\",\"input\":[\"x\",\"y\"],\"dimensions\":300}").then().statusCode(400)
                .body("error.param", equalTo("dimensions")).body("error.message", containsString("[256, 512, 1024]"));
        embed("{\"model\":\"" + TITAN + "\",\"input\":\"x\",\"dimensions\":1536}").then().statusCode(400);
        embed("{\"model\":\"titan-embed-text-v1\",\"input\":\"x\",\"dimensions\":256}").then().statusCode(400)
                .body("error.param", equalTo("dimensions"));
        assertEquals(0, bedrock.callCount(), "nothing may reach the provider");
    }

    @Test
    void normalizeFalseReachesTitanAndTheGatewayNormalisesUnlessToldNot() {
        JsonNode raw = json(embed("""
                {"model":"titan-embed-text-v2","input":"x","embedding_options":{"normalize":false,"bedrock":{"normalize":false}}}""")
                .then().statusCode(200).extract().response());
        assertFalse(sent(0).get("normalize").asBoolean());
        assertArrayEquals(FakeBedrock.expectedTitanV2("x", null, false), vector(raw, 0));
        JsonNode unit = json(
                embed("{\"model\":\"titan-embed-text-v2\",\"input\":\"x\",\"embedding_options\":{\"bedrock\":{\"normalize\":false}}}")
                        .then().statusCode(200).extract().response());
        assertFalse(sent(1).get("normalize").asBoolean());
        assertArrayEquals(FakeBedrock.expectedTitanV2("x", null, true), vector(unit, 0), 1e-6f);
    }

    @Test
    void titanG1SendsInputTextOnlyAndIsNormalisedByTheGateway() {
        JsonNode body = json(embed("""
                {"model":"titan-embed-text-v1","input":"x","embedding_options":{"input_type":"query","bedrock":{"normalize":true}}}""")
                .then().statusCode(200).extract().response());
        assertEquals("{\"inputText\":\"x\"}", bedrock.requests().get(0).body());
        assertEquals("/model/amazon.titan-embed-text-v1/invoke", bedrock.requests().get(0).uri());
        assertArrayEquals(unit(FakeBedrock.expectedTitanG1("x")), vector(body, 0), 1e-6f);
    }

    @Test
    void titanBinaryIsComputedByTheGatewayFromFloats() {
        JsonNode body = json(embed(
                "{\"model\":\"" + TITAN + "\",\"input\":\"x\",\"dimensions\":256,\"embedding_options\":{\"output_dtype\":\"binary\"}}")
                .then().statusCode(200).extract().response());
        assertFalse(sent(0).has("embeddingTypes"), "Titan is asked for floats only");
        byte[] expected = Quantization.quantize(FakeBedrock.expectedTitanV2("x", 256, true), OutputDtype.BINARY).values();
        int[] got = ints(body.get("data").get(0).get("embedding"));
        assertEquals(32, got.length);
        for (int i = 0; i < got.length; i++) {
            assertEquals(expected[i], (byte) got[i]);
        }
    }

    @Test
    void cohereTwoHundredInputsAreThreeCallsWithHeaderUsage() {
        JsonNode many = json(embed(Api.manyInputs(COHERE_V3, 200)).then().statusCode(200).header("x-embedgate-usage-estimated", nullValue())
                .extract().response());
        assertEquals(200, many.get("data").size());
        assertEquals(3, bedrock.callCount());
        assertEquals(List.of(8, 96, 96), bedrock.requests().stream().map(r -> parse(r.body()).get("texts").size()).sorted().toList());
        for (RecordedRequest r : bedrock.requests()) {
            assertEquals("/model/cohere.embed-english-v3/invoke", r.uri());
            JsonNode sent = parse(r.body());
            assertEquals("search_document", sent.get("input_type").asText());
            assertFalse(sent.has("model"));
            assertFalse(sent.has("embedding_types"), "floats by omission");
        }
        long tokens = 0;
        for (int i = 0; i < 200; i++) {
            tokens += FakeVectors.tokens("text-" + i);
        }
        assertEquals(tokens, many.get("usage").get("prompt_tokens").asLong());
        for (int i : new int[]{0, 95, 96, 199}) {
            assertArrayEquals(FakeBedrock.expectedCohere("cohere.embed-english-v3", "search_document", "text-" + i, null), vector(many, i));
        }
    }

    @Test
    void withoutTheTokenHeaderUsageIsEstimated() {
        bedrock.tokenCountHeader(false);
        embed("{\"model\":\"" + COHERE_V3 + "\",\"input\":\"hello\"}").then().statusCode(200).header("x-embedgate-usage-estimated", "true");
        // Titan reports its own count in the body.
        embed("{\"model\":\"" + TITAN + "\",\"input\":\"hello\"}").then().statusCode(200).header("x-embedgate-usage-estimated",
                nullValue());
    }

    @Test
    void bothCohereReplyShapesAndNativeTypes() {
        JsonNode floats = json(embed("{\"model\":\"" + COHERE_V4 + "\",\"input\":[\"a\",\"bb\"],\"dimensions\":512}").then().statusCode(200)
                .extract().response());
        assertEquals(512, sent(0).get("output_dimension").asInt());
        assertArrayEquals(FakeBedrock.expectedCohere("cohere.embed-v4:0", "search_document", "bb", 512), vector(floats, 1));
        bedrock.v4AlwaysByType(true);
        JsonNode byType = json(
                embed("{\"model\":\"" + COHERE_V4 + "\",\"input\":[\"a\",\"bb\"]}").then().statusCode(200).extract().response());
        assertArrayEquals(FakeBedrock.expectedCohere("cohere.embed-v4:0", "search_document", "bb", null), vector(byType, 1));
        for (String options : new String[]{"{\"output_dtype\":\"int8\"}", "{\"bedrock\":{\"embedding_types\":[\"int8\"]}}"}) {
            bedrock.reset();
            JsonNode q = json(
                    embed("{\"model\":\"" + COHERE_V4 + "\",\"input\":[\"a\",\"bb\"],\"dimensions\":256,\"embedding_options\":" + options
                            + "}").then().statusCode(200).extract().response());
            assertEquals("[\"int8\"]", sent(0).get("embedding_types").toString());
            assertArrayEquals(FakeBedrock.expectedCohereInts("cohere.embed-v4:0", "search_document", "bb", 256, "int8"),
                    ints(q.get("data").get(1).get("embedding")), "Bedrock's own int8, passed through");
        }
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"query,search_query", "document,search_document", "classification,classification", "clustering,clustering",
            "similarity,clustering", "code_query,search_query", "code_document,search_document"})
    void unifiedInputTypeIsMapped(String unified, String cohereType) {
        JsonNode body = json(embed("{\"model\":\"" + COHERE_V3 + "\",\"input\":\"hello\",\"embedding_options\":{\"input_type\":\"" + unified
                + "\"}}").then().statusCode(200).extract().response());
        assertEquals(cohereType, sent(0).get("input_type").asText());
        assertArrayEquals(FakeBedrock.expectedCohere("cohere.embed-english-v3", cohereType, "hello", null), vector(body, 0));
    }

    @Test
    void nativeCohereOptions() {
        embed("""
                {"model":"bedrock/cohere-embed-v4","input":"q","embedding_options":{"bedrock":{"input_type":"search_query","truncate":"RIGHT","max_tokens":100}}}""")
                .then().statusCode(200);
        assertEquals("search_query", sent(0).get("input_type").asText());
        assertEquals("RIGHT", sent(0).get("truncate").asText());
        assertEquals(100, sent(0).get("max_tokens").asInt());
        embed("{\"model\":\"" + COHERE_V3 + "\",\"input\":\"q\",\"embedding_options\":{\"bedrock\":{\"truncate\":\"END\"}}}").then()
                .statusCode(200);
        assertEquals("END", sent(1).get("truncate").asText());
        embed("{\"model\":\"" + COHERE_V3
                + "\",\"input\":\"q\",\"embedding_options\":{\"input_type\":\"query\",\"bedrock\":{\"input_type\":\"search_document\"}}}")
                .then().statusCode(400).body("error.param", equalTo("embedding_options.bedrock.input_type"));
        embed("{\"model\":\"" + COHERE_V3 + "\",\"input\":\"q\",\"embedding_options\":{\"bedrock\":{\"truncate\":\"MIDDLE\"}}}").then()
                .statusCode(400).body("error.param", equalTo("embedding_options.bedrock.truncate"));
        // Bedrock's own 400 (v3 does not take LEFT) reaches the client as a 400 naming the provider.
        embed("{\"model\":\"" + COHERE_V3 + "\",\"input\":\"q\",\"embedding_options\":{\"bedrock\":{\"truncate\":\"LEFT\"}}}").then()
                .statusCode(400).body("error.message", containsString("Provider 'bedrock' rejected the request (HTTP 400)"))
                .body("error.message", containsString("Malformed input request"));
        // Titan never gets Cohere's input type, mapped or native.
        embed("{\"model\":\"" + TITAN + "\",\"input\":\"q\",\"embedding_options\":{\"input_type\":\"query\"}}").then().statusCode(200);
        assertFalse(sent(3).has("input_type"));
    }

    @Test
    void sessionCredentialsSignTheirToken() {
        JsonNode body = json(embed("{\"model\":\"titan-session\",\"input\":\"s\"}").then().statusCode(200)
                .header("x-embedgate-provider", "bedrock-session").extract().response());
        assertArrayEquals(FakeBedrock.expectedTitanV2("s", null, true), vector(body, 0), 1e-6f);
        RecordedRequest r = bedrock.requests().get(0);
        assertEquals(FakeBedrock.SESSION_TOKEN, r.header("x-amz-security-token"));
        assertTrue(r.header("authorization").contains("SignedHeaders=content-type;host;x-amz-date;x-amz-security-token"),
                r.header("authorization"));
    }

    @Test
    void aBedrockApiKeyIsABearerAndWinsOverSigV4() {
        embed("{\"model\":\"cohere-apikey\",\"input\":\"k\"}").then().statusCode(200).header("x-embedgate-provider", "bedrock-apikey");
        assertEquals("Bearer " + FakeBedrock.API_KEY, bedrock.requests().get(0).header("authorization"));
        assertNull(bedrock.requests().get(0).header("x-amz-date"));
        // bedrock-both has a wrong secret too: the API key is the one used.
        embed("{\"model\":\"titan-both\",\"input\":\"k\"}").then().statusCode(200);
        assertEquals("Bearer " + FakeBedrock.API_KEY, bedrock.requests().get(1).header("authorization"));
    }

    @Test
    void inferenceProfilesAndArns() {
        JsonNode profile = json(embed("{\"model\":\"cohere-v4-profile\",\"input\":\"p\",\"dimensions\":1024}").then().statusCode(200)
                .extract().response());
        assertEquals("/model/us.cohere.embed-v4%3A0/invoke", bedrock.requests().get(0).uri());
        assertArrayEquals(FakeBedrock.expectedCohere("cohere.embed-v4:0", "search_document", "p", 1024), vector(profile, 0));
        bedrock.alias(BedrockResource.PROVISIONED_ARN, "amazon.titan-embed-text-v2:0");
        JsonNode arn = json(embed("{\"model\":\"titan-provisioned\",\"input\":[\"a\",\"b\"]}").then().statusCode(200).extract().response());
        assertEquals("/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Aprovisioned-model%2Fabc123/invoke",
                bedrock.requests().get(1).uri());
        assertEquals(3, bedrock.callCount(), "an opaque ARN takes the instance's family: Titan, one text per call");
        assertArrayEquals(FakeBedrock.expectedTitanV2("b", null, true), vector(arn, 1), 1e-6f);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "throttling,429,rate_limit_exceeded",
            "validation,400,",
            "quotaExceeded,429,insufficient_quota",
            "accessDenied,502,provider_permission_denied",
            "expiredToken,502,provider_auth_failed",
            "notFound,502,provider_model_not_found",
            "modelTimeout,504,provider_timeout",
            "modelError,502,provider_error",
            "modelNotReady,502,provider_error",
            "internalError,502,provider_error",
            "serviceUnavailable,502,provider_error"})
    void errorsAreMappedWithTheProviderNamed(String fault, int status, String code) throws Exception {
        bedrock.enqueue((Fault) FakeBedrock.class.getMethod(fault).invoke(null));
        Response r = embed("{\"model\":\"" + COHERE_V3 + "\",\"input\":\"x\"}");
        r.then().statusCode(status).header("x-embedgate-provider", "bedrock").body("error.message", containsString("'bedrock'"));
        if (code != null) {
            r.then().body("error.code", equalTo(code));
        }
        assertEquals(1, bedrock.callCount());
    }

    @Test
    void aWrongSecretIsTheGatewaysCredentialProblemAndNeverShown() {
        Response r = embed("{\"model\":\"titan-wrong-secret\",\"input\":\"x\"}");
        r.then().statusCode(502).body("error.code", equalTo("provider_auth_failed")).header("x-embedgate-provider", "bedrock-wrongsecret")
                .body("error.message", containsString("bedrock-wrongsecret"));
        assertFalse(r.asString().contains(BedrockResource.WRONG_SECRET));
        assertFalse(r.asString().contains(FakeBedrock.SECRET_ACCESS_KEY));
        assertTrue(bedrock.requests().get(0).header("authorization").startsWith("AWS4-HMAC-SHA256"));
    }
}
