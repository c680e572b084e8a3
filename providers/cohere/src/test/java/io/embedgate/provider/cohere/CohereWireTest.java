package io.embedgate.provider.cohere;

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
import io.embedgate.spi.InstanceSettings;
import io.embedgate.spi.OutputDtype;
import io.embedgate.spi.UpstreamException;

class CohereWireTest {

    static EmbeddingCall call(int n, OutputDtype dtype, Integer dims, Map<String, Object> options) {
        List<String> texts = n == 1 ? List.of("a") : List.of("a", "b");
        return new EmbeddingCall("embed-v4.0", new EmbeddingInputs.Texts(texts), dims == null ? OptionalInt.empty() : OptionalInt.of(dims),
                dtype, options, Optional.empty(), Deadline.after(Duration.ofSeconds(5)));
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String json(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void requestCarriesInputTypeTypesSizeAndOptions() {
        assertEquals("{\"model\":\"embed-v4.0\",\"texts\":[\"a\",\"b\"],\"input_type\":\"search_query\",\"embedding_types\":[\"ubinary\"],"
                + "\"output_dimension\":256,\"truncate\":\"NONE\",\"max_tokens\":100}",
                json(CohereWire.request(call(2, OutputDtype.UBINARY, 256, Map.of("input_type", "search_query", "truncate", "NONE",
                        "max_tokens", 100)))));
        // Cohere requires an input type: a document when nobody said.
        assertEquals("{\"model\":\"embed-v4.0\",\"texts\":[\"a\"],\"input_type\":\"search_document\",\"embedding_types\":[\"float\"]}",
                json(CohereWire.request(call(1, OutputDtype.FLOAT, null, Map.of()))));
    }

    @Test
    void decodesTheRequestedTypeWithBilledUnits() {
        EmbeddingResult f = CohereWire.response(utf8("{\"id\":\"x\",\"embeddings\":{\"float\":[[0.5,-0.25],[1,2]]},\"texts\":[\"a\",\"b\"],"
                + "\"meta\":{\"api_version\":{\"version\":\"2\"},\"billed_units\":{\"input_tokens\":7}},\"response_type\":\"embeddings_by_type\"}"),
                call(2, OutputDtype.FLOAT, null, Map.of()), "cohere");
        assertArrayEquals(new float[]{0.5f, -0.25f}, ((Embedding.Floats) f.embeddings().get(0)).values());
        assertArrayEquals(new float[]{1f, 2f}, ((Embedding.Floats) f.embeddings().get(1)).values());
        assertEquals(7, f.usage().promptTokens());
        assertEquals(7, f.usage().totalTokens());
        assertFalse(f.usage().estimated());

        Embedding.Bytes u = (Embedding.Bytes) CohereWire.response(utf8("{\"embeddings\":{\"float\":[[9]],\"uint8\":[[255,0,17]]},"
                + "\"meta\":{\"billed_units\":{\"input_tokens\":1}}}"), call(1, OutputDtype.UINT8, null, Map.of()), "cohere").embeddings()
                .get(0);
        assertEquals(OutputDtype.UINT8, u.dtype());
        assertArrayEquals(new byte[]{(byte) 255, 0, 17}, u.values());
        Embedding.Bytes b = (Embedding.Bytes) CohereWire.response(utf8("{\"embeddings\":{\"binary\":[[17,-64]]}}"),
                call(1, OutputDtype.BINARY, null, Map.of()), "cohere").embeddings().get(0);
        assertArrayEquals(new byte[]{17, -64}, b.values());
        // The v1 float shape is read too; without billed units, usage is an estimate.
        EmbeddingResult v1 = CohereWire.response(utf8("{\"embeddings\":[[0.1,0.2]],\"response_type\":\"embeddings_floats\"}"),
                call(1, OutputDtype.FLOAT, null, Map.of()), "cohere");
        assertTrue(v1.usage().estimated());
        assertEquals(1, v1.usage().promptTokens());
    }

    @Test
    void rejectsAnswersThatAreNotWhatWasAsked() {
        EmbeddingCall two = call(2, OutputDtype.FLOAT, null, Map.of());
        for (String body : new String[]{
                "{\"embeddings\":{\"float\":[[1,2]]}}", // one vector for two inputs
                "{\"embeddings\":{\"int8\":[[1,2],[3,4]]}}", // not the type asked for
                "{\"embeddings\":{\"float\":[[1,2],[3]]}}", // sizes differ
                "{\"embeddings\":{\"float\":[[1,2],[]]}}", // empty vector
                "{\"embeddings\":{\"float\":[[1,2],[3,\"x\"]]}}", // not a number
                "[1]", "<html>"}) {
            UpstreamException e = assertThrows(UpstreamException.class, () -> CohereWire.response(utf8(body), two, "cohere"), body);
            assertEquals(UpstreamException.Kind.INVALID_RESPONSE, e.kind());
        }
        assertThrows(UpstreamException.class, () -> CohereWire.response(utf8("{\"embeddings\":{\"int8\":[[128]]}}"),
                call(1, OutputDtype.INT8, null, Map.of()), "cohere"));
        assertThrows(UpstreamException.class, () -> CohereWire.response(utf8("{\"embeddings\":{\"uint8\":[[-1]]}}"),
                call(1, OutputDtype.UINT8, null, Map.of()), "cohere"));
        // The requested size, when known: 256 dimensions are 32 packed bytes.
        EmbeddingCall sized = call(1, OutputDtype.UBINARY, 256, Map.of()).sized(256);
        assertThrows(UpstreamException.class, () -> CohereWire.response(utf8("{\"embeddings\":{\"ubinary\":[[1,2,3]]}}"), sized, "cohere"));
    }

    @Test
    void mapsEveryErrorStatus() {
        record Case(int status, UpstreamException.Kind kind, boolean retryable) {
        }
        for (Case c : List.of(new Case(400, UpstreamException.Kind.BAD_REQUEST, false),
                new Case(401, UpstreamException.Kind.AUTHENTICATION, false),
                new Case(403, UpstreamException.Kind.PERMISSION, false),
                new Case(404, UpstreamException.Kind.NOT_FOUND, false),
                new Case(422, UpstreamException.Kind.BAD_REQUEST, false),
                new Case(429, UpstreamException.Kind.RATE_LIMITED, true),
                new Case(498, UpstreamException.Kind.AUTHENTICATION, false),
                new Case(499, UpstreamException.Kind.SERVER_ERROR, true),
                new Case(500, UpstreamException.Kind.SERVER_ERROR, true),
                new Case(501, UpstreamException.Kind.SERVER_ERROR, false),
                new Case(503, UpstreamException.Kind.SERVER_ERROR, true),
                new Case(504, UpstreamException.Kind.SERVER_ERROR, true))) {
            UpstreamException e = CohereWire.error(c.status(), utf8("{\"id\":\"abc\",\"message\":\"m" + c.status() + "\"}"), null, "cohere",
                    "k");
            assertEquals(c.kind(), e.kind(), "HTTP " + c.status());
            assertEquals(c.retryable(), e.retryable(), "HTTP " + c.status());
            assertEquals("m" + c.status(), e.getMessage());
            assertEquals(c.status(), e.httpStatus());
        }
        UpstreamException rl = CohereWire.error(429,
                utf8("{\"message\":\"trial token rate limit exceeded, limit is 100000 tokens per minute\"}"), Duration.ofSeconds(3),
                "cohere", "k");
        assertEquals(Duration.ofSeconds(3), rl.retryAfter().orElseThrow());
        assertEquals(UpstreamException.Kind.QUOTA_EXHAUSTED, CohereWire.error(429,
                utf8("{\"message\":\"You are using a Trial key, which is limited to 1000 API calls / month.\"}"), null, "cohere", "k")
                .kind());
        String key = "co-secret-key-0123456789";
        UpstreamException echoed = CohereWire.error(401, utf8("{\"message\":\"invalid api token " + key + "\"}"), null, "cohere", key);
        assertFalse(echoed.getMessage().contains(key));
        assertEquals("HTTP 502 without a readable error body", CohereWire.error(502, utf8("<html>"), null, "cohere", "k").getMessage());
    }

    @Test
    void optionsAndInputTypes() {
        CohereAdapter a = new CohereAdapter();
        assertTrue(a.validateOptions(Map.of("input_type", "clustering", "embedding_types", List.of("int8"), "output_dimension", 512,
                "truncate", "START", "max_tokens", 10)).isEmpty());
        assertEquals("output_dimension", a.validateOptions(Map.of("output_dimension", 700)).get(0).field());
        assertTrue(a.validateOptions(Map.of("embedding_types", List.of("int4"))).get(0).message().contains("float, int8"));
        assertEquals("input_type", a.validateOptions(Map.of("input_type", "image")).get(0).field());
        assertEquals("truncate", a.validateOptions(Map.of("truncate", "LEFT")).get(0).field());
        assertEquals(Optional.of("embedding_types"), a.dtypeOption());
        assertEquals(Optional.of("output_dimension"), a.dimensionsOption());
        assertEquals(Optional.of("input_type"), a.inputTypeOption());
        Map<InputType, String> expected = Map.of(InputType.QUERY, "search_query", InputType.DOCUMENT, "search_document",
                InputType.CLASSIFICATION, "classification", InputType.CLUSTERING, "clustering", InputType.SIMILARITY, "clustering",
                InputType.CODE_QUERY, "search_query", InputType.CODE_DOCUMENT, "search_document");
        expected.forEach((t, v) -> assertEquals(Optional.of(v), a.inputTypeValue(t, "embed-v4.0"), t.wireName()));
        InstanceSettings classify = new InstanceSettings("cohere", "cohere", Optional.of(java.net.URI.create("https://api.cohere.com")),
                Optional.of("k"), Map.of(), null, 1, Optional.empty(), Map.of("similarity-input-type", "classification"));
        assertEquals(Optional.of("classification"), a.inputTypeValue(classify, InputType.SIMILARITY, "embed-v4.0"));
        assertTrue(a.validate(classify).isEmpty());
        InstanceSettings bad = new InstanceSettings("cohere", "cohere", Optional.of(java.net.URI.create("https://api.cohere.com")),
                Optional.of("k"), Map.of(), null, 1, Optional.empty(), Map.of("similarity-input-type", "similar"));
        assertTrue(a.validate(bad).get(0).contains("similarity-input-type"));
    }

    @Test
    void knowsItsModels() {
        CohereAdapter a = new CohereAdapter();
        var v4 = a.knownModel("embed-v4.0").orElseThrow();
        assertEquals(1536, v4.nativeDimensions());
        assertEquals(256, v4.minDimensions());
        assertEquals(96, v4.maxInputsPerCall());
        assertTrue(v4.dtypes().containsAll(List.of(OutputDtype.values())));
        assertEquals(1024, a.knownModel("embed-multilingual-v3.0").orElseThrow().nativeDimensions());
        assertFalse(a.knownModel("embed-english-v3.0").orElseThrow().reducible());
        assertEquals(384, a.knownModel("embed-english-light-v3.0").orElseThrow().nativeDimensions());
        assertEquals(512, a.knownModel("embed-english-light-v3.0").orElseThrow().maxTokensPerInput());
    }
}
