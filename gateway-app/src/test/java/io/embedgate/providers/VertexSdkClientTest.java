package io.embedgate.providers;

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
import com.openai.errors.RateLimitException;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;

import io.embedgate.fakes.FakeVectors;
import io.embedgate.fakes.FakeVertex;
import io.embedgate.testing.InjectFake;
import io.embedgate.testing.TestKeys;
import io.embedgate.testing.VertexResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/** The official OpenAI Java SDK, pointed at the gateway, gets Vertex AI's vectors (base64 by default, and floats). */
@QuarkusTest
@WithTestResource(VertexResource.class)
class VertexSdkClientTest {

    @TestHTTPResource("/v1")
    URL base;
    @InjectFake
    FakeVertex vertex;

    OpenAIClient client;

    @BeforeEach
    void setUp() {
        vertex.reset();
        client = OpenAIOkHttpClient.builder().apiKey(TestKeys.GATEWAY_KEY).baseUrl(base.toString()).maxRetries(0).build();
    }

    @AfterEach
    void tearDown() {
        client.close();
    }

    static void assertClose(float[] expected, List<Float> actual) {
        assertEquals(expected.length, actual.size());
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual.get(i), 1e-6, "element " + i);
        }
    }

    @Test
    void embeddingsThroughTheSdk() {
        // The SDK's default: base64, decoded by the SDK.
        CreateEmbeddingResponse r = client.embeddings().create(EmbeddingCreateParams.builder().model("vertex/text-embedding-005")
                .inputOfArrayOfStrings(List.of("first", "second")).dimensions(256).build());
        assertEquals(2, r.data().size());
        assertEquals("vertex/text-embedding-005", r.model());
        assertClose(FakeVectors.normalize(FakeVertex.expectedVector("text-embedding-005", null, null, "second", 256)),
                r.data().get(1).embedding());
        assertEquals(4, r.usage().promptTokens()); // Vertex's token_count: 2 and 2 in the fake
        CreateEmbeddingResponse g = client.embeddings().create(EmbeddingCreateParams.builder().model("vertex/gemini-embedding-001")
                .inputOfArrayOfStrings(List.of("a", "b", "c")).encodingFormat(EmbeddingCreateParams.EncodingFormat.FLOAT).build());
        assertClose(FakeVertex.expectedVector("gemini-embedding-001", null, null, "c", null), g.data().get(2).embedding());
        assertEquals(4, vertex.callCount(), "one call for text-embedding-005, one per text for gemini-embedding-001");
        assertTrue(vertex.requests().get(0).uri().endsWith("/models/text-embedding-005:predict"));
    }

    @Test
    void aRateLimitReachesTheSdkAsItsException() {
        vertex.enqueue(FakeVertex.rateLimited("7s"));
        assertThrows(RateLimitException.class, () -> client.embeddings().create(EmbeddingCreateParams.builder()
                .model("vertex/text-embedding-005").input("x").build()));
    }
}
