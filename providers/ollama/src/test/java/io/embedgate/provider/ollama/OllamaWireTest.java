package io.embedgate.provider.ollama;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
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
import io.embedgate.spi.InstanceSettings;
import io.embedgate.spi.OutputDtype;
import io.embedgate.spi.UpstreamException;

class OllamaWireTest {

    static EmbeddingCall call(Map<String, Object> options, Integer dims, String... texts) {
        return new EmbeddingCall("nomic-embed-text", new EmbeddingInputs.Texts(List.of(texts)),
                dims == null ? OptionalInt.empty() : OptionalInt.of(dims), OutputDtype.FLOAT, options, Optional.empty(),
                Deadline.after(Duration.ofSeconds(5)));
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void requestNeverCarriesASize() {
        assertEquals("{\"model\":\"nomic-embed-text\",\"input\":[\"a\",\"b\"],\"truncate\":false,\"keep_alive\":\"10m\"}",
                new String(OllamaWire.request(call(Map.of("truncate", false, "keep_alive", "10m"), 256, "a", "b")),
                        StandardCharsets.UTF_8));
        assertEquals("{\"model\":\"nomic-embed-text\",\"input\":[\"a\"]}",
                new String(OllamaWire.request(call(Map.of(), null, "a")), StandardCharsets.UTF_8));
    }

    @Test
    void decodesVectorsAndPromptEvalCount() {
        EmbeddingResult r = OllamaWire.response(utf8("{\"model\":\"nomic-embed-text:latest\",\"embeddings\":[[0.6,0.8],[1,0]],"
                + "\"total_duration\":14143917,\"load_duration\":1019500,\"prompt_eval_count\":8}"), call(Map.of(), null, "a", "b"),
                "ollama");
        assertArrayEquals(new float[]{1f, 0f}, ((Embedding.Floats) r.embeddings().get(1)).values());
        assertEquals(8, r.usage().promptTokens());
        assertFalse(r.usage().estimated());
        assertEquals("nomic-embed-text:latest", r.upstreamModel());
        EmbeddingResult noCount = OllamaWire.response(utf8("{\"embeddings\":[[0.6,0.8]]}"), call(Map.of(), null, "abcdefgh"), "ollama");
        assertTrue(noCount.usage().estimated());
        assertEquals(2, noCount.usage().promptTokens());
    }

    @Test
    void rejectsWrongCountsAndShapes() {
        for (String body : List.of("{\"embeddings\":[[0.6,0.8]]}", "{\"embeddings\":[[0.6,0.8],[1]]}", "{\"embeddings\":[1,2]}",
                "[[0.6,0.8],[1,0]]", "{\"embeddings\":[[0.6,", "{\"embeddings\":[[],[]]}")) {
            UpstreamException e = assertThrows(UpstreamException.class,
                    () -> OllamaWire.response(utf8(body), call(Map.of(), null, "a", "b"),
                            "ollama"),
                    body);
            assertEquals(UpstreamException.Kind.INVALID_RESPONSE, e.kind());
        }
    }

    @Test
    void errorShapes() {
        UpstreamException ctx = OllamaWire.error(400, utf8("{\"error\":\"the input length exceeds the context length\"}"), null, "ollama",
                "");
        assertEquals(UpstreamException.Kind.BAD_REQUEST, ctx.kind());
        assertEquals("the input length exceeds the context length", ctx.getMessage());
        UpstreamException missing = OllamaWire.error(404, utf8("{\"error\":\"model 'x' not found\"}"), null, "ollama", "");
        assertEquals(UpstreamException.Kind.NOT_FOUND, missing.kind());
        assertEquals(UpstreamException.Kind.SERVER_ERROR, OllamaWire.error(500, utf8("{\"error\":\"llama runner process has terminated\"}"),
                null, "ollama", "").kind());
        UpstreamException limited = OllamaWire.error(429, utf8("{\"error\":\"too many requests\"}"), Duration.ofSeconds(2), "ollama",
                "sk-ollama-secret-123456");
        assertEquals(UpstreamException.Kind.RATE_LIMITED, limited.kind());
        assertEquals(Duration.ofSeconds(2), limited.retryAfter().orElseThrow());
        UpstreamException echoed = OllamaWire.error(401, utf8("{\"error\":\"unauthorized key ollama-secret-123456\"}"), null, "ollama",
                "ollama-secret-123456");
        assertEquals(UpstreamException.Kind.AUTHENTICATION, echoed.kind());
        assertFalse(echoed.getMessage().contains("ollama-secret-123456"));
    }

    @Test
    void instanceNeedsNoKeyAndModelsAreKnownWithOrWithoutLatest() {
        OllamaAdapter a = new OllamaAdapter();
        InstanceSettings local = new InstanceSettings("ollama", "ollama", Optional.of(URI.create("http://localhost:11434")),
                Optional.empty(), Map.of(), null, 4);
        assertEquals(List.of(), a.validate(local));
        assertEquals(List.of("no base-url configured"),
                a.validate(new InstanceSettings("ollama", "ollama", Optional.empty(), Optional.empty(), Map.of(), null, 4)));
        assertEquals(768, a.knownModel("nomic-embed-text:latest").orElseThrow().nativeDimensions());
        assertEquals(512, a.knownModel("nomic-embed-text").orElseThrow().maxInputsPerCall());
        assertFalse(a.knownModel("nomic-embed-text").orElseThrow().reducible());
        assertTrue(a.knownModel("snowflake-arctic-embed:22m").isEmpty());
    }
}
