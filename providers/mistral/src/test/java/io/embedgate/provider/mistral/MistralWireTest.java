package io.embedgate.provider.mistral;

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
import io.embedgate.spi.OutputDtype;
import io.embedgate.spi.UpstreamException;

class MistralWireTest {

    static EmbeddingCall call(int n, OutputDtype dtype, Integer dims) {
        List<String> texts = n == 1 ? List.of("a") : List.of("a", "b");
        return new EmbeddingCall("codestral-embed", new EmbeddingInputs.Texts(texts),
                dims == null ? OptionalInt.empty() : OptionalInt.of(dims),
                dtype, Map.of(), Optional.empty(), Deadline.after(Duration.ofSeconds(5)));
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void requestCarriesDimensionAndDtype() {
        assertEquals("{\"model\":\"codestral-embed\",\"input\":[\"a\",\"b\"],\"output_dimension\":256,\"output_dtype\":\"ubinary\"}",
                new String(MistralWire.request(call(2, OutputDtype.UBINARY, 256)), StandardCharsets.UTF_8));
        assertEquals("{\"model\":\"codestral-embed\",\"input\":[\"a\"]}",
                new String(MistralWire.request(call(1, OutputDtype.FLOAT, null)), StandardCharsets.UTF_8));
    }

    @Test
    void decodesFloatsAndIntegerTypesWithUsage() {
        EmbeddingResult f = MistralWire.response(utf8(
                "{\"data\":[{\"embedding\":[0.5,-0.25],\"index\":0}],\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":0,\"total_tokens\":7},\"model\":\"codestral-embed\"}"),
                call(1, OutputDtype.FLOAT, null), "mistral");
        assertArrayEquals(new float[]{0.5f, -0.25f}, ((Embedding.Floats) f.embeddings().get(0)).values());
        assertEquals(7, f.usage().promptTokens());
        assertFalse(f.usage().estimated());
        EmbeddingResult u = MistralWire.response(utf8("{\"data\":[{\"embedding\":[255,0,17],\"index\":0}]}"),
                call(1, OutputDtype.UINT8, null), "mistral");
        Embedding.Bytes b = (Embedding.Bytes) u.embeddings().get(0);
        assertEquals(255, b.values()[0] & 0xff);
        assertEquals(OutputDtype.UINT8, b.dtype());
        EmbeddingResult s = MistralWire.response(utf8("{\"data\":[{\"embedding\":[17,-64],\"index\":0}]}"),
                call(1, OutputDtype.BINARY, null), "mistral");
        assertArrayEquals(new byte[]{17, -64}, ((Embedding.Bytes) s.embeddings().get(0)).values());
        assertThrows(UpstreamException.class, () -> MistralWire.response(utf8("{\"data\":[{\"embedding\":[300],\"index\":0}]}"),
                call(1, OutputDtype.INT8, null), "mistral"));
        assertThrows(UpstreamException.class, () -> MistralWire.response(utf8("{\"data\":[{\"embedding\":[1.5],\"index\":0}]}"),
                call(1, OutputDtype.INT8, null), "mistral"));
        assertThrows(UpstreamException.class, () -> MistralWire.response(utf8("{\"data\":[{\"embedding\":[1],\"index\":0}]}"),
                call(2, OutputDtype.FLOAT, null), "mistral"));
    }

    @Test
    void answersCarryMistralsPerMinuteHeaders() {
        java.util.Map<String, String> h = java.util.Map.of("x-ratelimit-limit-req-minute", "300", "x-ratelimit-remaining-req-minute", "0",
                "x-ratelimit-limit-tokens-minute", "20000000", "x-ratelimit-remaining-tokens-minute", "19999993",
                "x-ratelimit-tokens-query-cost", "7");
        EmbeddingResult r = MistralWire.WIRE.response().decode(utf8(
                "{\"data\":[{\"embedding\":[0.5,-0.25],\"index\":0}],\"usage\":{\"prompt_tokens\":7,\"total_tokens\":7},\"model\":\"m\"}"),
                h::get, call(1, OutputDtype.FLOAT, null), "mistral");
        assertEquals(java.util.OptionalLong.of(0), r.quota().requests().remaining());
        assertEquals(java.util.OptionalLong.of(300), r.quota().requests().limit());
        assertEquals(java.util.OptionalLong.of(19_999_993), r.quota().tokens().remaining());
        assertTrue(r.quota().requests().reset().isEmpty());
    }

    @Test
    void mapsBothErrorShapes() {
        UpstreamException a = MistralWire.error(400, utf8(
                "{\"object\":\"error\",\"message\":\"Too many tokens overall, split into more batches.\",\"type\":\"invalid_request_prompt\",\"param\":null,\"code\":\"3210\"}"),
                null, "mistral", "k");
        assertEquals(UpstreamException.Kind.BAD_REQUEST, a.kind());
        assertEquals("3210", a.errorCode().orElseThrow());
        assertEquals(UpstreamException.Kind.AUTHENTICATION,
                MistralWire.error(401, utf8("{\"message\":\"Unauthorized\",\"request_id\":\"c61f\"}"), null, "mistral", "k").kind());
        assertEquals("Unauthorized", MistralWire.error(401, utf8("{\"detail\":\"Unauthorized\"}"), null, "mistral", "k").getMessage());
        UpstreamException rl = MistralWire.error(429, utf8(
                "{\"object\":\"error\",\"message\":\"Rate limit exceeded\",\"type\":\"rate_limited\",\"param\":null,\"code\":\"1300\",\"raw_status_code\":429}"),
                Duration.ofSeconds(1), "mistral", "k");
        assertEquals(UpstreamException.Kind.RATE_LIMITED, rl.kind());
        assertEquals(Duration.ofSeconds(1), rl.retryAfter().orElseThrow());
        assertEquals("Input should be a valid string", MistralWire.error(422,
                utf8("{\"detail\":[{\"type\":\"string_type\",\"loc\":[\"body\",\"input\"],\"msg\":\"Input should be a valid string\"}]}"),
                null, "mistral", "k").getMessage());
        assertTrue(MistralWire.error(503, utf8("oops"), null, "mistral", "k").retryable());
    }

    @Test
    void validatesOptions() {
        MistralAdapter a = new MistralAdapter();
        assertTrue(a.validateOptions(Map.of("output_dimension", 512, "output_dtype", "int8")).isEmpty());
        assertTrue(a.validateOptions(Map.of("output_dtype", "int4")).get(0).message().contains("float, int8, uint8, binary, ubinary"));
        assertEquals("output_dimension", a.validateOptions(Map.of("output_dimension", 0)).get(0).field());
    }
}
