package io.embedgate.providers;

import static io.embedgate.testing.Api.embed;
import static io.embedgate.testing.Api.json;
import static io.embedgate.testing.Api.vector;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;

import io.embedgate.fakes.FakeOpenAi;
import io.embedgate.fakes.Fault;
import io.embedgate.testing.Api;
import io.embedgate.testing.AzurePresetsResource;
import io.embedgate.testing.InjectFake;
import io.embedgate.testing.PresetFakes;
import io.embedgate.testing.TestKeys;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/** The openai type's presets through the gateway, against fake OpenAI-compatible hosts with their quirks on. */
@QuarkusTest
@WithTestResource(AzurePresetsResource.class)
class PresetsProviderTest {

    static final String E5 = "nvidia/nv-embedqa-e5-v5";

    @InjectFake
    PresetFakes fakes;

    @TestHTTPResource("/v1")
    URL base;

    @BeforeEach
    void reset() {
        fakes.reset();
    }

    static JsonNode parse(String s) {
        try {
            return Api.JSON.readTree(s);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** The unified input type becomes NIM's input_type (document → passage), at the preset's URL path with Bearer auth. */
    @ParameterizedTest
    @CsvSource({"query,query", "document,passage", "code_query,query", "code_document,passage"})
    void nimInputTypeIsMapped(String unified, String nim) {
        JsonNode body = json(
                embed("{\"model\":\"" + E5 + "\",\"input\":[\"how?\",\"so.\"],\"embedding_options\":{\"input_type\":\"" + unified
                        + "\"}}").then().statusCode(200).header("x-embedgate-provider", "nvidia-nim").extract().response());
        assertArrayEquals(fakes.nim().vector(E5, "so.", null), vector(body, 1));
        var req = fakes.nim().requests().get(0);
        assertEquals("/v1/embeddings", req.uri());
        assertEquals("Bearer " + AzurePresetsResource.NIM_KEY, req.header("authorization"));
        JsonNode sent = parse(req.body());
        assertEquals(nim, sent.get("input_type").asText());
        assertEquals(List.of("how?", "so."), List.of(sent.get("input").get(0).asText(), sent.get("input").get(1).asText()), "no prefix");
    }

    @Test
    void nimOwnOptionsAreSentAndMissingInputTypeIsTheHostsClientError() {
        embed("{\"model\":\"" + E5
                + "\",\"input\":\"x\",\"embedding_options\":{\"openai\":{\"input_type\":\"passage\",\"truncate\":\"END\"}}}")
                .then().statusCode(200);
        JsonNode sent = parse(fakes.nim().requests().get(0).body());
        assertEquals("passage", sent.get("input_type").asText());
        assertEquals("END", sent.get("truncate").asText());

        Response r = embed("{\"model\":\"" + E5 + "\",\"input\":\"x\"}");
        r.then().statusCode(400).body("error.type", equalTo("invalid_request_error")).body("error.message", containsString("'nvidia-nim'"))
                .body("error.message", containsString("'input_type' parameter is required for asymmetric models"));
        assertFalse(r.asString().contains(AzurePresetsResource.NIM_KEY));
        // A value the unified knob maps contradicted by the provider's own option: 400 before any call.
        fakes.nim().reset();
        embed("{\"model\":\"" + E5
                + "\",\"input\":\"x\",\"embedding_options\":{\"input_type\":\"query\",\"openai\":{\"input_type\":\"passage\"}}}")
                .then().statusCode(400).body("error.param", equalTo("embedding_options.openai.input_type"));
        assertEquals(0, fakes.nim().callCount());
    }

    /** The preset's 50 inputs per call: 120 inputs are 50 + 50 + 20, each carrying the input type. */
    @Test
    void nimSplitsOverItsPerCallLimit() {
        String req = Api.manyInputs(E5, 120).replace("]}", "],\"embedding_options\":{\"input_type\":\"document\"}}");
        JsonNode body = json(embed(req).then().statusCode(200).extract().response());
        assertEquals(120, body.get("data").size());
        assertArrayEquals(fakes.nim().vector(E5, "text-119", null), vector(body, 119));
        assertEquals(List.of(50, 50, 20), fakes.nim().requests().stream().map(r -> parse(r.body()).get("input").size()).toList());
        assertTrue(fakes.nim().requests().stream().allMatch(r -> parse(r.body()).get("input_type").asText().equals("passage")));
    }

    /** bge-m3 is not Matryoshka: the preset says so and the gateway answers 400 before vLLM would. */
    @Test
    void vllmFixedModelDimensionsAreRejectedByTheGatewayFirst() {
        embed("{\"model\":\"bge-m3\",\"input\":\"x\",\"dimensions\":256}").then().statusCode(400).body("error.param",
                equalTo("dimensions"));
        assertEquals(0, fakes.vllm().callCount());
        JsonNode body = json(embed("{\"model\":\"nomic-v15\",\"input\":\"x\",\"dimensions\":256}").then().statusCode(200).extract()
                .response());
        assertArrayEquals(fakes.vllm().vector("nomic-ai/nomic-embed-text-v1.5", "x", 256), vector(body, 0));
        var req = fakes.vllm().requests().get(0);
        assertNull(req.header("authorization"), "a keyless preset sends no key");
        assertEquals(256, parse(req.body()).get("dimensions").asInt());
        assertEquals("base64", parse(req.body()).get("encoding_format").asText());
        // Token ids: the vllm preset takes them.
        embed("{\"model\":\"bge-m3\",\"input\":[[1,2,3]]}").then().statusCode(200);
    }

    /** vLLM's old flat error body: mapped, its message passed on. */
    @Test
    void vllmFlatErrorBodyIsMapped() {
        embed("{\"model\":\"vllm-unserved\",\"input\":\"x\"}").then().statusCode(502)
                .body("error.code", equalTo("provider_model_not_found"))
                .body("error.message", containsString("'vllm'"))
                .body("error.message", containsString("The model 'not/served' does not exist"));
        fakes.vllm().enqueue(Fault.respond(400, "{\"object\":\"error\",\"message\":\"This model's maximum context length is 8192 tokens.\","
                + "\"type\":\"BadRequestError\",\"param\":null,\"code\":400}", Map.of()));
        embed("{\"model\":\"bge-m3\",\"input\":\"x\"}").then().statusCode(400)
                .body("error.message", containsString("maximum context length"))
                .body("error.message", containsString("'vllm'"));
    }

    /** Gemini's compatible endpoint wraps errors in an array; numbers, not base64; no usage (estimated). */
    @Test
    void geminiCompatibleArrayErrorsNumbersAndNoUsage() {
        Response ok = embed("{\"model\":\"gemini-compat\",\"input\":[\"abcdefgh\",\"abcd\"],\"dimensions\":768}");
        ok.then().statusCode(200).header("x-embedgate-usage-estimated", "true");
        JsonNode body = json(ok);
        assertArrayEquals(fakes.gemini().vector("gemini-embedding-001", "abcd", 768), vector(body, 1));
        assertEquals(3, body.get("usage").get("prompt_tokens").asInt()); // estimated: 2 + 1
        assertFalse(parse(fakes.gemini().requests().get(0).body()).has("encoding_format"));

        fakes.gemini().enqueue(Fault.respond(429, FakeOpenAi.geminiArrayError(429, "Resource has been exhausted (e.g. check quota)."),
                Map.of("retry-after", "3")));
        embed("{\"model\":\"gemini-compat\",\"input\":\"x\"}").then().statusCode(429).header("retry-after", "3")
                .body("error.message", containsString("gemini-openai"));
        fakes.gemini().enqueue(Fault.respond(400, FakeOpenAi.geminiArrayError(400, "API key not valid. Please pass a valid API key."),
                Map.of()));
        Response bad = embed("{\"model\":\"gemini-compat\",\"input\":\"x\"}");
        bad.then().statusCode(400).body("error.message", containsString("'gemini-openai'"))
                .body("error.message", containsString("API key not valid")).body("error.message", not(containsString("[{")));
        assertFalse(bad.asString().contains(AzurePresetsResource.GEMINI_KEY));
    }

    /** OpenRouter takes an input type (in Cohere's and Nomic's words) and token ids; a dropped size is caught. */
    @Test
    void openRouterTakesTheInputTypeAndADroppedSizeIsCaught() {
        JsonNode r = json(embed("""
                {"model":"or-small","input":"x","dimensions":256,"embedding_options":{"input_type":"query"}}""").then().statusCode(200)
                .extract().response());
        JsonNode sent = parse(fakes.openrouter().requests().get(0).body());
        assertEquals("search_query", sent.get("input_type").asText());
        assertEquals(256, sent.get("dimensions").asInt());
        assertEquals("Bearer " + AzurePresetsResource.OPENROUTER_KEY, fakes.openrouter().requests().get(0).header("authorization"));
        assertArrayEquals(fakes.openrouter().vector("openai/text-embedding-3-small", "x", 256), vector(r, 0), 1e-6f);
        embed("{\"model\":\"or-small\",\"input\":[[1,2,3]]}").then().statusCode(200);
        assertEquals(3, parse(fakes.openrouter().requests().get(1).body()).get("input").get(0).size());
        // The routed model cannot shorten and OpenRouter drops the parameter: 1536 values come back for
        // 256 asked, which the gateway refuses as the provider's error, never passing on a wrong size.
        embed("{\"model\":\"or-ada\",\"input\":\"x\",\"dimensions\":256}").then().statusCode(502)
                .body("error.message", containsString("openrouter")).body("error.message", containsString("1536"));
    }

    /** LM Studio on the desktop: no key, numbers only, no dimensions; its nomic model gets Nomic's prefix. */
    @Test
    void lmStudioIsKeylessAndGetsTheModelsPrefix() {
        JsonNode r = json(embed("""
                {"model":"nomic-lmstudio","input":"bread","embedding_options":{"input_type":"query"}}""").then().statusCode(200)
                .extract().response());
        var req = fakes.lmstudio().requests().get(0);
        JsonNode sent = parse(req.body());
        assertEquals("search_query: bread", sent.get("input").get(0).asText());
        assertFalse(sent.has("encoding_format"));
        assertFalse(sent.has("input_type"));
        assertNull(req.header("authorization"));
        assertArrayEquals(fakes.lmstudio().vector("text-embedding-nomic-embed-text-v1.5", "search_query: bread", null), vector(r, 0),
                1e-6f);
        embed("{\"model\":\"nomic-lmstudio\",\"input\":\"x\",\"dimensions\":256}").then().statusCode(400)
                .body("error.param", equalTo("dimensions"));
        assertEquals(1, fakes.lmstudio().callCount());
    }

    /** A host without base64 answers numbers; a base64 client still gets base64 of the same floats. */
    @Test
    void noBase64HostIsAskedForNumbersAndDecoded() {
        JsonNode floats = json(
                embed("{\"model\":\"bge-large-together\",\"input\":\"x\",\"encoding_format\":\"float\"}").then().statusCode(200)
                        .extract().response());
        float[] expected = fakes.together().vector("BAAI/bge-large-en-v1.5", "x", null);
        assertArrayEquals(expected, vector(floats, 0));
        JsonNode b64 = json(
                embed("{\"model\":\"bge-large-together\",\"input\":\"x\",\"encoding_format\":\"base64\"}").then().statusCode(200)
                        .extract().response());
        assertTrue(b64.get("data").get(0).get("embedding").isTextual());
        assertArrayEquals(expected, vector(b64, 0));
        for (var r : fakes.together().requests()) {
            JsonNode sent = parse(r.body());
            assertFalse(sent.has("encoding_format"), r.body());
            assertFalse(sent.has("user"), r.body());
            assertEquals("Bearer " + AzurePresetsResource.TOGETHER_KEY, r.header("authorization"));
        }
        // The input type has no Together equivalent: nothing extra is sent.
        embed("{\"model\":\"bge-large-together\",\"input\":\"x\",\"embedding_options\":{\"input_type\":\"query\"}}").then().statusCode(200);
        assertFalse(parse(fakes.together().requests().get(2).body()).has("input_type"));
    }

    @Test
    void officialOpenAiSdkThroughTheGatewayToAPresetHost() {
        OpenAIClient client = OpenAIOkHttpClient.builder().apiKey(TestKeys.GATEWAY_KEY).baseUrl(base.toString()).maxRetries(0).build();
        try {
            // The SDK asks for base64 by default; Together answers numbers; the gateway re-encodes.
            CreateEmbeddingResponse r = client.embeddings().create(EmbeddingCreateParams.builder().model("bge-large-together")
                    .inputOfArrayOfStrings(List.of("one", "two")).build());
            assertEquals(2, r.data().size());
            float[] expected = fakes.together().vector("BAAI/bge-large-en-v1.5", "two", null);
            List<Float> got = r.data().get(1).embedding();
            assertEquals(expected.length, got.size());
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], got.get(i), "value " + i);
            }
        } finally {
            client.close();
        }
    }
}
