package io.embedgate.providers;

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
import com.openai.core.JsonValue;
import com.openai.errors.RateLimitException;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;

import io.embedgate.fakes.FakeBedrock;
import io.embedgate.fakes.FakeVectors;
import io.embedgate.testing.BedrockResource;
import io.embedgate.testing.InjectFake;
import io.embedgate.testing.TestKeys;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/** The official OpenAI Java SDK, pointed at the gateway, gets Bedrock's Titan and Cohere vectors. */
@QuarkusTest
@WithTestResource(BedrockResource.class)
class BedrockSdkClientTest {

    @TestHTTPResource("/v1")
    URL base;
    @InjectFake
    FakeBedrock bedrock;

    OpenAIClient client;

    @BeforeEach
    void setUp() {
        bedrock.reset();
        bedrock.defaults();
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
    void titanThroughTheSdk() {
        CreateEmbeddingResponse r = client.embeddings().create(EmbeddingCreateParams.builder().model("titan-embed-text-v2")
                .inputOfArrayOfStrings(List.of("first", "second")).dimensions(512)
                .encodingFormat(EmbeddingCreateParams.EncodingFormat.FLOAT)
                .build());
        assertEquals(2, r.data().size());
        assertArrayEquals(FakeBedrock.expectedTitanV2("first", 512, true), floats(r.data().get(0).embedding()), 1e-6f);
        assertArrayEquals(FakeBedrock.expectedTitanV2("second", 512, true), floats(r.data().get(1).embedding()), 1e-6f);
        assertEquals(FakeVectors.tokens("first") + FakeVectors.tokens("second"), r.usage().promptTokens());
        assertEquals("titan-embed-text-v2", r.model());
        assertEquals(2, bedrock.callCount());
        assertTrue(bedrock.requests().get(0).header("authorization").startsWith("AWS4-HMAC-SHA256"));
    }

    @Test
    void cohereWithAnInputTypeThroughExtraBody() {
        CreateEmbeddingResponse r = client.embeddings().create(EmbeddingCreateParams.builder().model("bedrock/cohere-embed-v4").input("q")
                .encodingFormat(EmbeddingCreateParams.EncodingFormat.BASE64)
                .putAdditionalBodyProperty("embedding_options", JsonValue.from(java.util.Map.of("input_type", "query"))).build());
        assertTrue(r.data().get(0).embeddingValue().isBase64());
        assertArrayEquals(FakeBedrock.expectedCohere("cohere.embed-v4:0", "search_query", "q", null), floats(r.data().get(0).embedding()));
    }

    @Test
    void throttlingIsTheSdksRateLimitError() {
        bedrock.enqueue(FakeBedrock.throttling());
        RateLimitException e = assertThrows(RateLimitException.class, () -> client.embeddings()
                .create(EmbeddingCreateParams.builder().model("bedrock/cohere-embed-english-v3").input("x").build()));
        assertEquals(429, e.statusCode());
    }
}
