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
import com.openai.errors.NotFoundException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;

import io.embedgate.fakes.FakeOpenAi;
import io.embedgate.testing.FakeUpstreamsResource;
import io.embedgate.testing.InjectFake;
import io.embedgate.testing.TestKeys;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/** The official OpenAI Java SDK, pointed at the gateway, works as it does against OpenAI. */
@QuarkusTest
@WithTestResource(FakeUpstreamsResource.class)
class OpenAiSdkClientTest {

    static final String SMALL = "text-embedding-3-small";

    @TestHTTPResource("/v1")
    URL base;
    @InjectFake
    FakeOpenAi fake;

    OpenAIClient client;

    @BeforeEach
    void setUp() {
        fake.reset();
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
    void floatEncoding() {
        CreateEmbeddingResponse r = client.embeddings().create(EmbeddingCreateParams.builder().model(SMALL)
                .inputOfArrayOfStrings(List.of("first", "second")).encodingFormat(EmbeddingCreateParams.EncodingFormat.FLOAT).build());
        assertEquals(2, r.data().size());
        assertTrue(r.data().get(0).embeddingValue().isFloats());
        assertArrayEquals(FakeOpenAi.expectedVector(SMALL, "first", null), floats(r.data().get(0).embedding()));
        assertArrayEquals(FakeOpenAi.expectedVector(SMALL, "second", null), floats(r.data().get(1).embedding()));
        assertEquals(4, r.usage().promptTokens()); // "first" and "second": 2 tokens each in the fake
        assertEquals(SMALL, r.model());
    }

    @Test
    void base64Encoding() {
        CreateEmbeddingResponse r = client.embeddings().create(EmbeddingCreateParams.builder().model(SMALL).input("third")
                .dimensions(512).encodingFormat(EmbeddingCreateParams.EncodingFormat.BASE64).build());
        assertTrue(r.data().get(0).embeddingValue().isBase64());
        assertArrayEquals(FakeOpenAi.expectedVector(SMALL, "third", 512), floats(r.data().get(0).embedding()));
    }

    @Test
    void sdkDefaultEncoding() {
        CreateEmbeddingResponse r = client.embeddings().create(EmbeddingCreateParams.builder().model(SMALL)
                .inputOfArrayOfTokenArrays(List.of(List.of(10L, 20L), List.of(30L))).build());
        assertArrayEquals(FakeOpenAi.expectedVector(SMALL, new int[]{30}, null), floats(r.data().get(1).embedding()));
    }

    @Test
    void errorsReachTheSdkAsTypedExceptions() {
        NotFoundException nf = assertThrows(NotFoundException.class, () -> client.embeddings()
                .create(EmbeddingCreateParams.builder().model("nope").input("x").build()));
        assertTrue(nf.getMessage().contains("nope"), nf.getMessage());
        OpenAIClient bad = OpenAIOkHttpClient.builder().apiKey("wrong").baseUrl(base.toString()).maxRetries(0).build();
        try {
            assertThrows(UnauthorizedException.class,
                    () -> bad.embeddings().create(EmbeddingCreateParams.builder().model(SMALL).input("x").build()));
        } finally {
            bad.close();
        }
    }
}
