package io.embedgate.providers;

import static io.embedgate.testing.Api.embed;
import static io.embedgate.testing.Api.json;
import static io.embedgate.testing.Api.vector;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Arrays;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.JsonNode;

import io.embedgate.fakes.FakeOllama;
import io.embedgate.spi.Embedding;
import io.embedgate.spi.OutputDtype;
import io.embedgate.spi.Quantization;
import io.embedgate.testing.Api;
import io.embedgate.testing.InjectFake;
import io.embedgate.testing.Recipes;
import io.embedgate.testing.SelfHostedUpstreamsResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The Ollama adapter through the gateway, against a fake Ollama, with the catalogue entries the module
 * ships (nomic-embed-text-v1.5: Matryoshka by layer norm, Nomic's prefixes).
 */
@QuarkusTest
@WithTestResource(SelfHostedUpstreamsResource.class)
class OllamaProviderTest {

    static final String NOMIC = "nomic-embed-text-v1.5";

    @InjectFake
    FakeOllama ollama;

    @BeforeEach
    void reset() {
        ollama.reset();
        ollama.contextTokens(FakeOllama.DEFAULT_CONTEXT);
    }

    JsonNode sent(int i) {
        try {
            return Api.JSON.readTree(ollama.requests().get(i).body());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** The shipped prefixes reach Ollama whole: .properties keeps a value's trailing space, and so does SmallRye. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            query          | search_query: hello
            document       | search_document: hello
            classification | classification: hello
            clustering     | clustering: hello
            similarity     | search_document: hello
            """)
    void inputTypeBecomesNomicsPrefix(String inputType, String text) {
        JsonNode body = json(embed("{\"model\":\"" + NOMIC + "\",\"input\":[\"hello\"],\"embedding_options\":{\"input_type\":\"" + inputType
                + "\"}}").then().statusCode(200).header("x-embedgate-provider", "ollama").extract().response());
        JsonNode req = sent(0);
        assertEquals(text, req.get("input").get(0).asText());
        assertEquals("nomic-embed-text", req.get("model").asText());
        assertNull(ollama.requests().get(0).header("authorization"));
        assertArrayEquals(FakeOllama.expectedVector("nomic-embed-text", text, 768), vector(body, 0));
    }

    @Test
    void noInputTypeNoPrefix() {
        embed("{\"model\":\"" + NOMIC + "\",\"input\":\"hello\"}").then().statusCode(200);
        assertEquals("hello", sent(0).get("input").get(0).asText());
    }

    @Test
    void dimensionsAreShortenedByTheGatewayWithNomicsLayerNorm() {
        JsonNode body = json(embed("{\"model\":\"" + NOMIC + "\",\"input\":[\"a\"],\"dimensions\":256}").then().statusCode(200).extract()
                .response());
        assertFalse(sent(0).has("dimensions"), "Ollama is never asked for a size");
        float[] expected = Recipes.layerNormThenSlice(FakeOllama.expectedVector("nomic-embed-text", "a", 768), 256);
        float[] got = vector(body, 0);
        assertEquals(256, got.length);
        for (int i = 0; i < 256; i++) {
            assertEquals(expected[i], got[i], 1e-6f);
        }
        embed("{\"model\":\"" + NOMIC + "\",\"input\":[\"a\"],\"dimensions\":32}").then().statusCode(400).body("error.param",
                equalTo("dimensions"));
        assertEquals(1, ollama.callCount());
    }

    @Test
    void mxbaiIsShortenedByTruncation() {
        JsonNode body = json(embed("{\"model\":\"mxbai-embed-large-v1\",\"input\":[\"a\"],\"dimensions\":128}").then().statusCode(200)
                .extract().response());
        float[] full = FakeOllama.expectedVector("mxbai-embed-large", "a", 1024);
        float[] expected = Recipes.unit(Arrays.copyOf(full, 128));
        float[] got = vector(body, 0);
        for (int i = 0; i < 128; i++) {
            assertEquals(expected[i], got[i], 1e-6f);
        }
    }

    @Test
    void optionsUsageAndSplitting() {
        JsonNode one = json(
                embed("{\"model\":\"" + NOMIC + "\",\"input\":[\"abcdefgh\"],\"embedding_options\":{\"ollama\":{\"truncate\":false,"
                        + "\"keep_alive\":\"10m\"}}}").then().statusCode(200).header("x-embedgate-usage-estimated", (String) null).extract()
                        .response());
        assertEquals(false, sent(0).get("truncate").asBoolean());
        assertEquals("10m", sent(0).get("keep_alive").asText());
        assertEquals(2, one.get("usage").get("prompt_tokens").asInt());
        ollama.reset();
        JsonNode many = json(embed(Api.manyInputs(NOMIC, 1100)).then().statusCode(200).extract().response());
        assertEquals(3, ollama.callCount());
        assertArrayEquals(FakeOllama.expectedVector("nomic-embed-text", "text-1099", 768), vector(many, 1099));
        embed("{\"model\":\"" + NOMIC + "\",\"input\":\"x\",\"embedding_options\":{\"ollama\":{\"keep_alive\":5}}}").then().statusCode(400)
                .body("error.param", equalTo("embedding_options.ollama.keep_alive"));
    }

    @Test
    void binaryIsComputedByTheGateway() {
        JsonNode body = json(embed("{\"model\":\"" + NOMIC + "\",\"input\":[\"a\"],\"embedding_options\":{\"output_dtype\":\"binary\"}}")
                .then().statusCode(200).extract().response());
        Embedding.Bytes q = Quantization.quantize(FakeOllama.expectedVector("nomic-embed-text", "a", 768), OutputDtype.BINARY);
        JsonNode got = body.get("data").get(0).get("embedding");
        assertEquals(96, got.size());
        for (int i = 0; i < 96; i++) {
            assertEquals(q.values()[i], got.get(i).asInt());
        }
    }

    @Test
    void errors() {
        embed("{\"model\":\"bge-m3-ollama\",\"input\":\"x\"}").then().statusCode(502)
                .body("error.code", equalTo("provider_model_not_found"))
                .body("error.message", containsString("model 'bge-m3' not found"));
        ollama.contextTokens(2);
        embed("{\"model\":\"" + NOMIC + "\",\"input\":\"" + "y".repeat(40) + "\",\"embedding_options\":{\"ollama\":{\"truncate\":false}}}")
                .then().statusCode(400).body("error.message", containsString("exceeds the context length"))
                .body("error.message", containsString("Provider 'ollama'"));
        ollama.enqueue(FakeOllama.runnerCrashed());
        embed("{\"model\":\"" + NOMIC + "\",\"input\":\"x\"}").then().statusCode(502).body("error.code", equalTo("provider_error"))
                .body("error.message", containsString("HTTP 500"));
    }
}
