package io.embedgate.provider.openai;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
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
import io.embedgate.spi.Float32;
import io.embedgate.spi.OutputDtype;
import io.embedgate.spi.UpstreamException;

class OpenAiWireTest {

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void requestAsksForBase64AndCarriesEveryField() {
        EmbeddingCall call = new EmbeddingCall("text-embedding-3-small", new EmbeddingInputs.Texts(List.of("a\"b", "c")),
                OptionalInt.of(256), OutputDtype.FLOAT, Map.of(), Optional.of("u-1"), Deadline.after(Duration.ofSeconds(1)));
        String json = new String(OpenAiWire.request(call), StandardCharsets.UTF_8);
        assertEquals(
                "{\"model\":\"text-embedding-3-small\",\"input\":[\"a\\\"b\",\"c\"],\"encoding_format\":\"base64\",\"dimensions\":256,\"user\":\"u-1\"}",
                json);
        EmbeddingCall tokens = new EmbeddingCall("m", new EmbeddingInputs.TokenIds(List.of(new int[]{1, 2}, new int[]{3})),
                OptionalInt.empty(), null, null, null, Deadline.after(Duration.ofSeconds(1)));
        assertEquals("{\"model\":\"m\",\"input\":[[1,2],[3]],\"encoding_format\":\"base64\"}",
                new String(OpenAiWire.request(tokens), StandardCharsets.UTF_8));
    }

    @Test
    void decodesBase64AndFloatsByIndex() {
        float[] a = {0.25f, -0.5f};
        float[] b = {1e-7f, 3.5f};
        String body = "{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":1,\"embedding\":\""
                + Base64.getEncoder().encodeToString(Float32.toLittleEndian(b))
                + "\"},{\"object\":\"embedding\",\"index\":0,\"embedding\":[0.25,-0.5]}],"
                + "\"model\":\"text-embedding-3-small\",\"usage\":{\"prompt_tokens\":5,\"total_tokens\":5}}";
        EmbeddingResult r = OpenAiWire.response(utf8(body), 2, OptionalInt.empty(), "openai", "x");
        assertArrayEquals(a, ((Embedding.Floats) r.embeddings().get(0)).values());
        assertArrayEquals(b, ((Embedding.Floats) r.embeddings().get(1)).values());
        assertEquals(5, r.usage().promptTokens());
        assertEquals("text-embedding-3-small", r.upstreamModel());
    }

    @Test
    void rejectsWrongCountsSizesAndGarbage() {
        String one = "{\"data\":[{\"index\":0,\"embedding\":[1,2]}]}";
        UpstreamException e = assertThrows(UpstreamException.class,
                () -> OpenAiWire.response(utf8(one), 2, OptionalInt.empty(), "openai", "m"));
        assertEquals(UpstreamException.Kind.INVALID_RESPONSE, e.kind());
        assertTrue(e.getMessage().contains("no vector for input 1"));
        assertThrows(UpstreamException.class, () -> OpenAiWire.response(utf8(one), 1, OptionalInt.of(3), "openai", "m"));
        assertThrows(UpstreamException.class,
                () -> OpenAiWire.response(utf8("{\"data\":[{\"embedding\":[1,"), 1, OptionalInt.empty(), "openai", "m"));
        assertThrows(UpstreamException.class, () -> OpenAiWire.response(utf8("<html>"), 1, OptionalInt.empty(), "openai", "m"));
        assertThrows(UpstreamException.class,
                () -> OpenAiWire.response(utf8("{\"data\":[{\"index\":0,\"embedding\":[1]},{\"index\":0,\"embedding\":[1]}]}"), 2,
                        OptionalInt.empty(), "openai", "m"));
    }

