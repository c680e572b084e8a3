package io.embedgate.provider.google;

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

class GeminiWireTest {

    static EmbeddingCall call(List<String> texts, Map<String, Object> options, Integer dims) {
        return new EmbeddingCall("gemini-embedding-001", new EmbeddingInputs.Texts(texts),
                dims == null ? OptionalInt.empty() : OptionalInt.of(dims), OutputDtype.FLOAT, options, Optional.empty(),
                Deadline.after(Duration.ofSeconds(5)));
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void oneRequestElementPerInputWithTheSameSettings() {
        String json = new String(GeminiWire.request(call(List.of("a", "b"), Map.of("task_type", "RETRIEVAL_DOCUMENT", "title", "T"), 768)),
                StandardCharsets.UTF_8);
        String element = "{\"model\":\"models/gemini-embedding-001\",\"content\":{\"parts\":[{\"text\":\"%s\"}]},"
                + "\"taskType\":\"RETRIEVAL_DOCUMENT\",\"title\":\"T\",\"outputDimensionality\":768}";
        assertEquals("{\"requests\":[" + element.formatted("a") + "," + element.formatted("b") + "]}", json);
    }

    @Test
    void decodesInOrderAndEstimatesUsage() {
        EmbeddingResult r = GeminiWire.response(utf8("{\"embeddings\":[{\"values\":[1,0.5]},{\"values\":[-2,3]}]}"),
                call(List.of("hello world!", "x"), Map.of(), null), "google");
        assertArrayEquals(new float[]{-2f, 3f}, ((Embedding.Floats) r.embeddings().get(1)).values());
        assertTrue(r.usage().estimated());
        assertEquals(3 + 1, r.usage().promptTokens()); // 12 bytes -> 3, 1 byte -> 1
        assertThrows(UpstreamException.class, () -> GeminiWire.response(utf8("{\"embeddings\":[{\"values\":[1]}]}"),
                call(List.of("a", "b"), Map.of(), null), "google"));
    }

    @Test
    void mapsGoogleErrorsIncludingRetryInfoAndBadKeys() {
        String quota = "{\"error\":{\"code\":429,\"message\":\"You exceeded your current quota. Please retry in 47.43s.\",\"status\":\"RESOURCE_EXHAUSTED\","
                + "\"details\":[{\"@type\":\"type.googleapis.com/google.rpc.QuotaFailure\",\"violations\":[{\"quotaMetric\":\"m\"}]},"
                + "{\"@type\":\"type.googleapis.com/google.rpc.RetryInfo\",\"retryDelay\":\"47s\"}]}}";
        UpstreamException e = GeminiWire.error(429, utf8(quota), null, "google", "AIzaSecret");
        assertEquals(UpstreamException.Kind.RATE_LIMITED, e.kind());
        assertEquals(Duration.ofSeconds(47), e.retryAfter().orElseThrow());

        String badKey = "{\"error\":{\"code\":400,\"message\":\"API key not valid. Please pass a valid API key.\",\"status\":\"INVALID_ARGUMENT\","
                + "\"details\":[{\"@type\":\"type.googleapis.com/google.rpc.ErrorInfo\",\"reason\":\"API_KEY_INVALID\",\"domain\":\"googleapis.com\"}]}}";
        assertEquals(UpstreamException.Kind.AUTHENTICATION, GeminiWire.error(400, utf8(badKey), null, "google", "k").kind());
        assertEquals(UpstreamException.Kind.BAD_REQUEST, GeminiWire.error(400, utf8(
                "{\"error\":{\"code\":400,\"message\":\"Request contains an invalid argument.\",\"status\":\"INVALID_ARGUMENT\"}}"), null,
                "google", "k").kind());
        assertEquals(UpstreamException.Kind.PERMISSION, GeminiWire
                .error(403, utf8("{\"error\":{\"code\":403,\"message\":\"denied\",\"status\":\"PERMISSION_DENIED\"}}"), null, "google", "k")
                .kind());
        assertEquals(UpstreamException.Kind.NOT_FOUND,
                GeminiWire.error(404, utf8("{\"error\":{\"code\":404,\"message\":\"models/x is not found\",\"status\":\"NOT_FOUND\"}}"),
                        null, "google", "k").kind());
        UpstreamException unavailable = GeminiWire.error(503, utf8("<html>"), Duration.ofSeconds(3), "google", "k");
        assertTrue(unavailable.retryable());
        assertEquals(Duration.ofSeconds(3), unavailable.retryAfter().orElseThrow());
        assertFalse(GeminiWire.error(400, utf8("{\"error\":{\"message\":\"bad AIzaSyA1234567890abcdefghijklmn\"}}"), null, "google", "k")
                .getMessage().contains("AIzaSy"));
    }

    @Test
    void validatesOptions() {
        GoogleAdapter a = new GoogleAdapter();
        assertTrue(a.validateOptions(Map.of("task_type", "CODE_RETRIEVAL_QUERY", "output_dimensionality", 768)).isEmpty());
        assertTrue(a.validateOptions(Map.of("task_type", "RETRIEVAL_DOCUMENT", "title", "t")).isEmpty());
        assertTrue(a.validateOptions(Map.of("task_type", "NOPE")).get(0).message().contains("FACT_VERIFICATION"));
        assertEquals("title", a.validateOptions(Map.of("task_type", "RETRIEVAL_QUERY", "title", "t")).get(0).field());
        // A title alone makes the text a retrieval document (the wire sends task type RETRIEVAL_DOCUMENT).
        assertTrue(a.validateOptions(Map.of("title", "t")).isEmpty());
        assertEquals("output_dimensionality", a.validateOptions(Map.of("output_dimensionality", "768")).get(0).field());
        assertEquals("foo", a.validateOptions(Map.of("foo", 1)).get(0).field());
    }
}
