package io.embedgate.provider.cohere;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;

import io.embedgate.provider.support.CohereShapedCodec;
import io.embedgate.provider.support.CohereShapedRequest;
import io.embedgate.provider.support.HttpProviderClient;
import io.embedgate.provider.support.JsonVectors;
import io.embedgate.provider.support.OpenAiError;
import io.embedgate.spi.EmbeddingCall;
import io.embedgate.spi.EmbeddingResult;
import io.embedgate.spi.OutputDtype;
import io.embedgate.spi.ReplySize;
import io.embedgate.spi.Secrets;
import io.embedgate.spi.UpstreamException;

/**
 * The Cohere v2 embed wire format (https://docs.cohere.com/reference/embed). One element type is
 * asked for per call ({@code embedding_types: [dtype]}) and read from {@code embeddings.<dtype>}:
 * floats as JSON numbers (Cohere's {@code base64} type does not say its byte order), the quantised
 * types as integers kept as raw bytes, int8 and binary signed, uint8 and ubinary unsigned. The body
 * and the answer are Cohere-shaped ({@link CohereShapedRequest}, {@link CohereShapedCodec}), as on Bedrock.
 */
final class CohereWire {

    /** Floats as compact JSON numbers (~12 bytes each); integer types as -128..255. */
    static final ReplySize FLOAT_REPLY = new ReplySize(12, 40);
    static final ReplySize INTEGER_REPLY = new ReplySize(4, 16);

    /** {@code POST /v2/embed} under the host; Cohere sends no {@code x-should-retry}. */
    static final HttpProviderClient.Wire WIRE = new HttpProviderClient.Wire(call -> "/v2/embed", CohereWire::request,
            CohereWire::response,
            (status, body, retryAfter, shouldRetry, provider, apiKey) -> error(status, body, retryAfter, provider, apiKey),
            dtype -> dtype == OutputDtype.FLOAT ? FLOAT_REPLY : INTEGER_REPLY);

    private CohereWire() {
    }

    /** Cohere's v2 body: with {@code model}, and {@code embedding_types} named for floats too. */
    static byte[] request(EmbeddingCall call) {
        Map<String, Object> options = call.options();
        // Required by Cohere for every embed model: without the client's word, a document.
        String inputType = String.valueOf(options.getOrDefault(CohereAdapter.INPUT_TYPE, CohereAdapter.DEFAULT_INPUT_TYPE));
        Object truncate = options.get(CohereAdapter.TRUNCATE);
        return CohereShapedRequest.encode(call, call.upstreamModel(), true, inputType, truncate == null ? null : truncate.toString(),
                options.get(CohereAdapter.MAX_TOKENS) instanceof Number n ? n.intValue() : null);
    }

    /**
     * Decodes {@code {"embeddings":{"<dtype>":[[...],...]},"meta":{"billed_units":{"input_tokens":n}}}}:
     * one vector per input, in input order, all of one length (the requested size, or its eighth for
     * the packed types, when known). Without billed units, usage is estimated and marked so.
     */
    static EmbeddingResult response(byte[] body, EmbeddingCall call, String provider) {
        CohereShapedCodec.Reply reply = CohereShapedCodec.read(body, call.dtype(), true, provider);
        if (reply.vectors() == null) {
            throw UpstreamException.invalidResponse(provider, "response has no embeddings." + call.dtype().wireName());
        }
        return CohereShapedCodec.result(reply.vectors(), reply.billedTokens(), call, provider);
    }

    /**
     * Cohere's {@code {"message":"..."}} by status, with three statuses of its own: 498 (invalid token)
     * is our key's problem, 499 (the request was cancelled on the way) is worth another try, 501 (not
     * implemented) is not. A 429 about a monthly allowance (trial keys: 1,000 calls a month) will not
     * pass by retrying.
     */
    static UpstreamException error(int status, byte[] body, Duration retryAfter, String provider, String apiKey) {
        OpenAiError e = OpenAiError.parseFlat(body);
        String message = Secrets.redact(JsonVectors.clip(e.message(), status), apiKey);
        return switch (status) {
            case 498 -> new UpstreamException(provider, UpstreamException.Kind.AUTHENTICATION, status, null, "invalid_token", message,
                    false, null, null);
            case 499 -> new UpstreamException(provider, UpstreamException.Kind.SERVER_ERROR, status, null, "client_closed", message,
                    true, retryAfter, null);
            case 501 -> UpstreamException.fromStatus(provider, status, null, null, message, retryAfter, false);
            case 429 -> message.toLowerCase(Locale.ROOT).contains("month")
                    ? new UpstreamException(provider, UpstreamException.Kind.QUOTA_EXHAUSTED, status, null, "insufficient_quota", message,
                            false, retryAfter, null)
                    : UpstreamException.fromStatus(provider, status, null, null, message, retryAfter, null);
            default -> UpstreamException.fromStatus(provider, status, null, null, message, retryAfter, null);
        };
    }
}