    @Test
    void base64VectorsKeepTheProviderTextAndDecodeOnDemand() {
        float[] v = {0.5f, -1.25f, 3e-6f};
        String b64 = Base64.getEncoder().encodeToString(Float32.toLittleEndian(v));
        byte[] body = utf8("{\"data\":[{\"index\":0,\"embedding\":\"" + b64 + "\"}]}");
        Embedding.Floats f = (Embedding.Floats) OpenAiWire.response(body, 1, OptionalInt.of(3), "openai", "m").embeddings().get(0);
        assertTrue(f.hasBase64());
        assertEquals(3, f.length());
        assertEquals(b64, new String(f.base64Text(), f.base64Offset(), f.base64Length(), StandardCharsets.US_ASCII));
        assertArrayEquals(v, f.values());
        // not float32-sized, bad characters, padding in the middle
        for (String bad : new String[]{"AAAAAAA=", "AAA*AAAA", "AA==AAAA"}) {
            byte[] b = utf8("{\"data\":[{\"index\":0,\"embedding\":\"" + bad + "\"}]}");
            assertThrows(UpstreamException.class, () -> OpenAiWire.response(b, 1, OptionalInt.empty(), "openai", "m"), bad);
        }
    }

    /** Any valid JSON layout: indentation, unknown members of every kind, escaped names, members in any order. */
    @Test
    void readsAnyLayoutOfTheAnswer() {
        float[] a = {0.25f, -0.5f, 1f};
        float[] b = {2f, 3f, -4f};
        String b64 = Base64.getEncoder().encodeToString(Float32.toLittleEndian(b));
        String body = "{\n  \"usage\" : { \"prompt_tokens\" : 7 , \"total_tokens\": 9, \"details\": {\"x\": [1, 2.5e3, null]} },\n"
                + "  \"note\": \"a \\\"quoted\\\" \\u00e9 text\", \"flags\": [true, false, null, {}, []],\n"
                + "  \"d\\u0061ta\" : [\n    { \"embedding\" : [ 0.25 , -0.5 , 1 ] , \"index\" : 0, \"object\": \"embedding\" },\n"
                + "    {\"object\":\"embedding\",\"embedding\":\"" + b64 + "\",\"index\":1, \"extra\": {\"deep\": [[[\"x\"]]]}}\n  ],\n"
                + "  \"model\" : \"text-embedding-3-small\"\n}\n";
        EmbeddingResult r = OpenAiWire.response(utf8(body), 2, OptionalInt.of(3), "openai", "x");
        assertArrayEquals(a, ((Embedding.Floats) r.embeddings().get(0)).values());
        assertArrayEquals(b, ((Embedding.Floats) r.embeddings().get(1)).values());
        assertEquals(7, r.usage().promptTokens());
        assertEquals(9, r.usage().totalTokens());
        assertEquals("text-embedding-3-small", r.upstreamModel());
    }

    @Test
    void malformedAnswersAreInvalidResponsesNamingTheProvider() {
        String v = Base64.getEncoder().encodeToString(Float32.toLittleEndian(new float[]{1f}));
        String[] bad = {"{\"data\":[{\"index\":0,\"embedding\":\"" + v + "\"},]}", // trailing comma
                "{\"data\":[{\"index\":0,\"embedding\":\"" + v + "\"}]", // unclosed
                "{\"data\":[{\"index\":0,\"embedding\":\"" + v + "\" \"x\":1}]}", // missing comma
                "{\"data\":[\"" + v + "\"]}", // not an object
                "{\"data\":[{\"index\":0,\"embedding\":\"" + v + "\\n\"}]}", // escape inside base64
                "{\"data\":[{\"index\":0,\"embedding\":true}]}",
                "{\"data\":[{\"index\":4294967296,\"embedding\":\"" + v + "\"}]}",
                "{\"data\":[{\"index\":0,\"embedding\":\"" + v + "\"}],\"usage\":{\"prompt_tokens\":01}}",
                "[]", ""};
        for (String body : bad) {
            UpstreamException e = assertThrows(UpstreamException.class,
                    () -> OpenAiWire.response(utf8(body), 1, OptionalInt.empty(), "openai", "m"), body);
            assertEquals(UpstreamException.Kind.INVALID_RESPONSE, e.kind(), body);
            assertEquals("openai", e.provider(), body);
        }
    }

