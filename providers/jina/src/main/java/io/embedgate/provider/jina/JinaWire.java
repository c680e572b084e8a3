package io.embedgate.provider.jina;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import io.embedgate.provider.support.HttpProviderClient;
import io.embedgate.provider.support.JsonVectors;
import io.embedgate.provider.support.OpenAiError;
import io.embedgate.provider.support.OpenAiShapedCodec;
import io.embedgate.spi.EmbeddingCall;
import io.embedgate.spi.EmbeddingInputs;
import io.embedgate.spi.EmbeddingResult;
import io.embedgate.spi.OutputDtype;
import io.embedgate.spi.ReplySize;
import io.embedgate.spi.Secrets;
import io.embedgate.spi.UpstreamException;

/**
 * The Jina embeddings wire format (providers.md section 9; no official schema, so unverified): an
 * OpenAI-shaped answer, floats asked for as {@code embedding_type: base64} (little-endian float32,
 * read as numbers too should Jina send them), binary and ubinary as packed integer arrays, kept as
 * raw bytes (binary signed, ubinary unsigned).
 */
final class JinaWire {

    private static final JsonFactory JSON = JsonFactory.builder().build();

    static final ReplySize FLOAT_REPLY = new ReplySize(ReplySize.BASE64_FLOAT32, 40);
    static final ReplySize PACKED_REPLY = new ReplySize(4, 16);

    static final HttpProviderClient.Wire WIRE = new HttpProviderClient.Wire(call -> "/v1/embeddings", JinaWire::request,
            JinaWire::response,
            (status, body, retryAfter, shouldRetry, provider, apiKey) -> error(status, body, retryAfter, provider, apiKey),
            dtype -> dtype == OutputDtype.FLOAT ? FLOAT_REPLY : PACKED_REPLY);

    private JinaWire() {
    }

    static byte[] request(EmbeddingCall call) {
        List<String> texts = ((EmbeddingInputs.Texts) call.inputs()).values();
        ByteArrayOutputStream out = new ByteArrayOutputStream(96 + texts.size() * 96);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("model", call.upstreamModel());
            g.writeArrayFieldStart("input");
            for (String t : texts) {
                g.writeString(t);
            }
            g.writeEndArray();
            Object task = call.options().get(JinaAdapter.TASK);
            if (task != null) {
                g.writeStringField("task", task.toString());
            }
            if (call.dimensions().isPresent()) {
                g.writeNumberField("dimensions", call.dimensions().getAsInt());
            }
            g.writeStringField("embedding_type", call.dtype() == OutputDtype.FLOAT ? "base64" : call.dtype().wireName());
            for (String flag : List.of(JinaAdapter.LATE_CHUNKING, JinaAdapter.TRUNCATE, JinaAdapter.NORMALIZED)) {
                if (call.options().get(flag) instanceof Boolean b) {
                    g.writeBooleanField(flag, b);
                }
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** A 200 body: OpenAI's shape; float vectors checked against the requested size, packed ones by the gateway. */
    static EmbeddingResult response(byte[] body, EmbeddingCall call, String provider) {
        OutputDtype dtype = call.dtype();
        if (dtype == OutputDtype.FLOAT) {
            return OpenAiShapedCodec.decode(body, call.inputs().size(), call.dimensions(), provider, call.upstreamModel(),
                    OpenAiShapedCodec.BASE64_OR_FLOATS);
        }
        return OpenAiShapedCodec.decode(body, call.inputs().size(), OptionalInt.empty(), provider, call.upstreamModel(),
                OpenAiShapedCodec.integers(dtype));
    }

    /**
     * Jina's FastAPI bodies ({@code {"detail":"..."}}, and {@code {"detail":[{msg}]}} for a 422) and
     * the OpenAI envelope, which Jina may send instead (unverified which). A 402 is Jina's "balance
     * exhausted": the account's quota, which retrying will not mend.
     */
    static UpstreamException error(int status, byte[] body, Duration retryAfter, String provider, String apiKey) {
        OpenAiError e = OpenAiError.parse(body);
        if (e.message() == null) {
            e = OpenAiError.parseFlat(body);
        }
        if (status == 402) {
            return new UpstreamException(provider, UpstreamException.Kind.QUOTA_EXHAUSTED, status, Secrets.token(e.type(), apiKey),
                    "insufficient_balance", Secrets.redact(JsonVectors.clip(e.message(), status), apiKey), false, null, null);
        }
        return e.toException(provider, status, retryAfter, null, apiKey);
    }
}
