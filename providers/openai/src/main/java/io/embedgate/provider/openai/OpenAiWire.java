package io.embedgate.provider.openai;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.OptionalInt;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import io.embedgate.provider.support.HttpProviderClient;
import io.embedgate.provider.support.OpenAiError;
import io.embedgate.provider.support.OpenAiShapedCodec;
import io.embedgate.spi.EmbeddingCall;
import io.embedgate.spi.EmbeddingInputs;
import io.embedgate.spi.EmbeddingResult;
import io.embedgate.spi.ReplySize;
import io.embedgate.spi.UpstreamException;

/** The OpenAI embeddings wire format (https://platform.openai.com/docs/api-reference/embeddings), as a streaming codec. */
final class OpenAiWire {

    private static final JsonFactory JSON = JsonFactory.builder().build();

    /**
     * Replies are base64 float32 (asked for in every request); servers that ignore
     * {@code encoding_format} answer JSON numbers, up to ~24 characters each with separators (and
     * more when pretty-printed), which the cap allows.
     */
    static final ReplySize REPLY = new ReplySize(ReplySize.BASE64_FLOAT32, 40);

    /** {@code POST /embeddings}, one reply size for every dtype. */
    static final HttpProviderClient.Wire WIRE = HttpProviderClient.Wire.of("/embeddings", OpenAiWire::request,
            (body, call, provider) -> response(body, call.inputs().size(), call.dimensions(), provider, call.upstreamModel()),
            OpenAiWire::error, REPLY);

    private OpenAiWire() {
    }

    /** The request body. Always asks for base64: 4 bytes per value instead of ~11 JSON characters. */
    static byte[] request(EmbeddingCall call) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256 + estimateInputBytes(call.inputs()));
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("model", call.upstreamModel());
            g.writeArrayFieldStart("input");
            if (call.inputs() instanceof EmbeddingInputs.Texts t) {
                for (String s : t.values()) {
                    g.writeString(s);
                }
            } else {
                for (int[] tokens : ((EmbeddingInputs.TokenIds) call.inputs()).values()) {
                    g.writeArray(tokens, 0, tokens.length);
                }
            }
            g.writeEndArray();
            g.writeStringField("encoding_format", "base64");
            if (call.dimensions().isPresent()) {
                g.writeNumberField("dimensions", call.dimensions().getAsInt());
            }
            if (call.user().isPresent()) {
                g.writeStringField("user", call.user().get());
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static int estimateInputBytes(EmbeddingInputs inputs) {
        long n = 0;
        if (inputs instanceof EmbeddingInputs.Texts t) {
            for (String s : t.values()) {
                n += s.length() + 3;
            }
        } else {
            for (int[] tokens : ((EmbeddingInputs.TokenIds) inputs).values()) {
                n += tokens.length * 6L + 3;
            }
        }
        return (int) Math.min(n, 64 << 20);
    }

    /**
     * Decodes a 200 body. Accepts base64 strings and, from OpenAI-compatible servers that ignore
     * {@code encoding_format}, number arrays. Places vectors by their {@code index} and insists on
     * exactly one vector per input, all of one size (the requested one, when given).
     */
    static EmbeddingResult response(byte[] body, int expected, OptionalInt dimensions, String provider, String requestedModel) {
        return OpenAiShapedCodec.decode(body, expected, dimensions, provider, requestedModel, OpenAiShapedCodec.BASE64_OR_FLOATS);
    }

    /**
     * Maps an error response. Understands OpenAI's {@code {"error":{message,type,param,code}}}, Azure's
     * variant with a string {@code code}, and the flat {@code {"message"}}/{@code {"detail"}}/
     * {@code {"error":"..."}} bodies of OpenAI-compatible servers. Provider text is redacted.
     */
    static UpstreamException error(int status, byte[] body, Duration retryAfter, Boolean shouldRetry, String provider, String apiKey) {
        return OpenAiError.parse(body).toException(provider, status, retryAfter, shouldRetry, apiKey);
    }
}