    @Test
    void mapsErrorShapesAndRedactsTheKey() {
        String key = "sk-secret-abcdefghijklmnop";
        UpstreamException e = OpenAiWire.error(401, utf8("{\"error\":{\"message\":\"Incorrect API key provided: " + key
                + ".\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"invalid_api_key\"}}"), null, null, "openai", key);
        assertEquals(UpstreamException.Kind.AUTHENTICATION, e.kind());
        assertEquals("invalid_api_key", e.errorCode().orElseThrow());
        assertFalse(e.getMessage().contains(key));
        assertFalse(e.retryable());

        UpstreamException azure = OpenAiWire.error(429,
                utf8("{\"error\":{\"code\":\"429\",\"message\":\"Requests ... Please retry after 55 seconds.\"}}"),
                Duration.ofSeconds(55), null, "azure", key);
        assertEquals(UpstreamException.Kind.RATE_LIMITED, azure.kind());
        assertEquals(Duration.ofSeconds(55), azure.retryAfter().orElseThrow());

        assertEquals("Unauthorized", OpenAiWire.error(401, utf8("{\"detail\":\"Unauthorized\"}"), null, null, "p", key).getMessage());
        assertEquals("boom", OpenAiWire.error(500, utf8("{\"error\":\"boom\"}"), null, null, "p", key).getMessage());
        UpstreamException html = OpenAiWire.error(502, utf8("<html>bad gateway</html>"), null, null, "p", key);
        assertEquals(UpstreamException.Kind.SERVER_ERROR, html.kind());
        assertTrue(html.retryable());
        assertFalse(OpenAiWire.error(500, utf8("{}"), null, false, "p", key).retryable());
    }

    static OpenAiPreset preset(String name) {
        return OpenAiPresetsTest.PRESETS.resolve(OpenAiPresetsTest.instance(name, null, "k", Map.of()));
    }

    @Test
    void presetRequestsSendOnlyWhatTheHostTakes() {
        Map<String, Object> options = Map.of("input_type", "passage", "truncate", "END");
        EmbeddingCall call = new EmbeddingCall("nvidia/nv-embedqa-e5-v5", new EmbeddingInputs.Texts(List.of("a")), OptionalInt.empty(),
                OutputDtype.FLOAT, options, Optional.of("u-1"), Deadline.after(Duration.ofSeconds(1)));
        assertEquals("{\"model\":\"nvidia/nv-embedqa-e5-v5\",\"input\":[\"a\"],\"encoding_format\":\"base64\",\"user\":\"u-1\","
                + "\"input_type\":\"passage\",\"truncate\":\"END\"}",
                new String(OpenAiWire.request(call, preset("nvidia-nim")),
                        StandardCharsets.UTF_8));
        // OpenRouter takes input_type but not truncate; Together neither, nor base64 nor user; Ollama no user.
        assertEquals("{\"model\":\"nvidia/nv-embedqa-e5-v5\",\"input\":[\"a\"],\"encoding_format\":\"base64\",\"user\":\"u-1\","
                + "\"input_type\":\"passage\"}", new String(OpenAiWire.request(call, preset("openrouter")), StandardCharsets.UTF_8));
        assertEquals("{\"model\":\"nvidia/nv-embedqa-e5-v5\",\"input\":[\"a\"]}",
                new String(OpenAiWire.request(call, preset("together")), StandardCharsets.UTF_8));
        assertEquals("{\"model\":\"nvidia/nv-embedqa-e5-v5\",\"input\":[\"a\"],\"encoding_format\":\"base64\"}",
                new String(OpenAiWire.request(call, preset("ollama-openai")), StandardCharsets.UTF_8));
        assertEquals("{\"model\":\"nvidia/nv-embedqa-e5-v5\",\"input\":[\"a\"],\"encoding_format\":\"base64\",\"user\":\"u-1\"}",
                new String(OpenAiWire.request(call), StandardCharsets.UTF_8), "plain OpenAI takes neither");
        assertEquals(OpenAiWire.NUMBER_REPLY, OpenAiWire.wire(preset("together")).replySize().apply(OutputDtype.FLOAT));
        assertEquals(OpenAiWire.REPLY, OpenAiWire.wire(preset("vllm")).replySize().apply(OutputDtype.FLOAT));
    }

