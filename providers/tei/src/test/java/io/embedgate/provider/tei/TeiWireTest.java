package io.embedgate.provider.tei;

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

class TeiWireTest {

    static EmbeddingCall call(Map<String, Object> options, String... texts) {
        return new EmbeddingCall("BAAI/bge-base-en-v1.5", new EmbeddingInputs.Texts(List.of(texts)), OptionalInt.empty(), OutputDtype.FLOAT,
                options, Optional.empty(), Deadline.after(Duration.ofSeconds(5)));
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static InstanceSettings instance(Map<String, String> settings) {
        return new InstanceSettings("tei", "tei", Optional.of(URI.create("http://127.0.0.1:8080")), Optional.empty(), Map.of(), null, 4,
                Optional.empty(), settings);
    }

    @Test
    void requestCarriesTeiFieldsOnly() {
        assertEquals("{\"inputs\":[\"a\",\"b\"],\"truncate\":true,\"truncation_direction\":\"Left\",\"prompt_name\":\"query\","
                + "\"normalize\":false}",
                new String(TeiWire.request(call(Map.of("truncate", true, "truncation_direction", "left",
                        "prompt_name", "query", "normalize", false), "a", "b")), StandardCharsets.UTF_8));
        assertEquals("{\"inputs\":[\"a\"]}", new String(TeiWire.request(call(Map.of(), "a")), StandardCharsets.UTF_8));
    }

    @Test
    void decodesABareArrayWithEstimatedUsage() {
        EmbeddingResult r = TeiWire.response(utf8("[[0.6,0.8],[1.0,0.0]]"), call(Map.of(), "abcd", "abcdefgh"), "tei");
        assertArrayEquals(new float[]{0.6f, 0.8f}, ((Embedding.Floats) r.embeddings().get(0)).values());
        assertEquals(3, r.usage().promptTokens());
        assertTrue(r.usage().estimated());
        for (String body : List.of("[[0.6,0.8]]", "[[0.6,0.8],[1.0]]", "{\"embeddings\":[]}", "[1,2]", "[[0.6,")) {
            assertEquals(UpstreamException.Kind.INVALID_RESPONSE,
                    assertThrows(UpstreamException.class, () -> TeiWire.response(utf8(body), call(Map.of(), "a", "b"), "tei"), body)
                            .kind());
        }
    }

    @Test
    void errorTypesMapToKinds() {
        record Case(int status, String type, UpstreamException.Kind kind) {
        }
        for (Case c : List.of(new Case(422, "Validation", UpstreamException.Kind.BAD_REQUEST),
                new Case(422, "Tokenizer", UpstreamException.Kind.BAD_REQUEST), new Case(400, "Empty", UpstreamException.Kind.BAD_REQUEST),
                new Case(429, "Overloaded", UpstreamException.Kind.RATE_LIMITED),
                new Case(424, "Backend", UpstreamException.Kind.SERVER_ERROR),
                new Case(503, "Unhealthy", UpstreamException.Kind.SERVER_ERROR))) {
            UpstreamException e = TeiWire.error(c.status(), utf8("{\"error\":\"it failed\",\"error_type\":\"" + c.type() + "\"}"), null,
                    "tei",
                    "");
            assertEquals(c.kind(), e.kind(), c.type());
            assertEquals(c.type(), e.errorType().orElseThrow());
            assertEquals("it failed", e.getMessage());
        }
        assertTrue(TeiWire.error(424, utf8("{\"error\":\"cuda oom\",\"error_type\":\"Backend\"}"), null, "tei", "").retryable());
        UpstreamException batch = TeiWire.error(422,
                utf8("{\"error\":\"batch size 33 > maximum allowed batch size 32\",\"error_type\":\"Validation\"}"), null, "tei", "");
        assertTrue(batch.getMessage().contains("batch size 33"));
        assertEquals(UpstreamException.Kind.AUTHENTICATION, TeiWire.error(401, utf8(""), null, "tei", "tei-secret-key-0000").kind());
        UpstreamException axum = TeiWire.error(422, utf8("Failed to deserialize the JSON body into the target type: truncation_direction: "
                + "unknown variant `left`, expected `Left` or `Right`"), null, "tei", "");
        assertEquals(UpstreamException.Kind.BAD_REQUEST, axum.kind());
        assertTrue(axum.getMessage().contains("unknown variant `left`"));
        assertEquals("HTTP 502 without a readable error body",
                TeiWire.error(502, utf8("<html>bad gateway</html>"), null, "tei", "").getMessage());
        UpstreamException echoed = TeiWire.error(422, utf8("{\"error\":\"bad tei-secret-key-0000\",\"error_type\":\"Validation\"}"), null,
                "tei", "tei-secret-key-0000");
        assertFalse(echoed.getMessage().contains("tei-secret-key-0000"));
    }

    @Test
    void batchCapIsAnInstanceSetting() {
        TeiAdapter a = new TeiAdapter();
        assertEquals(32, a.knownModel(instance(Map.of()), "BAAI/bge-base-en-v1.5").orElseThrow().maxInputsPerCall());
        assertEquals(128, a.knownModel(instance(Map.of("max-client-batch-size", "128")), "baai/bge-base-en-v1.5").orElseThrow()
                .maxInputsPerCall());
        assertEquals(768, a.knownModel(instance(Map.of()), "nomic-ai/nomic-embed-text-v1.5").orElseThrow().nativeDimensions());
        assertTrue(a.knownModel(instance(Map.of()), "someone/custom-model").isEmpty());
        assertEquals(List.of(), a.validate(instance(Map.of())));
        assertEquals(List.of("settings.max-client-batch-size must be a positive number"),
                a.validate(instance(Map.of("max-client-batch-size", "lots"))));
        assertEquals(32, a.knownModel(instance(Map.of("max-client-batch-size", "lots")), "BAAI/bge-base-en-v1.5").orElseThrow()
                .maxInputsPerCall());
    }
}
