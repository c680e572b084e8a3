package io.embedgate.providers;

import static io.embedgate.testing.Api.embed;
import static io.embedgate.testing.Api.json;
import static io.embedgate.testing.Api.vector;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.JsonNode;

import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.bgesmallenv15.BgeSmallEnV15EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.bgesmallenv15q.BgeSmallEnV15QuantizedEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.e5smallv2q.E5SmallV2QuantizedEmbeddingModel;
import io.embedgate.testing.FakeUpstreamsResource;
import io.embedgate.testing.TestKeys;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The local catalogue's other models through the HTTP API, in the default configuration (the same
 * application as {@link LocalProviderTest}): exact vectors and usage against LangChain4j's model
 * classes, input_type reaching E5 and BGE as their prefixes, sizes and limits in /v1/models, load
 * states in readiness, over-long inputs rejected on request.
 */
@QuarkusTest
@WithTestResource(FakeUpstreamsResource.class)
class LocalCatalogueTest {

    static final String BGE_QUERY = "Represent this sentence for searching relevant passages: ";
    static final List<String> TEXTS = List.of("The cat sits on the mat.", "How do solar panels convert sunlight into electricity?", "hi");

    private static final Map<String, Supplier<EmbeddingModel>> LIBRARY = Map.of(
            "all-minilm-l6-v2-q", AllMiniLmL6V2QuantizedEmbeddingModel::new,
            "bge-small-en-v1.5", BgeSmallEnV15EmbeddingModel::new,
            "bge-small-en-v1.5-q", BgeSmallEnV15QuantizedEmbeddingModel::new,
            "e5-small-v2-q", E5SmallV2QuantizedEmbeddingModel::new);
    private static final Map<String, EmbeddingModel> references = new ConcurrentHashMap<>();

    static EmbeddingModel library(String model) {
        return references.computeIfAbsent(model, m -> LIBRARY.get(m).get());
    }

    @AfterAll
    static void release() {
        references.clear();
    }