    @Test
    void mapsTheErrorShapesOfCompatibleHosts() {
        String key = "nvapi-secret-abcdefghijklmnop";
        UpstreamException gemini = OpenAiWire.error(400, utf8("[{\"error\":{\"code\":400,\"message\":\"API key not valid: " + key
                + "\",\"status\":\"INVALID_ARGUMENT\"}}]"), null, null, "gemini-openai", key);
        assertEquals(UpstreamException.Kind.BAD_REQUEST, gemini.kind());
        assertEquals("API key not valid: [REDACTED]", gemini.getMessage());
        assertEquals("400", gemini.errorCode().orElseThrow());

        UpstreamException oldVllm = OpenAiWire.error(400, utf8("{\"object\":\"error\",\"message\":\"Model does not support matryoshka "
                + "representation\",\"type\":\"BadRequestError\",\"param\":null,\"code\":400}"), null, null, "vllm", "");
        assertEquals("BadRequestError", oldVllm.errorType().orElseThrow());
        assertTrue(oldVllm.getMessage().contains("matryoshka"));
        UpstreamException newVllm = OpenAiWire.error(400, utf8("{\"error\":{\"message\":\"Model does not support matryoshka "
                + "representation\",\"type\":\"BadRequestError\",\"param\":null,\"code\":400}}"), null, null, "vllm", "");
        assertEquals(oldVllm.getMessage(), newVllm.getMessage());
        assertEquals("BadRequestError", newVllm.errorType().orElseThrow());

        UpstreamException nim = OpenAiWire.error(400, utf8("{\"detail\":\"'input_type' parameter is required for asymmetric models\"}"),
                null, null, "nvidia-nim", key);
        assertEquals(UpstreamException.Kind.BAD_REQUEST, nim.kind());
        assertEquals("'input_type' parameter is required for asymmetric models", nim.getMessage());
        UpstreamException nim422 = OpenAiWire.error(422, utf8("{\"detail\":[{\"loc\":[\"body\",\"truncate\"],\"msg\":\"bad value\"}]}"),
                null, null, "nvidia-nim", key);
        assertEquals("bad value", nim422.getMessage());

        UpstreamException credits = OpenAiWire.error(402, utf8("{\"error\":{\"code\":402,\"message\":\"Insufficient credits\","
                + "\"metadata\":{\"x\":1}}}"), null, null, "openrouter", key);
        assertEquals(UpstreamException.Kind.BAD_REQUEST, credits.kind());
        assertEquals("Insufficient credits", credits.getMessage());
    }

    @Test
    void missingOrZeroUsageIsEstimated() {
        byte[] body = utf8("{\"data\":[{\"index\":0,\"embedding\":[1,2]},{\"index\":1,\"embedding\":[3,4]}],\"model\":\"m\"}");
        EmbeddingCall call = new EmbeddingCall("m", new EmbeddingInputs.Texts(List.of("abcdefgh", "abcd")), OptionalInt.empty(),
                OutputDtype.FLOAT, Map.of(), Optional.empty(), Deadline.after(Duration.ofSeconds(1)));
        EmbeddingResult r = OpenAiWire.wire(preset("gemini-openai")).response().decode(body, call, "gemini-openai");
        assertEquals(3, r.usage().promptTokens()); // 8 bytes -> 2 tokens, 4 bytes -> 1
        assertTrue(r.usage().estimated());
        byte[] reported = utf8("{\"data\":[{\"index\":0,\"embedding\":[1,2]},{\"index\":1,\"embedding\":[3,4]}],"
                + "\"usage\":{\"prompt_tokens\":9,\"total_tokens\":9}}");
        EmbeddingResult real = OpenAiWire.wire(preset("gemini-openai")).response().decode(reported, call, "gemini-openai");
        assertEquals(9, real.usage().promptTokens());
        assertFalse(real.usage().estimated());
    }
}
