package io.embedgate.provider.voyage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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
import io.embedgate.spi.InputType;
import io.embedgate.spi.InstanceSettings;
import io.embedgate.spi.OutputDtype;
import io.embedgate.spi.UpstreamException;

class VoyageWireTest {

    static EmbeddingCall call(int n, OutputDtype dtype, Integer dims, Map<String, Object> options) {
        List<String> texts = n == 1 ? List.of("a") : List.of("a", "b");
        return new EmbeddingCall("voyage-3.5", new EmbeddingInputs.Texts(texts), dims == null ? OptionalInt.empty() : OptionalInt.of(dims),
                dtype, options, Optional.empty(), Deadline.after(Duration.ofSeconds(5)));
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    @Test
    void requestAsksForBase64WithOptionsOnlyWhenGiven() {
        assertEquals("{\"input\":[\"a\",\"b\"],\"model\":\"voyage-3.5\",\"input_type\":\"query\",\"truncation\":false,"
                + "\"output_dimension\":256,\"output_dtype\":\"binary\",\"encoding_format\":\"base64\"}",
                new String(VoyageWire.request(call(2, OutputDtype.BINARY, 256, Map.of("input_type", "query", "truncation", false))),
                        StandardCharsets.UTF_8));
        // No input type: Voyage's null (no prompt), by leaving the field out.
        assertEquals("{\"input\":[\"a\"],\"model\":\"voyage-3.5\",\"encoding_format\":\"base64\"}",
                new String(VoyageWire.request(call(1, OutputDtype.FLOAT, null, Map.of())), StandardCharsets.UTF_8));
    }

    @Test
    void decodesBase64FloatsAndBytesWithTotalTokens() {
        ByteBuffer f = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(0.5f).putFloat(-1f);
        EmbeddingResult r = VoyageWire.response(utf8("{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"embedding\":\""
                + b64(f.array()) + "\",\"index\":0}],\"model\":\"voyage-3.5\",\"usage\":{\"total_tokens\":8}}"),
                call(1, OutputDtype.FLOAT, null, Map.of()), "voyage");
        Embedding.Floats floats = (Embedding.Floats) r.embeddings().get(0);
        assertTrue(floats.hasBase64(), "the provider's base64 is kept for base64 clients");
        assertArrayEquals(new float[]{0.5f, -1f}, floats.values());
        assertEquals(8, r.usage().promptTokens());
        assertEquals(8, r.usage().totalTokens());
        assertFalse(r.usage().estimated());

        byte[] raw = {(byte) 255, 0, 17};
        EmbeddingResult u = VoyageWire.response(utf8("{\"data\":[{\"embedding\":\"" + b64(raw) + "\",\"index\":1},{\"embedding\":\""
                + b64(new byte[]{1, 2, 3}) + "\",\"index\":0}],\"usage\":{\"total_tokens\":2}}"),
                call(2, OutputDtype.UBINARY, null, Map.of()),
                "voyage");
        assertArrayEquals(raw, ((Embedding.Bytes) u.embeddings().get(1)).values(), "placed by index");
        assertEquals(OutputDtype.UBINARY, ((Embedding.Bytes) u.embeddings().get(1)).dtype());
        // A server that ignores encoding_format: number arrays.
        EmbeddingResult i = VoyageWire.response(utf8("{\"data\":[{\"embedding\":[-128,127],\"index\":0}]}"),
                call(1, OutputDtype.INT8, null, Map.of()), "voyage");
        assertArrayEquals(new byte[]{-128, 127}, ((Embedding.Bytes) i.embeddings().get(0)).values());
    }

    @Test
    void rejectsAnswersThatAreNotWhatWasAsked() {
        EmbeddingCall two = call(2, OutputDtype.INT8, null, Map.of());
        for (String body : new String[]{
                "{\"data\":[{\"embedding\":\"AQI=\",\"index\":0}]}", // one vector for two inputs
                "{\"data\":[{\"embedding\":\"AQI=\",\"index\":0},{\"embedding\":\"AQ==\",\"index\":1}]}", // sizes differ
                "{\"data\":[{\"embedding\":\"AQI=\",\"index\":0},{\"embedding\":\"AQI=\",\"index\":0}]}", // index twice
                "{\"data\":[{\"embedding\":\"AQI=\",\"index\":0},{\"embedding\":\"**\",\"index\":1}]}", // not base64
                "{\"data\":[{\"embedding\":\"AQI=\",\"index\":0},{\"embedding\":[300,1],\"index\":1}]}", // out of range
                "{\"data\":[{\"embedding\":\"AQI=\",\"index\":0},{\"embedding\":\"\",\"index\":1}]}", // empty
                "{\"detail\":\"x\"}", "<html>"}) {
            UpstreamException e = assertThrows(UpstreamException.class, () -> VoyageWire.response(utf8(body), two, "voyage"), body);
            assertEquals(UpstreamException.Kind.INVALID_RESPONSE, e.kind(), body);
        }
    }

    @Test
    void mapsDetailErrors() {
        UpstreamException bad = VoyageWire.error(400, utf8("{\"detail\":\"The max allowed tokens per submitted batch is 120000.\"}"), null,
                "voyage", "k");
        assertEquals(UpstreamException.Kind.BAD_REQUEST, bad.kind());
        assertEquals("The max allowed tokens per submitted batch is 120000.", bad.getMessage());
        assertEquals(UpstreamException.Kind.AUTHENTICATION,
                VoyageWire.error(401, utf8("{\"detail\":\"Provided API key is invalid.\"}"), null, "voyage", "k").kind());
        assertEquals(UpstreamException.Kind.BAD_REQUEST, VoyageWire.error(422, utf8(
                "{\"detail\":[{\"type\":\"literal_error\",\"loc\":[\"body\",\"input_type\"],\"msg\":\"Input should be 'query' or 'document'\"}]}"),
                null, "voyage", "k").kind());
        UpstreamException rl = VoyageWire.error(429, utf8("{\"detail\":\"You have exceeded your rate limit.\"}"), Duration.ofSeconds(2),
                "voyage", "k");
        assertEquals(UpstreamException.Kind.RATE_LIMITED, rl.kind());
        assertEquals(Duration.ofSeconds(2), rl.retryAfter().orElseThrow());
        for (int status : new int[]{500, 502, 503, 504}) {
            UpstreamException e = VoyageWire.error(status, utf8("{\"detail\":\"x\"}"), null, "voyage", "k");
            assertEquals(UpstreamException.Kind.SERVER_ERROR, e.kind());
            assertTrue(e.retryable());
        }
        assertEquals("HTTP 400 without a readable error body", VoyageWire.error(400, utf8("{}"), null, "voyage", "k").getMessage());
        String key = "pa-secretvoyagekey0123456789";
        assertFalse(VoyageWire.error(401, utf8("{\"detail\":\"bad key " + key + "\"}"), null, "voyage", key).getMessage().contains(key));
    }

    @Test
    void optionsInputTypesModelsAndAtlasKeys() {
        VoyageAdapter a = new VoyageAdapter();
        assertTrue(a.validateOptions(Map.of("input_type", "document", "truncation", true, "output_dimension", 2048, "output_dtype",
                "ubinary")).isEmpty());
        assertEquals("output_dimension", a.validateOptions(Map.of("output_dimension", 700)).get(0).field());
        assertEquals("input_type", a.validateOptions(Map.of("input_type", "classification")).get(0).field());
        assertEquals("truncation", a.validateOptions(Map.of("truncation", "no")).get(0).field());
        assertEquals(Optional.of("query"), a.inputTypeValue(InputType.QUERY, "voyage-3.5"));
        assertEquals(Optional.of("query"), a.inputTypeValue(InputType.CODE_QUERY, "voyage-code-3"));
        assertEquals(Optional.of("document"), a.inputTypeValue(InputType.DOCUMENT, "voyage-3.5"));
        assertEquals(Optional.of("document"), a.inputTypeValue(InputType.CODE_DOCUMENT, "voyage-code-3"));
        for (InputType t : List.of(InputType.CLASSIFICATION, InputType.CLUSTERING, InputType.SIMILARITY)) {
            assertEquals(Optional.empty(), a.inputTypeValue(t, "voyage-3.5"), t.wireName());
        }
        var v35 = a.knownModel("voyage-3.5").orElseThrow();
        assertEquals(1024, v35.nativeDimensions());
        assertEquals(2048, v35.maxDimensions());
        assertEquals(256, v35.minDimensions());
        assertEquals(320_000, v35.maxTokensPerCall());
        assertEquals(1000, v35.maxInputsPerCall());
        assertEquals(1_000_000, a.knownModel("voyage-4-lite").orElseThrow().maxTokensPerCall());
        assertEquals(120_000, a.knownModel("voyage-3-large").orElseThrow().maxTokensPerCall());
        var code2 = a.knownModel("voyage-code-2").orElseThrow();
        assertEquals(1536, code2.nativeDimensions());
        assertFalse(code2.reducible());
        assertEquals(List.of(OutputDtype.FLOAT), List.copyOf(code2.dtypes()));
        InstanceSettings atlasOnVoyage = new InstanceSettings("voyage", "voyage", Optional.of(URI.create("https://api.voyageai.com/v1")),
                Optional.of("al-0123456789"), Map.of(), null, 1);
        assertTrue(a.validate(atlasOnVoyage).get(0).contains("https://ai.mongodb.com/v1"));
        assertTrue(a.validate(atlasOnVoyage.withBaseUrl(Optional.of(URI.create("https://ai.mongodb.com/v1")))).isEmpty());
    }
}
