package io.embedgate.provider.voyage;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.OptionalInt;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import io.embedgate.provider.support.HttpProviderClient;
import io.embedgate.provider.support.JsonCursor;
import io.embedgate.provider.support.JsonVectors;
import io.embedgate.provider.support.OpenAiError;
import io.embedgate.provider.support.OpenAiShapedCodec;
import io.embedgate.spi.Embedding;
import io.embedgate.spi.EmbeddingCall;
import io.embedgate.spi.EmbeddingInputs;
import io.embedgate.spi.EmbeddingResult;
import io.embedgate.spi.OutputDtype;
import io.embedgate.spi.ReplySize;
import io.embedgate.spi.UpstreamException;

/**
 * The Voyage embeddings wire format (https://docs.voyageai.com/reference/embeddings-api): OpenAI's
 * answer shape with {@code usage.total_tokens} only. Vectors are asked for as base64 (a third of the
 * size of JSON numbers): float32 little-endian for float, kept as the provider's text; one byte per
 * value for the quantised types (int8 for int8 and binary, uint8 for uint8 and ubinary), kept as raw
 * bytes. A server that answers with number arrays anyway is read too.
 */
final class VoyageWire {

    private static final JsonFactory JSON = JsonFactory.builder().build();

    /** Base64: 16/3 bytes per float32, 4/3 per quantised value. */
    static final ReplySize FLOAT_REPLY = new ReplySize(ReplySize.BASE64_FLOAT32, 40);
    static final ReplySize BYTES_REPLY = new ReplySize(4.0 / 3, 16);

    /** {@code POST /embeddings} under the versioned base URL; Voyage sends no {@code x-should-retry}. */
    static final HttpProviderClient.Wire WIRE = new HttpProviderClient.Wire(call -> "/embeddings", VoyageWire::request,
            VoyageWire::response,
            (status, body, retryAfter, shouldRetry, provider, apiKey) -> error(status, body, retryAfter, provider, apiKey),
            dtype -> dtype == OutputDtype.FLOAT ? FLOAT_REPLY : BYTES_REPLY);

    private VoyageWire() {
    }

    static byte[] request(EmbeddingCall call) {
        List<String> texts = ((EmbeddingInputs.Texts) call.inputs()).values();
        ByteArrayOutputStream out = new ByteArrayOutputStream(128 + texts.size() * 96);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeArrayFieldStart("input");
            for (String t : texts) {
                g.writeString(t);
            }
            g.writeEndArray();
            g.writeStringField("model", call.upstreamModel());
            // Absent means Voyage's default: no prompt prepended.
            Object inputType = call.options().get(VoyageAdapter.INPUT_TYPE);
            if (inputType != null) {
                g.writeStringField("input_type", inputType.toString());
            }
            if (call.options().get(VoyageAdapter.TRUNCATION) instanceof Boolean b) {
                g.writeBooleanField("truncation", b);
            }
            if (call.dimensions().isPresent()) {
                g.writeNumberField("output_dimension", call.dimensions().getAsInt());
            }
            if (call.dtype() != OutputDtype.FLOAT) {
                g.writeStringField("output_dtype", call.dtype().wireName());
            }
            g.writeStringField("encoding_format", "base64");
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Decodes a 200 body; the requested size is checked by the gateway (a packed vector's length is not its dimensions). */
    static EmbeddingResult response(byte[] body, EmbeddingCall call, String provider) {
        OutputDtype dtype = call.dtype();
        OpenAiShapedCodec.VectorReader reader = dtype == OutputDtype.FLOAT ? OpenAiShapedCodec.BASE64_OR_FLOATS
                : BYTE_READERS[dtype.ordinal()];
        return OpenAiShapedCodec.decode(body, call.inputs().size(), OptionalInt.empty(), provider, call.upstreamModel(), reader);
    }

    /** Per dtype, built once: no reader is made per vector. */
    private static final OpenAiShapedCodec.VectorReader[] BYTE_READERS = new OpenAiShapedCodec.VectorReader[OutputDtype.values().length];

    static {
        for (OutputDtype dtype : OutputDtype.values()) {
            JsonCursor.ValueReader<Embedding> integers = p -> JsonVectors.bytes(p, dtype);
            BYTE_READERS[dtype.ordinal()] = (c, body, provider) -> switch (c.peek()) {
                case '"' -> base64Bytes(c.string(), dtype, provider);
                case '[' -> c.array(JSON, integers);
                default -> throw OpenAiShapedCodec.invalid(provider, "embedding is neither base64 nor an array");
            };
        }
    }

    /** One byte per value: the signed or unsigned value's low eight bits, exactly as Embedding.Bytes keeps them. */
    private static Embedding base64Bytes(String text, OutputDtype dtype, String provider) {
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw OpenAiShapedCodec.invalid(provider, "embedding is not valid base64");
        }
        if (raw.length == 0) {
            throw OpenAiShapedCodec.invalid(provider, "embedding is empty");
        }
        return new Embedding.Bytes(raw, dtype);
    }

    /**
     * Maps {@code {"detail":"..."}} by status (400 and 422 the request's, 401 the key's, 429 with
     * {@code retry-after}, 5xx Voyage's); a body without {@code detail} keeps the status only.
     */
    static UpstreamException error(int status, byte[] body, Duration retryAfter, String provider, String apiKey) {
        return OpenAiError.parseFlat(body).toException(provider, status, retryAfter, null, apiKey);
    }
}
