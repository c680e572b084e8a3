package io.embedgate.api;

import static io.embedgate.testing.Api.embed;
import static io.embedgate.testing.Api.json;
import static io.embedgate.testing.Api.vector;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import com.fasterxml.jackson.databind.JsonNode;

import io.embedgate.fakes.FakeGemini;
import io.embedgate.fakes.FakeOpenAi;
import io.embedgate.spi.Embedding;
import io.embedgate.spi.Float32;
import io.embedgate.spi.OutputDtype;
import io.embedgate.spi.Quantization;
import io.embedgate.testing.Api;
import io.embedgate.testing.FakeUpstreamsResource;
import io.embedgate.testing.InjectFake;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The gateway's own embedding options work the same for every provider: {@code input_type} (mapped to
 * the provider's option, or the model's text prefix), {@code output_dtype} (quantised by the gateway
 * where the provider cannot) and {@code dimensions} on Matryoshka models whose server cannot shorten.
 */
@QuarkusTest
@WithTestResource(FakeUpstreamsResource.class)
class UnifiedOptionsTest {

    static final String ADA = "text-embedding-ada-002";

    @InjectFake
    FakeOpenAi openai;
    @InjectFake
    FakeGemini gemini;

    @BeforeEach
    void reset() {
        openai.reset();
        gemini.reset();
    }

