package io.embedgate.provider.mistral;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import io.embedgate.provider.support.HttpProviderClient;
import io.embedgate.provider.support.OpenAiError;
import io.embedgate.provider.support.OpenAiShapedCodec;
import io.embedgate.provider.support.RateLimitHeaders;
import io.embedgate.spi.EmbeddingCall;
import io.embedgate.spi.EmbeddingInputs;
import io.embedgate.spi.EmbeddingResult;
import io.embedgate.spi.OutputDtype;
import io.embedgate.spi.ReplySize;
import io.embedgate.spi.UpstreamException;

/**
 * The Mistral embeddings wire format (https://docs.mistral.ai/api/#tag/embeddings). Vectors are
 * requested as JSON numbers: the base64 semantics of Mistral are unverified, numbers are not. Integer dtypes come
 * back as integers and are kept as raw bytes: int8 and binary signed, uint8 and ubinary unsigned.
 */
final class MistralWire {

    private static final JsonFactory JSON = JsonFactory.builder().build();

    /** Float vectors come as compact JSON numbers (~12 bytes each); integer types as -128..255. */
    static final ReplySize FLOAT_REPLY = new ReplySize(12, 40);
    static final ReplySize INTEGER_REPLY = new ReplySize(4, 16);

    /** Mistral's rate-limit headers: per-minute limits and what is left, no reset. */
    static final RateLimitHeaders RATE_LIMITS = new RateLimitHeaders("x-ratelimit-limit-req-minute", "x-ratelimit-remaining-req-minute",
            null, "x-ratelimit-limit-tokens-minute", "x-ratelimit-remaining-tokens-minute", null);

    /** {@code POST /embeddings}; Mistral sends no {@code x-should-retry}. */
    static final HttpProviderClient.Wire WIRE = RATE_LIMITS.on(new HttpProviderClient.Wire(call -> "/embeddings", MistralWire::request,
            MistralWire::response,
            (status, body, retryAfter, shouldRetry, provider, apiKey) -> error(status, body, retryAfter, provider, apiKey),
            dtype -> dtype == OutputDtype.FLOAT ? FLOAT_REPLY : INTEGER_REPLY));

    private MistralWire() {
    }

    static byte[] request(EmbeddingCall call) {
        List<String> texts = ((EmbeddingInputs.Texts) call.inputs()).values();
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 + texts.size() * 96);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("model", call.upstreamModel());
            g.writeArrayFieldStart("input");
            for (String t : texts) {
                g.writeString(t);
            }
            g.writeEndArray();
            if (call.dimensions().isPresent()) {
                g.writeNumberField("output_dimension", call.dimensions().getAsInt());
            }
            if (call.dtype() != OutputDtype.FLOAT) {
                g.writeStringField("output_dtype", call.dtype().wireName());
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * Decodes a 200 body: OpenAI's shape with number arrays, floats or the integers of the requested
     * dtype. The requested size is checked by the gateway: an integer vector's length is not its
     * dimensions.
     */
    static EmbeddingResult response(byte[] body, EmbeddingCall call, String provider) {
        OutputDtype dtype = call.dtype();
        OpenAiShapedCodec.VectorReader reader = dtype == OutputDtype.FLOAT ? OpenAiShapedCodec.FLOATS : OpenAiShapedCodec.integers(dtype);
        return OpenAiShapedCodec.decode(body, call.inputs().size(), OptionalInt.empty(), provider, call.upstreamModel(), reader);
    }

    /**
     * Maps both Mistral error shapes: {@code {"object":"error","message",type,code}} and the older
     * {@code {"message":...}} / {@code {"detail":"..."}} / FastAPI's {@code {"detail":[{msg,...}]}} (422).
     */
    static UpstreamException error(int status, byte[] body, Duration retryAfter, String provider, String apiKey) {
        return OpenAiError.parseFlat(body).toException(provider, status, retryAfter, null, apiKey);
    }
}