    /** The vectors and the usage LangChain4j's class gives for {@code texts}, checked against a reply. */
    static void assertLibrarys(String model, List<String> texts, JsonNode reply) {
        long tokens = 0;
        for (int i = 0; i < texts.size(); i++) {
            var e = library(model).embed(texts.get(i));
            assertArrayEquals(e.content().vector(), vector(reply, i), 1e-5f, model + " input " + i);
            tokens += e.tokenUsage().inputTokenCount();
        }
        assertEquals(tokens, reply.get("usage").get("prompt_tokens").asLong(), model + ": exact usage");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"all-minilm-l6-v2-q", "bge-small-en-v1.5", "bge-small-en-v1.5-q", "e5-small-v2-q"})
    void eachModelAnswersWithTheLibrarysVectorsAndUsage(String model) {
        JsonNode reply = json(embed(LocalProviderTest.body("local/" + model, TEXTS, "")).then().statusCode(200)
                .header("x-embedgate-provider", "local").header("x-embedgate-upstream-model", model)
                .header("x-embedgate-usage-estimated", org.hamcrest.Matchers.nullValue()).extract().response());
        assertLibrarys(model, TEXTS, reply);
    }

    @Test
    void inputTypeReachesE5AndBgeAsTheirPrefixes() {
        String text = TEXTS.get(1);
        JsonNode e5Query = embedAs("e5-small-v2-q", text, "query");
        JsonNode e5Document = embedAs("e5-small-v2-q", text, "document");
        assertLibrarys("e5-small-v2-q", List.of("query: " + text), e5Query);
        assertLibrarys("e5-small-v2-q", List.of("passage: " + text), e5Document);
        JsonNode bgeQuery = embedAs("bge-small-en-v1.5", text, "query");
        JsonNode bgeDocument = embedAs("bge-small-en-v1.5", text, "document");
        assertLibrarys("bge-small-en-v1.5", List.of(BGE_QUERY + text), bgeQuery);
        assertLibrarys("bge-small-en-v1.5", List.of(text), bgeDocument);
        assertTrue(maxAbsDiff(vector(e5Query, 0), vector(e5Document, 0)) > 1e-2, "E5: a query is not a passage");
        assertTrue(maxAbsDiff(vector(bgeQuery, 0), vector(bgeDocument, 0)) > 1e-2, "BGE: a query carries its instruction");
    }

    private static JsonNode embedAs(String model, String text, String inputType) {
        return json(embed(LocalProviderTest.body(model, List.of(text), ",\"embedding_options\":{\"input_type\":\"" + inputType + "\"}"))
                .then().statusCode(200).extract().response());
    }

    @Test
    void listedWithTheirSizesLimitsAndPrefixes() {
        var r = given().header("Authorization", TestKeys.BEARER).get("/v1/models").then().statusCode(200);
        for (String m : List.of("all-minilm-l6-v2", "all-minilm-l6-v2-q", "bge-small-en-v1.5", "bge-small-en-v1.5-q", "e5-small-v2-q")) {
            String at = "data.find { it.id == '" + m + "' }.";
            r.body(at + "dimensions", equalTo(384)).body(at + "reducible_dimensions", equalTo(false))
                    .body(at + "max_tokens_per_input", equalTo(m.startsWith("all-minilm") ? 256 : 512))
                    .body(at + "owned_by", equalTo("local"));
        }
        r.body("data.find { it.id == 'e5-small-v2-q' }.input_prefixes", org.hamcrest.Matchers.hasItems("query", "document"))
                .body("data.find { it.id == 'bge-small-en-v1.5' }.input_prefixes", equalTo(List.of("query", "code_query")));
    }

    @Test
    void readinessShowsEachModelsLoadState() throws InterruptedException {
        embed(LocalProviderTest.body("local/e5-small-v2-q", List.of("x"), "")).then().statusCode(200);
        // The configured model loads in the background from start-up, with no request: readiness says "loading"
        // until it is in memory (a test that runs first may see that), then "loaded".
        String path = "checks.find { it.name == 'providers' }.data.local";
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
        String local = given().get("/q/health/ready").then().statusCode(200).extract().path(path);
        while (local.contains("all-minilm-l6-v2 loading") && System.nanoTime() < deadline) {
            Thread.sleep(100);
            local = given().get("/q/health/ready").then().statusCode(200).extract().path(path);
        }
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"))
                .body(path, containsString("all-minilm-l6-v2 loaded"))
                .body(path, containsString("e5-small-v2-q loaded"));
    }

    @Test
    void overLongInputsAreRejectedOnRequestNamingTheInputAndItsTokens() {
        String longText = "word ".repeat(600);
        embed(LocalProviderTest.body("local/bge-small-en-v1.5-q", List.of("short", longText),
                ",\"embedding_options\":{\"local\":{\"truncate\":false}}")).then().statusCode(400)
                .body("error.type", equalTo("invalid_request_error")).body("error.code", equalTo("input_too_long"))
                .body("error.param", equalTo("input")).body("error.message", containsString("input[1]"))
                .body("error.message", containsString("has 602 tokens"))
                .body("error.message", containsString("more than the 512 bge-small-en-v1.5-q takes"));
        // With the cache serving the inputs before it, the over-long one is still named by its place in the request.
        String cache = ",\"orq\":{\"cache\":{\"type\":\"exact_match\",\"ttl\":60}}";
        embed(LocalProviderTest.body("local/bge-small-en-v1.5-q", List.of("cached first", "cached second"), cache)).then().statusCode(200);
        embed(LocalProviderTest.body("local/bge-small-en-v1.5-q", List.of("cached first", "cached second", longText),
                cache + ",\"embedding_options\":{\"local\":{\"truncate\":false}}")).then().statusCode(400)
                .body("error.code", equalTo("input_too_long")).body("error.message", containsString("input[2]"))
                .body("error.message", containsString("has 602 tokens"));
        JsonNode cut = json(embed(LocalProviderTest.body("local/bge-small-en-v1.5-q", List.of(longText), "")).then().statusCode(200)
                .extract().response());
        assertEquals(510, cut.get("usage").get("prompt_tokens").asInt(), "truncated by default; usage counts what was embedded");
        embed(LocalProviderTest.body("local/bge-small-en-v1.5-q", List.of("x"), ",\"embedding_options\":{\"local\":{\"truncate\":\"no\"}}"))
                .then().statusCode(400).body("error.message", containsString("truncate"));
    }

    private static double maxAbsDiff(float[] a, float[] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }
}
