package io.embedgate.provider.bedrock;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import io.embedgate.provider.bedrock.BedrockModels.Family;
import io.embedgate.provider.support.CohereShapedCodec;
import io.embedgate.provider.support.CohereShapedRequest;
import io.embedgate.provider.support.HttpProviderClient;
import io.embedgate.provider.support.JsonVectors;
import io.embedgate.provider.support.UpstreamHttp;
import io.embedgate.spi.Embedding;
import io.embedgate.spi.EmbeddingCall;
import io.embedgate.spi.EmbeddingInputs;
import io.embedgate.spi.EmbeddingResult;
import io.embedgate.spi.OutputDtype;
import io.embedgate.spi.ReplySize;
import io.embedgate.spi.Secrets;
import io.embedgate.spi.UpstreamException;

/**
 * Bedrock Runtime's {@code POST /model/{modelId}/invoke} with each model family's own body: Titan v2
 * and G1 (one text per call), Cohere Embed v3/v4 (Cohere's v1 body without {@code model}). Usage comes
 * from Titan's {@code inputTextTokenCount}, else the {@code X-Amzn-Bedrock-Input-Token-Count} reply
 * header, else an estimate. Errors carry their type in the {@code x-amzn-ErrorType} header.
 */
final class BedrockWire {

    static final String TOKEN_COUNT_HEADER = "X-Amzn-Bedrock-Input-Token-Count";
    static final String ERROR_TYPE_HEADER = "x-amzn-ErrorType";

    private static final JsonFactory JSON = JsonFactory.builder().build();
    /**
     * Titan repeats its floats ({@code embedding} and {@code embeddingsByType.float}): twice the room of
     * compact JSON numbers. Cohere's integer types: -128..255.
     */
    static final ReplySize FLOAT_REPLY = new ReplySize(24, 80);
    static final ReplySize INTEGER_REPLY = new ReplySize(4, 16);

    private final Family fallback;

    /** @param fallback the body of a model id that names no known family (an opaque ARN) */
    BedrockWire(Family fallback) {
        this.fallback = fallback;
    }

    HttpProviderClient.Wire wire() {
        HttpProviderClient.ResponseDecoder response = new HttpProviderClient.ResponseDecoder() {

            @Override
            public EmbeddingResult decode(byte[] body, EmbeddingCall call, String provider) {
                return response(body, name -> null, call, provider);
            }

            @Override
            public EmbeddingResult decode(byte[] body, Function<String, String> headers, EmbeddingCall call, String provider) {
                return response(body, headers, call, provider);
            }
        };
        HttpProviderClient.ErrorDecoder errors = new HttpProviderClient.ErrorDecoder() {

            @Override
            public UpstreamException decode(int status, byte[] body, Duration retryAfter, Boolean shouldRetry, String provider,
                    String apiKey) {
                return error(status, body, name -> null, retryAfter, provider, apiKey);
            }

            @Override
            public UpstreamException decode(int status, byte[] body, Function<String, String> headers, Duration retryAfter,
                    Boolean shouldRetry, String provider, String apiKey) {
                return error(status, body, headers, retryAfter, provider, apiKey);
            }
        };
        return new HttpProviderClient.Wire(BedrockWire::path, this::request, response, errors,
                dtype -> dtype == OutputDtype.FLOAT ? FLOAT_REPLY : INTEGER_REPLY);
    }

    /** The model id as one path segment: {@code :} as {@code %3A}, an ARN's {@code /} as {@code %2F}. */
    static String path(EmbeddingCall call) {
        return "/model/" + UpstreamHttp.pathSegment(call.upstreamModel()) + "/invoke";
    }

    Family family(EmbeddingCall call) {
        return BedrockModels.family(call.upstreamModel(), fallback);
    }

