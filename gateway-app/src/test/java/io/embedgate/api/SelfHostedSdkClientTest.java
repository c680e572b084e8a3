package io.embedgate.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.errors.BadRequestException;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;

import io.embedgate.fakes.FakeJina;
import io.embedgate.fakes.FakeOllama;
import io.embedgate.fakes.FakeTei;
import io.embedgate.testing.Recipes;
import io.embedgate.testing.SelfHostedUpstreamsResource;
import io.embedgate.testing.TestKeys;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/** The official OpenAI Java SDK against the gateway, for a model of Jina, of Ollama and of TEI. */
@QuarkusTest
@WithTestResource(SelfHostedUpstreamsResource.class)
class SelfHostedSdkClientTest {

    @TestHTTPResource("/v1")
    URL base;

    OpenAIClient client;

    @BeforeEach
    void setUp() {
        client = OpenAIOkHttpClient.builder().apiKey(TestKeys.GATEWAY_KEY).baseUrl(base.toString()).maxRetries(0).build();
    }

    @AfterEach
    void tearDown() {
        client.close();
    }

    static void assertVector(float[] expected, List<Float> got) {
        assertEquals(expected.length, got.size());
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], got.get(i), 1e-6f);
        }
    }

    @Test
    void jinaWithDimensionsAndAnInputType() {
        // The SDK asks for base64 by default and decodes it: the gateway's answer must be OpenAI's.
        CreateEmbeddingResponse r = client.embeddings().create(EmbeddingCreateParams.builder().model("jina-embeddings-v3")
                .inputOfArrayOfStrings(List.of("one", "two")).dimensions(128)
                .putAdditionalBodyProperty("embedding_options", JsonValue.from(java.util.Map.of("input_type", "query"))).build());
        assertVector(FakeJina.expectedFloats("jina-embeddings-v3", "retrieval.query", "two", 128), r.data().get(1).embedding());
        assertEquals(2, r.usage().promptTokens());
    }

    @Test
    void ollamaWithThePrefix() {
        CreateEmbeddingResponse r = client.embeddings().create(EmbeddingCreateParams.builder().model("nomic-embed-text-v1.5").input("hi")
                .putAdditionalBodyProperty("embedding_options", JsonValue.from(java.util.Map.of("input_type", "document"))).build());
        assertVector(FakeOllama.expectedVector("nomic-embed-text", "search_document: hi", 768), r.data().get(0).embedding());
    }

    @Test
    void teiShortenedAndItsErrorsTyped() {
        CreateEmbeddingResponse r = client.embeddings().create(EmbeddingCreateParams.builder().model("nomic-tei").input("hi").dimensions(64)
                .build());
        assertVector(Recipes.layerNormThenSlice(FakeTei.expectedVector(SelfHostedUpstreamsResource.NOMIC_HF, "hi", 768, true),
                64), r.data().get(0).embedding());
        org.junit.jupiter.api.Assertions.assertThrows(BadRequestException.class, () -> client.embeddings()
                .create(EmbeddingCreateParams.builder().model("bge-tei").input("hi").dimensions(64).build()));
    }

    /** The official SDK's models list, then the gateway's own fields for one of them. */
    @Test
    void theModelsAreListed() {
        List<String> ids = client.models().list().data().stream().map(com.openai.models.models.Model::id).toList();
        for (String id : new String[]{"jina-embeddings-v3", "jina-embeddings-v4", "nomic-embed-text-v1.5", "nomic-tei", "bge-tei"}) {
            assertTrue(ids.contains(id), id + " in " + ids);
        }
        io.restassured.RestAssured.given().header("Authorization", TestKeys.BEARER).get("/v1/models").then().statusCode(200)
                .body("data.find { it.id == 'jina-embeddings-v3' }.owned_by", org.hamcrest.Matchers.equalTo("jina"))
                .body("data.find { it.id == 'nomic-tei' }.min_dimensions", org.hamcrest.Matchers.equalTo(64))
                .body("data.find { it.id == 'nomic-tei' }.reducible_dimensions", org.hamcrest.Matchers.equalTo(true))
                .body("data.find { it.id == 'nomic-tei' }.input_prefixes", org.hamcrest.Matchers.equalTo(List.of("query", "document")));
    }
}
