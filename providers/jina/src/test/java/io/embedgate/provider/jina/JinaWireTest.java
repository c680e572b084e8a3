package io.embedgate.provider.jina;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import org.junit.jupiter.api.Test;

import io.embedgate.spi.Deadline;
import io.embedgate.spi.Embedding;
import io.embedgate.spi.EmbeddingCall;
import io.embedgate.spi.EmbeddingInputs;
import io.embedgate.spi.EmbeddingResult;
import io.embedgate.spi.InputType;
import io.embedgate.spi.OutputDtype;
import io.embedgate.spi.UpstreamException;

class JinaWireTest {

    static EmbeddingCall call(String model, OutputDtype dtype, Integer dims, Map<String, Object> options, String... texts) {
        return new EmbeddingCall(model, new EmbeddingInputs.Texts(List.of(texts)),
                dims == null ? OptionalInt.empty() : OptionalInt.of(dims),
                dtype, options, Optional.empty(), Deadline.after(Duration.ofSeconds(5)));
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String request(EmbeddingCall c) {
        return new String(JinaWire.request(c), StandardCharsets.UTF_8);
    }

    @Test
    void requestAsksBase64ForFloatsAndCarriesEveryOption() {
        assertEquals("{\"model\":\"jina-embeddings-v3\",\"input\":[\"a\",\"b\"],\"task\":\"retrieval.query\",\"dimensions\":256,"
                + "\"embedding_type\":\"base64\",\"late_chunking\":true,\"truncate\":false,\"normalized\":true}",
                request(call("jina-embeddings-v3", OutputDtype.FLOAT, 256,
                        Map.of("task", "retrieval.query", "late_chunking", true, "truncate", false, "normalized", true), "a", "b")));
        assertEquals("{\"model\":\"jina-embeddings-v4\",\"input\":[\"a\"],\"embedding_type\":\"ubinary\"}",
                request(call("jina-embeddings-v4", OutputDtype.UBINARY, null, Map.of(), "a")));
    }

    @Test
    void decodesBase64AndNumberFloatsAndPackedBytes() {
        // [0.5, -1.0] as little-endian float32
        EmbeddingResult b64 = JinaWire.response(utf8("{\"model\":\"jina-embeddings-v3\",\"object\":\"list\",\"usage\":{\"total_tokens\":5,"
                + "\"prompt_tokens\":5},\"data\":[{\"object\":\"embedding\",\"index\":0,\"embedding\":\"AAAAPwAAgL8=\"}]}"),
                call("jina-embeddings-v3", OutputDtype.FLOAT, null, Map.of(), "a"), "jina");
        assertArrayEquals(new float[]{0.5f, -1f}, ((Embedding.Floats) b64.embeddings().get(0)).values());
        assertEquals(5, b64.usage().totalTokens());
        assertFalse(b64.usage().estimated());
        EmbeddingResult nums = JinaWire.response(utf8("{\"usage\":{\"total_tokens\":3},\"data\":[{\"index\":1,\"embedding\":[1.0,0.0]},"
                + "{\"index\":0,\"embedding\":[0.0,1.0]}]}"), call("jina-embeddings-v3", OutputDtype.FLOAT, null, Map.of(), "a", "b"),
                "jina");
        assertArrayEquals(new float[]{0f, 1f}, ((Embedding.Floats) nums.embeddings().get(0)).values());
        assertEquals(3, nums.usage().promptTokens());
        EmbeddingResult bin = JinaWire.response(utf8("{\"data\":[{\"index\":0,\"embedding\":[21,-29]}]}"),
                call("jina-embeddings-v3", OutputDtype.BINARY, null, Map.of(), "a"), "jina");
        Embedding.Bytes b = (Embedding.Bytes) bin.embeddings().get(0);
        assertArrayEquals(new byte[]{21, -29}, b.values());
        assertEquals(OutputDtype.BINARY, b.dtype());
        EmbeddingResult ubin = JinaWire.response(utf8("{\"data\":[{\"index\":0,\"embedding\":[149,99]}]}"),
                call("jina-embeddings-v3", OutputDtype.UBINARY, null, Map.of(), "a"), "jina");
        assertEquals(149, ((Embedding.Bytes) ubin.embeddings().get(0)).values()[0] & 0xff);
    }

    @Test
    void rejectsWrongCountsSizesAndRanges() {
        assertThrows(UpstreamException.class, () -> JinaWire.response(utf8("{\"data\":[{\"index\":0,\"embedding\":[1.0]}]}"),
                call("jina-embeddings-v3", OutputDtype.FLOAT, null, Map.of(), "a", "b"), "jina"));
        assertThrows(UpstreamException.class, () -> JinaWire.response(utf8("{\"data\":[{\"index\":0,\"embedding\":[1.0,0.0]}]}"),
                call("jina-embeddings-v3", OutputDtype.FLOAT, 3, Map.of(), "a"), "jina"));
        assertThrows(UpstreamException.class, () -> JinaWire.response(utf8("{\"data\":[{\"index\":0,\"embedding\":[200]}]}"),
                call("jina-embeddings-v3", OutputDtype.BINARY, null, Map.of(), "a"), "jina"));
        assertThrows(UpstreamException.class, () -> JinaWire.response(utf8("{\"data\":[{\"index\":0,\"embedding\":[-1]}]}"),
                call("jina-embeddings-v3", OutputDtype.UBINARY, null, Map.of(), "a"), "jina"));
    }

    @Test
    void errorShapes() {
        String key = "jina_0123456789abcdefSECRET";
        UpstreamException detail = JinaWire.error(400, utf8("{\"detail\":\"bad input, key " + key + "\"}"), null, "jina", key);
        assertEquals(UpstreamException.Kind.BAD_REQUEST, detail.kind());
        assertFalse(detail.getMessage().contains(key));
        assertTrue(detail.getMessage().startsWith("bad input"));
        UpstreamException fastapi = JinaWire.error(422,
                utf8("{\"detail\":[{\"loc\":[\"body\",\"task\"],\"msg\":\"Input should be 'a'\"}]}"),
                null, "jina", key);
        assertEquals("Input should be 'a'", fastapi.getMessage());
        UpstreamException openai = JinaWire.error(429, utf8("{\"error\":{\"message\":\"slow down\",\"type\":\"rate_limit\"}}"),
                Duration.ofSeconds(3), "jina", key);
        assertEquals(UpstreamException.Kind.RATE_LIMITED, openai.kind());
        assertEquals("slow down", openai.getMessage());
        assertEquals(Duration.ofSeconds(3), openai.retryAfter().orElseThrow());
        assertEquals(UpstreamException.Kind.AUTHENTICATION,
                JinaWire.error(401, utf8("{\"detail\":\"Invalid API key\"}"), null, "jina", key).kind());
        UpstreamException balance = JinaWire.error(402, utf8("{\"detail\":\"Insufficient balance\"}"), null, "jina", key);
        assertEquals(UpstreamException.Kind.QUOTA_EXHAUSTED, balance.kind());
        assertFalse(balance.retryable());
        assertEquals(UpstreamException.Kind.SERVER_ERROR, JinaWire.error(502, utf8("<html>bad gateway</html>"), null, "jina", key).kind());
    }

    @Test
    void inputTypesMapPerFamilyAndForeignTasksAreRejectedWithoutACall() {
        JinaAdapter a = new JinaAdapter();
        assertEquals(Optional.of("separation"), a.inputTypeValue(InputType.CLUSTERING, "jina-embeddings-v3"));
        assertEquals(Optional.empty(), a.inputTypeValue(InputType.CLUSTERING, "jina-embeddings-v4"));
        assertEquals(Optional.of("code.passage"), a.inputTypeValue(InputType.CODE_DOCUMENT, "jina-embeddings-v4"));
        assertEquals(Optional.empty(), a.inputTypeValue(InputType.CODE_QUERY, "jina-embeddings-v3"));
        assertEquals(Optional.empty(), a.inputTypeValue(InputType.QUERY, "jina-embeddings-v2-base-en"));
        assertEquals(Optional.of("task"), a.inputTypeOption());
        assertEquals(Optional.of("dimensions"), a.dimensionsOption());
        assertEquals(Optional.of("embedding_type"), a.dtypeOption());
        int[] calls = {0};
        TaskCheckedClient client = new TaskCheckedClient(new io.embedgate.spi.ProviderClient() {

            @Override
            public io.smallrye.mutiny.Uni<EmbeddingResult> embed(EmbeddingCall call) {
                calls[0]++;
                return io.smallrye.mutiny.Uni.createFrom().nullItem();
            }
        }, "jina");
        UpstreamException e = assertThrows(UpstreamException.class, () -> client
                .embed(call("jina-embeddings-v4", OutputDtype.FLOAT, null, Map.of("task", "separation"), "a")).await().indefinitely());
        assertEquals(UpstreamException.Kind.BAD_REQUEST, e.kind());
        assertTrue(e.getMessage().contains("code.query"), e.getMessage());
        client.embed(call("jina-embeddings-v3", OutputDtype.FLOAT, null, Map.of("task", "separation"), "a")).await().indefinitely();
        client.embed(call("jina-clip-v2", OutputDtype.FLOAT, null, Map.of("task", "code.query"), "a")).await().indefinitely();
        assertEquals(2, calls[0]);
    }
}
