package io.embedgate.provider.bedrock;

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
import java.util.function.Function;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.embedgate.provider.bedrock.BedrockModels.Family;
import io.embedgate.spi.Deadline;
import io.embedgate.spi.Embedding;
import io.embedgate.spi.EmbeddingCall;
import io.embedgate.spi.EmbeddingInputs;
import io.embedgate.spi.EmbeddingResult;
import io.embedgate.spi.OutputDtype;
import io.embedgate.spi.UpstreamException;

class BedrockWireTest {

    static final BedrockWire WIRE = new BedrockWire(Family.TITAN_V2);
    static final Function<String, String> NO_HEADERS = name -> null;

    static EmbeddingCall call(String model, List<String> texts, OutputDtype dtype, Integer dims, Map<String, Object> options) {
        return new EmbeddingCall(model, new EmbeddingInputs.Texts(texts), dims == null ? OptionalInt.empty() : OptionalInt.of(dims), dtype,
                options, Optional.empty(), Deadline.after(Duration.ofSeconds(5)));
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String json(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    static Function<String, String> header(String name, String value) {
        return n -> n.equalsIgnoreCase(name) ? value : null;
    }

    @Test
    void pathEncodesTheModelIdAsOneSegment() {
        assertEquals("/model/amazon.titan-embed-text-v2%3A0/invoke",
                BedrockWire.path(call("amazon.titan-embed-text-v2:0", List.of("a"), OutputDtype.FLOAT, null, Map.of())));
        assertEquals("/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Aprovisioned-model%2Fabc123/invoke", BedrockWire.path(
                call("arn:aws:bedrock:us-east-1:123456789012:provisioned-model/abc123", List.of("a"), OutputDtype.FLOAT, null, Map.of())));
    }

    @Test
    void titanBodies() {
        assertEquals("{\"inputText\":\"hi\",\"dimensions\":256,\"normalize\":false}", json(WIRE.request(call("amazon.titan-embed-text-v2:0",
                List.of("hi"), OutputDtype.FLOAT, 256, Map.of("normalize", false, "input_type", "search_query")))));
        assertEquals("{\"inputText\":\"hi\"}",
                json(WIRE.request(call("us.amazon.titan-embed-text-v2:0", List.of("hi"), OutputDtype.FLOAT, null, Map.of()))));
        // G1 takes inputText and nothing else: every other key is a 400 at Bedrock.
        assertEquals("{\"inputText\":\"hi\"}", json(WIRE.request(call("amazon.titan-embed-text-v1", List.of("hi"), OutputDtype.FLOAT,
                null, Map.of("normalize", true, "truncate", "END")))));
        assertThrows(IllegalArgumentException.class,
                () -> WIRE.request(call("amazon.titan-embed-text-v2:0", List.of("a", "b"), OutputDtype.FLOAT, null, Map.of())));
    }

    @Test
    void cohereBodies() {
        assertEquals("{\"texts\":[\"a\",\"b\"],\"input_type\":\"search_query\",\"embedding_types\":[\"int8\"],\"output_dimension\":512,"
                + "\"truncate\":\"RIGHT\",\"max_tokens\":100}",
                json(WIRE.request(call("cohere.embed-v4:0", List.of("a", "b"), OutputDtype.INT8, 512,
                        Map.of("input_type", "search_query", "truncate", "RIGHT", "max_tokens", 100, "normalize", false)))));
        // input_type is required on Bedrock: a document when nobody said; floats by omission; no model field.
        assertEquals("{\"texts\":[\"a\"],\"input_type\":\"search_document\"}",
                json(WIRE.request(call("cohere.embed-english-v3", List.of("a"), OutputDtype.FLOAT, null, Map.of()))));
        // An opaque ARN takes the instance's fallback family.
        assertEquals("{\"texts\":[\"a\"],\"input_type\":\"search_document\"}", json(new BedrockWire(Family.COHERE)
                .request(call("arn:aws:bedrock:us-east-1:1:provisioned-model/x", List.of("a"), OutputDtype.FLOAT, null, Map.of()))));
    }

    @Test
    void titanReplyWithItsTokenCount() {
        EmbeddingResult r = WIRE.response(utf8("{\"embedding\":[0.6,0.8],\"inputTextTokenCount\":5,"
                + "\"embeddingsByType\":{\"float\":[0.6,0.8]}}"), header("x-amzn-bedrock-input-token-count", "9"),
                call("amazon.titan-embed-text-v2:0", List.of("hi"), OutputDtype.FLOAT, null, Map.of()), "bedrock");
        assertArrayEquals(new float[]{0.6f, 0.8f}, ((Embedding.Floats) r.embeddings().get(0)).values());
        assertEquals(5, r.usage().promptTokens());
        assertFalse(r.usage().estimated());
        // Only embeddingsByType (whether "embedding" is always there is unverified).
        EmbeddingResult byType = WIRE.response(utf8("{\"embeddingsByType\":{\"float\":[0.6,0.8]}}"),
                header("X-Amzn-Bedrock-Input-Token-Count", "3"),
                call("amazon.titan-embed-text-v2:0", List.of("hi"), OutputDtype.FLOAT, null, Map.of()), "bedrock");
        assertArrayEquals(new float[]{0.6f, 0.8f}, ((Embedding.Floats) byType.embeddings().get(0)).values());
        assertEquals(3, byType.usage().promptTokens());
    }

    @Test
    void cohereFloatsShapeWithHeaderUsageOrAnEstimate() {
        EmbeddingCall c = call("cohere.embed-english-v3", List.of("a", "b"), OutputDtype.FLOAT, null, Map.of());
        String body = "{\"id\":\"x\",\"embeddings\":[[0.5,-0.25],[1,2]],\"response_type\":\"embeddings_floats\",\"texts\":[\"a\",\"b\"]}";
        EmbeddingResult r = WIRE.response(utf8(body), header("X-Amzn-Bedrock-Input-Token-Count", "7"), c, "bedrock");
        assertArrayEquals(new float[]{1f, 2f}, ((Embedding.Floats) r.embeddings().get(1)).values());
        assertEquals(7, r.usage().promptTokens());
        assertFalse(r.usage().estimated());
        EmbeddingResult estimated = WIRE.response(utf8(body), NO_HEADERS, c, "bedrock");
        assertTrue(estimated.usage().estimated());
        assertEquals(2, estimated.usage().promptTokens());
    }

    @Test
    void cohereByTypeShape() {
        EmbeddingResult f = WIRE.response(
                utf8("{\"id\":\"x\",\"embeddings\":{\"float\":[[0.5,-0.25]]},\"response_type\":\"embeddings_by_type\"}"),
                NO_HEADERS, call("cohere.embed-v4:0", List.of("a"), OutputDtype.FLOAT, null, Map.of()), "bedrock");
        assertArrayEquals(new float[]{0.5f, -0.25f}, ((Embedding.Floats) f.embeddings().get(0)).values());
        EmbeddingResult u = WIRE.response(
                utf8("{\"embeddings\":{\"ubinary\":[[255,1]],\"float\":[[1,1]]},\"response_type\":\"embeddings_by_type\"}"),
                NO_HEADERS, call("cohere.embed-v4:0", List.of("a"), OutputDtype.UBINARY, 16, Map.of()), "bedrock");
        assertArrayEquals(new byte[]{(byte) 255, 1}, ((Embedding.Bytes) u.embeddings().get(0)).values());
        assertEquals(OutputDtype.UBINARY, ((Embedding.Bytes) u.embeddings().get(0)).dtype());
    }

    @Test
    void invalidRepliesAreTheProvidersFault() {
        EmbeddingCall two = call("cohere.embed-v4:0", List.of("a", "b"), OutputDtype.FLOAT, null, Map.of());
        for (String body : new String[]{"[]", "{\"embeddings\":[[0.1]]}", "{\"embeddings\":{\"int8\":[[1],[2]]}}",
                "{\"embeddings\":[[0.1],[0.1,0.2]]}",
                "{\"embeddings\":[[0.1],[\"x\"]]}", "not json"}) {
            UpstreamException e = assertThrows(UpstreamException.class, () -> WIRE.response(utf8(body), NO_HEADERS, two, "bedrock"), body);
            assertEquals(UpstreamException.Kind.INVALID_RESPONSE, e.kind(), body);
        }
        EmbeddingCall sized = call("amazon.titan-embed-text-v2:0", List.of("a"), OutputDtype.FLOAT, 256, Map.of()).sized(256);
        assertThrows(UpstreamException.class, () -> WIRE.response(utf8("{\"embedding\":[0.1,0.2]}"), NO_HEADERS, sized, "bedrock"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
            "400,ValidationException:http://internal.amazon.com/coral/com.amazon.bedrock/,BAD_REQUEST,false",
            "400,ServiceQuotaExceededException,QUOTA_EXHAUSTED,false",
            "403,AccessDeniedException,PERMISSION,false",
            "403,InvalidSignatureException,AUTHENTICATION,false",
            "403,UnrecognizedClientException,AUTHENTICATION,false",
            "403,ExpiredTokenException,AUTHENTICATION,false",
            "403,MissingAuthenticationTokenException,AUTHENTICATION,false",
            "404,ResourceNotFoundException,NOT_FOUND,false",
            "408,ModelTimeoutException,TIMEOUT,true",
            "424,ModelErrorException,SERVER_ERROR,false",
            "429,ThrottlingException,RATE_LIMITED,true",
            "429,ModelNotReadyException,SERVER_ERROR,true",
            "500,InternalServerException,SERVER_ERROR,true",
            "503,ServiceUnavailableException,SERVER_ERROR,true"})
    void errorTypesFromTheHeader(int status, String header, UpstreamException.Kind kind, boolean retryable) {
        UpstreamException e = BedrockWire.error(status, utf8("{\"message\":\"went wrong\"}"), header("X-Amzn-ErrorType", header),
                Duration.ofSeconds(2), "bedrock", "");
        assertEquals(kind, e.kind());
        assertEquals(retryable, e.retryable());
        assertEquals(status, e.httpStatus());
        assertEquals(header.split(":")[0], e.errorType().orElseThrow());
        assertEquals("went wrong", e.getMessage());
    }

    @Test
    void errorTypeFromTheBodyAndKeysRedacted() {
        UpstreamException e = BedrockWire.error(403,
                utf8("{\"__type\":\"com.amazon.coral.service#UnrecognizedClientException\",\"Message\":\"bad key ABSK1234567890abcdefghijKLMNOP\"}"),
                NO_HEADERS, null, "bedrock", "ABSK1234567890abcdefghijKLMNOP");
        assertEquals(UpstreamException.Kind.AUTHENTICATION, e.kind());
        assertEquals("UnrecognizedClientException", e.errorType().orElseThrow());
        assertFalse(e.getMessage().contains("ABSK1234567890"));
        UpstreamException code = BedrockWire.error(429, utf8("{\"code\":\"ThrottlingException\",\"message\":\"slow down\"}"), NO_HEADERS,
                null, "bedrock", "");
        assertEquals(UpstreamException.Kind.RATE_LIMITED, code.kind());
        // Neither header nor body type: the status decides.
        UpstreamException plain = BedrockWire.error(502, utf8("<html>bad gateway</html>"), NO_HEADERS, null, "bedrock", "");
        assertEquals(UpstreamException.Kind.SERVER_ERROR, plain.kind());
        assertTrue(plain.retryable());
    }
}