    byte[] request(EmbeddingCall call) {
        Family family = family(call);
        if (family == Family.COHERE) {
            return cohere(call);
        }
        List<String> texts = ((EmbeddingInputs.Texts) call.inputs()).values();
        if (texts.size() != 1) {
            // The catalogue's max-inputs-per-call was raised above Titan's one text per call.
            throw new IllegalArgumentException("Titan models take one text per call; got " + texts.size());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(128 + texts.size() * 96);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            switch (family) {
                case TITAN_G1 -> g.writeStringField("inputText", texts.get(0)); // any other key is a 400
                case TITAN_V2 -> {
                    g.writeStringField("inputText", texts.get(0));
                    if (call.dimensions().isPresent()) {
                        g.writeNumberField("dimensions", call.dimensions().getAsInt());
                    }
                    if (call.options().get(BedrockAdapter.NORMALIZE) instanceof Boolean b) {
                        g.writeBooleanField("normalize", b);
                    }
                }
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Cohere's v1 body without {@code model} (it is in the path), floats asked for by omission. */
    private static byte[] cohere(EmbeddingCall call) {
        Map<String, Object> options = call.options();
        // Required on Bedrock: without the client's word, a document (as providers/cohere does).
        String inputType = String.valueOf(options.getOrDefault(BedrockAdapter.INPUT_TYPE, BedrockAdapter.DEFAULT_INPUT_TYPE));
        return CohereShapedRequest.encode(call, null, false, inputType,
                options.get(BedrockAdapter.TRUNCATE) instanceof String t ? t : null,
                options.get(BedrockAdapter.MAX_TOKENS) instanceof Number n ? n.intValue() : null);
    }

    /** One vector per input in input order, each of the expected length, with usage. */
    EmbeddingResult response(byte[] body, Function<String, String> headers, EmbeddingCall call, String provider) {
        if (family(call) == Family.COHERE) {
            // Cohere's answer; its meta is not read: usage is the header's, else an estimate.
            List<Embedding> vectors = CohereShapedCodec.read(body, call.dtype(), false, provider).vectors();
            if (vectors == null) {
                throw invalid(provider, "response has no embeddings of type " + call.dtype().wireName());
            }
            return CohereShapedCodec.result(vectors, headerCount(headers.apply(TOKEN_COUNT_HEADER)), call, provider);
        }
        List<Embedding> vectors = null;
        long tokens = -1;
        try (JsonParser p = JSON.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw invalid(provider, "response is not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                if (field.equals("embedding") && t == JsonToken.START_ARRAY) {
                    vectors = List.of(Embedding.Floats.of(JsonVectors.floats(p)));
                } else if (field.equals("embeddingsByType") && t == JsonToken.START_OBJECT) {
                    List<Embedding> byType = titanByType(p);
                    vectors = vectors == null ? byType : vectors;
                } else if (field.equals("inputTextTokenCount") && t == JsonToken.VALUE_NUMBER_INT) {
                    tokens = Math.max(0, p.getLongValue());
                } else {
                    p.skipChildren();
                }
            }
        } catch (IOException e) {
            throw invalid(provider, "response is not valid JSON or holds a bad vector (" + e.getMessage() + ")");
        }
        if (vectors == null) {
            throw invalid(provider, "response has no embedding");
        }
        return CohereShapedCodec.result(vectors, tokens >= 0 ? tokens : headerCount(headers.apply(TOKEN_COUNT_HEADER)), call, provider);
    }

    /** Titan's {@code embeddingsByType.float}, used when {@code embedding} is missing (the parser is at its START_OBJECT). */
    private static List<Embedding> titanByType(JsonParser p) throws IOException {
        List<Embedding> out = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String type = p.currentName();
            if (p.nextToken() == JsonToken.START_ARRAY && type.equals("float")) {
                out = List.of(Embedding.Floats.of(JsonVectors.floats(p)));
            } else {
                p.skipChildren();
            }
        }
        return out;
    }

    private static long headerCount(String value) {
        if (value == null) {
            return -1;
        }
        try {
            return Math.max(-1, Long.parseLong(value.trim()));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * Bedrock's {@code {"message"}} with the type in {@code x-amzn-ErrorType} (the part before the first
     * {@code :}), else {@code __type} or {@code code} in the body (botocore's fallbacks). Kinds by type:
     * refused credentials are not worth a retry, a quota is not a rate limit (Bedrock answers it 400),
     * a model timeout is a timeout (504 to the client).
     */
    static UpstreamException error(int status, byte[] body, Function<String, String> headers, Duration retryAfter, String provider,
            String apiKey) {
        BedrockError e = BedrockError.parse(body);
        String type = shortType(headers.apply(ERROR_TYPE_HEADER));
        if (type == null) {
            type = shortType(e.type());
        }
        String message = Secrets.redact(JsonVectors.clip(e.message(), status), apiKey);
        if (type == null) {
            return UpstreamException.fromStatus(provider, status, null, null, message, retryAfter, null);
        }
        UpstreamException.Kind kind;
        boolean retryable;
        switch (type) {
            case "ValidationException" -> {
                kind = UpstreamException.Kind.BAD_REQUEST;
                retryable = false;
            }
            case "ServiceQuotaExceededException" -> {
                kind = UpstreamException.Kind.QUOTA_EXHAUSTED;
                retryable = false;
            }
            case "AccessDeniedException" -> {
                kind = UpstreamException.Kind.PERMISSION;
                retryable = false;
            }
            case "InvalidSignatureException", "UnrecognizedClientException", "ExpiredTokenException",
                    "MissingAuthenticationTokenException", "IncompleteSignatureException" -> {
                kind = UpstreamException.Kind.AUTHENTICATION;
                retryable = false;
            }
            case "ResourceNotFoundException" -> {
                kind = UpstreamException.Kind.NOT_FOUND;
                retryable = false;
            }
            case "ModelTimeoutException" -> {
                // Never retried at the same instance (a timeout kind), but another instance may serve it.
                kind = UpstreamException.Kind.TIMEOUT;
                retryable = true;
            }
            case "ModelErrorException" -> {
                kind = UpstreamException.Kind.SERVER_ERROR;
                retryable = false;
            }
            case "ThrottlingException" -> {
                kind = UpstreamException.Kind.RATE_LIMITED;
                retryable = true;
            }
            case "ModelNotReadyException", "InternalServerException", "ServiceUnavailableException" -> {
                // Not ready: botocore marks it retryable (the model is being loaded), not throttling.
                kind = UpstreamException.Kind.SERVER_ERROR;
                retryable = true;
            }
            default -> {
                return UpstreamException.fromStatus(provider, status, type, null, message, retryAfter, null);
            }
        }
        return new UpstreamException(provider, kind, status, type, null, message, retryable, retryAfter, null);
    }

    /** {@code ValidationException:http://internal...} or {@code com.amazon.coral.service#X} as {@code X}; null when blank. */
    static String shortType(String raw) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        String t = raw.trim();
        int colon = t.indexOf(':');
        if (colon >= 0) {
            t = t.substring(0, colon);
        }
        int hash = t.lastIndexOf('#');
        if (hash >= 0) {
            t = t.substring(hash + 1);
        }
        return t.isEmpty() ? null : t;
    }

    private static UpstreamException invalid(String provider, String what) {
        return UpstreamException.invalidResponse(provider, what);
    }
}
