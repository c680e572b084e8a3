package io.embedgate.providers;

import static io.embedgate.testing.Api.embed;
import static io.embedgate.testing.Api.json;
import static io.embedgate.testing.Api.vector;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.JsonNode;

import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import io.embedgate.testing.Api;
import io.embedgate.testing.FakeUpstreamsResource;
import io.embedgate.testing.TestKeys;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;

/**
 * The in-process all-MiniLM-L6-v2 through the gateway's HTTP API, served by the default
 * configuration (no provider key, no URL), compared with LangChain4j's own model.
 */
@QuarkusTest
@WithTestResource(FakeUpstreamsResource.class)
class LocalProviderTest {

    static final String PINNED = "local/all-minilm-l6-v2";
    static final List<String> SENTENCES = List.of(
            "The cat sits on the mat.",
            "A quick brown fox jumps over the lazy dog.",
            "Embeddings map text to vectors so that similar meanings lie close together.",
            "hi",
            "Ünïcödé, emoji 🙂 and punctuation!? are tokenised too...");

    static AllMiniLmL6V2EmbeddingModel reference;

    static synchronized float[] reference(String text) {
        if (reference == null) {
            reference = new AllMiniLmL6V2EmbeddingModel();
        }
        return reference.embed(text).content().vector();
    }

    @AfterAll
    static void release() {
        reference = null;
    }

    static String body(String model, List<String> texts, String extra) {
        StringBuilder b = new StringBuilder("{\"model\":\"").append(model).append("\",\"input\":[");
        for (int i = 0; i < texts.size(); i++) {
            b.append(i == 0 ? "" : ",").append(Api.JSON.valueToTree(texts.get(i)).toString());
        }
        return b.append(']').append(extra).append('}').toString();
    }

    static void assertMatchesLibrary(List<String> texts, JsonNode response) {
        assertEquals(texts.size(), response.get("data").size());
        for (int i = 0; i < texts.size(); i++) {
            float[] got = vector(response, i);
            assertEquals(384, got.length);
            assertArrayEquals(reference(texts.get(i)), got, 1e-5f, "input " + i + ": " + texts.get(i));
        }
    }

    @Test
    void pinnedAndPlainIdsReturnTheLibrarysVectorsAsFloatsAndBase64() {
        JsonNode floats = json(embed(body(PINNED, SENTENCES, "")).then().statusCode(200)
                .header("x-embedgate-provider", "local").header("x-embedgate-upstream-model", "all-minilm-l6-v2")
                .header("x-embedgate-usage-estimated", nullValue()).body("model", equalTo("all-minilm-l6-v2"))
                .extract().response());
        assertMatchesLibrary(SENTENCES, floats);
        long tokens = 0;
        for (String s : SENTENCES) {
            tokens += reference.embed(s).tokenUsage().inputTokenCount();
        }
        assertEquals(tokens, floats.get("usage").get("prompt_tokens").asLong(), "word pieces, without [CLS] and [SEP]");
        JsonNode base64 = json(embed(body("all-minilm-l6-v2", SENTENCES, ",\"encoding_format\":\"base64\"")).then().statusCode(200)
                .header("x-embedgate-provider", "local").extract().response());
        assertTrue(base64.get("data").get(0).get("embedding").isTextual());
        assertMatchesLibrary(SENTENCES, base64);
        for (int i = 0; i < SENTENCES.size(); i++) {
            assertArrayEquals(vector(floats, i), vector(base64, i), "float and base64 carry the same float32 values");
        }
    }

    @Test
    void listedInTheCatalogueWithSizeAndLimits() {
        given().header("Authorization", TestKeys.BEARER).get("/v1/models").then().statusCode(200)
                .body("data.id", hasItem("all-minilm-l6-v2"))
                .body("data.find { it.id == 'all-minilm-l6-v2' }.dimensions", equalTo(384))
                .body("data.find { it.id == 'all-minilm-l6-v2' }.reducible_dimensions", equalTo(false))
                .body("data.find { it.id == 'all-minilm-l6-v2' }.max_inputs_per_call", equalTo(2048))
                .body("data.find { it.id == 'all-minilm-l6-v2' }.max_tokens_per_input", equalTo(256))
                .body("data.find { it.id == 'all-minilm-l6-v2' }.token_id_input", equalTo(false))
                .body("data.find { it.id == 'all-minilm-l6-v2' }.owned_by", equalTo("local"))
                .body("data.find { it.id == 'all-minilm-l6-v2' }.providers[0].model", equalTo(PINNED));
        given().header("Authorization", TestKeys.BEARER).get("/v1/models/" + PINNED).then().statusCode(200)
                .body("id", equalTo(PINNED)).body("dimensions", equalTo(384)).body("providers.id", hasItem("local"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            token-id arrays   | {"model":"local/all-minilm-l6-v2","input":[[101,2023,102]]}     | input      | token-id
            one token-id list | {"model":"local/all-minilm-l6-v2","input":[1,2,3]}              | input      | token-id
            other dimensions  | {"model":"local/all-minilm-l6-v2","input":"x","dimensions":256} | dimensions |
            """)
    void tokenIdsAndOtherSizesAreClear400s(String name, String body, String param, String message) {
        ValidatableResponse r = embed(body).then().statusCode(400)
                .body("error.type", equalTo("invalid_request_error")).body("error.param", equalTo(param));
        if (message != null) {
            r.body("error.message", containsString(message));
        }
    }

    @Test
    void inputsLongerThan256WordPiecesAreTruncated() {
        String limit = "word ".repeat(254);
        JsonNode r = json(embed(body(PINNED, List.of(limit, limit + "entirely different content ".repeat(200)), ""))
                .then().statusCode(200).extract().response());
        assertArrayEquals(vector(r, 0), vector(r, 1), 1e-6f);
        assertEquals(2 * 254, r.get("usage").get("prompt_tokens").asInt(), "usage counts what was embedded");
    }

    @Test
    void parallelRequestsEachGetTheirOwnVectors() throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(8);
        try {
            List<List<String>> batches = new ArrayList<>();
            List<Future<JsonNode>> answers = new ArrayList<>();
            for (int c = 0; c < 8; c++) {
                List<String> texts = new ArrayList<>();
                for (int i = 0; i < 4 + c; i++) {
                    texts.add("client " + c + " asks question " + i + " about " + "topic ".repeat((c + i) % 6));
                }
                batches.add(texts);
                answers.add(clients.submit(() -> json(embed(body(PINNED, texts, "")).then().statusCode(200).extract().response())));
            }
            for (int c = 0; c < 8; c++) {
                assertMatchesLibrary(batches.get(c), answers.get(c).get());
            }
        } finally {
            clients.shutdownNow();
        }
    }

    @Test
    void theCacheServesRepeatsWithoutRunningTheModel() {
        String unique = "cached local sentence " + System.nanoTime();
        String req = body(PINNED, List.of(unique, "and a second one " + unique),
                ",\"orq\":{\"cache\":{\"type\":\"exact_match\",\"ttl\":600}}");
        JsonNode first = json(embed(req).then().statusCode(200).header("x-embedgate-cache", "hits=0; misses=2").extract().response());
        JsonNode again = json(embed(req).then().statusCode(200).header("x-embedgate-cache", "hits=2; misses=0").extract().response());
        assertArrayEquals(vector(first, 1), vector(again, 1));
        assertArrayEquals(reference(unique), vector(again, 0), 1e-5f);
    }

    @Test
    void theTokenizerStaysOffline() {
        // Unless told otherwise, DJL's tokenizer probes a cloud metadata address when it is created.
        assertEquals("true", System.getProperty("ai.djl.offline"));
    }
}