    static JsonNode body(String s) {
        try {
            return Api.JSON.readTree(s);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void inputTypeBecomesGeminisTaskType() {
        embed("""
                {"model":"gemini-embedding-001","input":["a","b"],"embedding_options":{"input_type":"query"}}""").then().statusCode(200);
        JsonNode sent = body(gemini.requests().get(0).body()).get("requests");
        assertEquals("RETRIEVAL_QUERY", sent.get(0).get("taskType").asText());
        assertEquals("RETRIEVAL_QUERY", sent.get(1).get("taskType").asText());
        embed("""
                {"model":"gemini-embedding-001","input":"c","embedding_options":{"input_type":"code_query"}}""").then().statusCode(200);
        assertEquals("CODE_RETRIEVAL_QUERY", body(gemini.requests().get(1).body()).get("requests").get(0).get("taskType").asText());
    }

    @Test
    void theDebugTraceShowsWhatWasSent() {
        JsonNode r = json(embed("""
                {"model":"gemini-embedding-001","input":"a","embedding_options":{"input_type":"similarity"},
                 "debug":{"enabled":true,"return_upstream_request":true}}""").then().statusCode(200).extract().response());
        JsonNode sent = r.get("debug").get("attempts").get(0).get("request").get("body").get("requests").get(0);
        assertEquals("SEMANTIC_SIMILARITY", sent.get("taskType").asText());
        JsonNode prefixed = json(embed("""
                {"model":"ada-prefixed","input":"bread","embedding_options":{"input_type":"document"},
                 "debug":{"enabled":true,"return_upstream_request":true}}""").then().statusCode(200).extract().response());
        assertEquals("passage: bread",
                prefixed.get("debug").get("attempts").get(0).get("request").get("body").get("input").get(0).asText());
        // The routing notes say what the gateway did for the provider, with or without the upstream request.
        assertTrue(r.get("debug").toString().contains("input_type similarity sent as task_type=SEMANTIC_SIMILARITY"),
                r.get("debug").toString());
        assertTrue(prefixed.get("debug").toString().contains("sent as the model's text prefix 'passage: '"));
        JsonNode shortened = json(embed("""
                {"model":"ada-layer-norm","input":"x","dimensions":128,"embedding_options":{"output_dtype":"binary"},
                 "debug":{"enabled":true}}""").then().statusCode(200).extract().response());
        assertTrue(shortened.get("debug").toString().contains("1536 dimensions asked for, shortened by the gateway to 128"),
                shortened.get("debug").toString());
        assertTrue(shortened.get("debug").toString().contains("quantised by the gateway to binary"));
    }

    @Test
    void inputTypeAndTheProvidersOwnOptionMustAgree() {
        embed("""
                {"model":"gemini-embedding-001","input":"a","embedding_options":{"input_type":"document",
                 "google":{"task_type":"RETRIEVAL_DOCUMENT","title":"Manual"}}}""").then().statusCode(200);
        embed("""
                {"model":"gemini-embedding-001","input":"a","embedding_options":{"input_type":"query","google":{"task_type":"CLUSTERING"}}}""")
                .then().statusCode(400).body("error.param", equalTo("embedding_options.google.task_type"))
                .body("error.message", containsString("RETRIEVAL_QUERY"));
        embed("""
                {"model":"gemini-embedding-001","input":"a","embedding_options":{"input_type":"questions"}}""")
                .then().statusCode(400).body("error.param", equalTo("embedding_options.input_type"))
                .body("error.message", containsString("code_query"));
        assertEquals(1, gemini.callCount());
    }

    @Test
    void aTitleAloneMakesTheTextARetrievalDocument() {
        embed("""
                {"model":"gemini-embedding-001","input":"a","embedding_options":{"google":{"title":"Manual"}}}""").then().statusCode(200);
        JsonNode sent = body(gemini.requests().get(0).body()).get("requests").get(0);
        assertEquals("RETRIEVAL_DOCUMENT", sent.get("taskType").asText());
        assertEquals("Manual", sent.get("title").asText());
    }

    @Test
    void aModelWithoutAProviderOptionGetsItsTextPrefix() {
        JsonNode r = json(embed("""
                {"model":"ada-prefixed","input":["how to bake"],"embedding_options":{"input_type":"query"}}""").then().statusCode(200)
                .extract().response());
        assertEquals("query: how to bake", body(openai.requests().get(0).body()).get("input").get(0).asText());
        assertArrayEquals(FakeOpenAi.expectedVector(ADA, "query: how to bake", null), vector(r, 0), 1e-6f);
        embed("""
                {"model":"ada-prefixed","input":"bread","embedding_options":{"input_type":"document"}}""").then().statusCode(200);
        assertEquals("passage: bread", body(openai.requests().get(1).body()).get("input").get(0).asText());
        // No prefix configured for this type, or no input type: the text as it is.
        embed("""
                {"model":"ada-prefixed","input":"bread","embedding_options":{"input_type":"clustering"}}""").then().statusCode(200);
        embed("{\"model\":\"ada-prefixed\",\"input\":\"bread\"}").then().statusCode(200);
        assertEquals("bread", body(openai.requests().get(2).body()).get("input").get(0).asText());
        assertEquals("bread", body(openai.requests().get(3).body()).get("input").get(0).asText());
    }

    @Test
    void theCacheKeepsQueryAndDocumentVectorsApart() {
        String cache = ",\"orq\":{\"cache\":{\"type\":\"exact_match\",\"ttl\":600}}";
        String text = "unified-options cache " + System.nanoTime();
        embed("{\"model\":\"ada-prefixed\",\"input\":\"" + text + "\",\"embedding_options\":{\"input_type\":\"query\"}" + cache + "}")
                .then().statusCode(200);
        embed("{\"model\":\"ada-prefixed\",\"input\":\"" + text + "\",\"embedding_options\":{\"input_type\":\"document\"}" + cache + "}")
                .then().statusCode(200).header("x-embedgate-cache", containsString("misses=1"));
        embed("{\"model\":\"ada-prefixed\",\"input\":\"" + text + "\",\"embedding_options\":{\"input_type\":\"query\"}" + cache + "}")
                .then().statusCode(200).header("x-embedgate-cache", containsString("hits=1"));
        assertEquals(2, openai.callCount());
    }

    @ParameterizedTest
    @EnumSource(value = OutputDtype.class, names = {"INT8", "UINT8", "BINARY", "UBINARY"})
    void everyFloatModelGivesEveryElementType(OutputDtype dtype) {
        String req = "{\"model\":\"text-embedding-3-small\",\"input\":[\"alpha\",\"beta\"],\"dimensions\":256,"
                + "\"embedding_options\":{\"output_dtype\":\"" + dtype.wireName() + "\"}";
        JsonNode numbers = json(embed(req + "}").then().statusCode(200).extract().response());
        JsonNode b64 = json(embed(req + ",\"encoding_format\":\"base64\"}").then().statusCode(200).extract().response());
        for (int i = 0; i < 2; i++) {
            String text = i == 0 ? "alpha" : "beta";
            byte[] expected = Quantization.quantize(FakeOpenAi.expectedVector("text-embedding-3-small", text, 256), dtype).values();
            JsonNode got = numbers.get("data").get(i).get("embedding");
            assertEquals(expected.length, got.size());
            boolean unsigned = dtype == OutputDtype.UINT8 || dtype == OutputDtype.UBINARY;
            for (int j = 0; j < expected.length; j++) {
                assertEquals(unsigned ? expected[j] & 0xff : expected[j], got.get(j).asInt(), dtype + " value " + j);
            }
            assertArrayEquals(expected, Base64.getDecoder().decode(b64.get("data").get(i).get("embedding").asText()));
        }
        // The provider was asked for floats: OpenAI has no such option.
        assertFalse(openai.requests().get(0).body().contains("dtype"));
    }

    @Test
    void theTypeMustAgreeWithAProvidersOwnDtypeOption() {
        embed("""
                {"model":"codestral-embed","input":"x","embedding_options":{"output_dtype":"int8","mistral":{"output_dtype":"binary"}}}""")
                .then().statusCode(400).body("error.param", equalTo("embedding_options.mistral.output_dtype"));
        embed("""
                {"model":"text-embedding-3-small","input":"x","embedding_options":{"output_dtype":"int4"}}""")
                .then().statusCode(400).body("error.param", equalTo("embedding_options.output_dtype"));
    }

    @Test
    void aLayerNormMatryoshkaModelIsShortenedByItsRecipe() {
        JsonNode r = json(embed("{\"model\":\"ada-layer-norm\",\"input\":\"nomic\",\"dimensions\":256}").then().statusCode(200)
                .extract().response());
        // The upstream was asked for the full vector: the server cannot shorten.
        assertFalse(openai.requests().get(0).body().contains("dimensions"));
        float[] full = FakeOpenAi.expectedVector(ADA, "nomic", null);
        assertArrayEquals(layerNormThenTruncate(full, 256), vector(r, 0), 1e-5f);
        // Truncation is another recipe, with another result.
        JsonNode t = json(embed("{\"model\":\"ada-truncate\",\"input\":\"nomic\",\"dimensions\":256}").then().statusCode(200)
                .extract().response());
        float[] prefix = java.util.Arrays.copyOf(full, 256);
        assertArrayEquals(Float32.normalizeInPlace(prefix), vector(t, 0), 1e-6f);
        // The full size needs no shortening; below min-dimensions, and on a model not declared so, a 400.
        assertEquals(1536, vector(json(embed("{\"model\":\"ada-layer-norm\",\"input\":\"nomic\"}").then().statusCode(200).extract()
                .response()), 0).length);
        embed("{\"model\":\"ada-layer-norm\",\"input\":\"nomic\",\"dimensions\":32}").then().statusCode(400)
                .body("error.param", equalTo("dimensions"));
        embed("{\"model\":\"ada-prefixed\",\"input\":\"nomic\",\"dimensions\":256}").then().statusCode(400)
                .body("error.param", equalTo("dimensions"));
    }

    @Test
    void shorteningAndQuantisingCompose() {
        JsonNode r = json(embed("""
                {"model":"ada-layer-norm","input":"nomic","dimensions":128,"embedding_options":{"output_dtype":"ubinary"}}""")
                .then().statusCode(200).extract().response());
        byte[] expected = Quantization.quantize(layerNormThenTruncate(FakeOpenAi.expectedVector(ADA, "nomic", null), 128),
                OutputDtype.UBINARY).values();
        JsonNode got = r.get("data").get(0).get("embedding");
        assertEquals(16, got.size());
        for (int j = 0; j < 16; j++) {
            assertEquals(expected[j] & 0xff, got.get(j).asInt());
        }
        assertEquals(Embedding.Bytes.class, Quantization.quantize(new float[]{1f}, OutputDtype.UBINARY).getClass());
    }

    /** nomic-embed-text-v1.5's recipe, written out here independently of the gateway's code. */
    static float[] layerNormThenTruncate(float[] full, int n) {
        double mean = 0;
        for (float x : full) {
            mean += x;
        }
        mean /= full.length;
        double var = 0;
        for (float x : full) {
            var += (x - mean) * (x - mean);
        }
        var /= full.length;
        double[] ln = new double[n];
        double norm = 0;
        for (int i = 0; i < n; i++) {
            ln[i] = (full[i] - mean) / Math.sqrt(var + 1e-5);
            norm += ln[i] * ln[i];
        }
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) (ln[i] / Math.sqrt(norm));
        }
        return out;
    }
}
