package io.embedgate.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.BadRequestException;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;

import io.embedgate.fakes.FakeCohere;
import io.embedgate.fakes.FakeVectors;
import io.embedgate.fakes.FakeVoyage;
import io.embedgate.testing.CohereVoyageResource;
import io.embedgate.testing.InjectFake;
import io.embedgate.testing.TestKeys;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/** The official OpenAI Java SDK, pointed at the gateway, embeds with Cohere and Voyage models. */
@QuarkusTest
@WithTestResource(CohereVoyageResource.class)
class CohereVoyageSdkClientTest {

    @TestHTTPResource("/v1")
    URL base;
    @InjectFake
    FakeCohere cohere;
    @InjectFake
    FakeVoyage voyage;

    OpenAIClient client;

    @BeforeEach
    void setUp() {
        cohere.reset();
        voyage.reset();
        client = OpenAIOkHttpClient.builder().apiKey(TestKeys.GATEWAY_KEY).baseUrl(base.toString()).maxRetries(0).build();
    }

    @AfterEach
    void tearDown() {
        client.close();
    }

    static float[] floats(List<Float> list) {
        float[] v = new float[list.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = list.get(i);
        }
        return v;
    }

    @Test
    void cohereFloatsAndBase64AtASize() {
        CreateEmbeddingResponse r = client.embeddings().create(EmbeddingCreateParams.builder().model("embed-v4.0")
                .inputOfArrayOfStrings(List.of("first", "second")).encodingFormat(EmbeddingCreateParams.EncodingFormat.FLOAT).build());
        assertEquals(2, r.data().size());
        assertArrayEquals(FakeCohere.expectedFloats("embed-v4.0", "search_document", "second", null), floats(r.data().get(1).embedding()));
        assertEquals(FakeVectors.tokens("first") + FakeVectors.tokens("second"), r.usage().promptTokens());
        assertEquals("embed-v4.0", r.model());
        CreateEmbeddingResponse b = client.embeddings().create(EmbeddingCreateParams.builder().model("embed-v4.0").input("third")
                .dimensions(1024).encodingFormat(EmbeddingCreateParams.EncodingFormat.BASE64).build());
        assertTrue(b.data().get(0).embeddingValue().isBase64());
        assertArrayEquals(FakeCohere.expectedFloats("embed-v4.0", "search_document", "third", 1024), floats(b.data().get(0).embedding()));
        assertThrows(BadRequestException.class, () -> client.embeddings()
                .create(EmbeddingCreateParams.builder().model("embed-v4.0").input("x").dimensions(700).build()));
        assertEquals(2, cohere.callCount());
    }

    @Test
    void voyageWithTheSdkDefaults() {
        CreateEmbeddingResponse r = client.embeddings()
                .create(EmbeddingCreateParams.builder().model("voyage-3.5").input("fourth").dimensions(256).build());
        assertArrayEquals(FakeVoyage.expectedFloats("voyage-3.5", null, "fourth", 256), floats(r.data().get(0).embedding()));
        assertEquals(FakeVectors.tokens("fourth"), r.usage().totalTokens());
        assertEquals(1, voyage.callCount());
    }

    /** The official SDK's models list, then the gateway's own fields for one of them. */
    @Test
    void theModelsAreListed() {
        List<String> ids = client.models().list().data().stream().map(com.openai.models.models.Model::id).toList();
        for (String id : new String[]{"embed-v4.0", "embed-english-v3.0", "voyage-3.5", "voyage-code-3", "voyage-2"}) {
            assertTrue(ids.contains(id), id + " in " + ids);
        }
        io.restassured.RestAssured.given().header("Authorization", TestKeys.BEARER).get("/v1/models").then().statusCode(200)
                .body("data.find { it.id == 'embed-v4.0' }.owned_by", org.hamcrest.Matchers.equalTo("cohere"))
                .body("data.find { it.id == 'embed-v4.0' }.max_inputs_per_call", org.hamcrest.Matchers.equalTo(96))
                .body("data.find { it.id == 'voyage-3.5' }.provider_output_dtypes", org.hamcrest.Matchers.hasItem("ubinary"))
                .body("data.find { it.id == 'voyage-2' }.provider_output_dtypes", org.hamcrest.Matchers.equalTo(List.of("float")));
    }
}
