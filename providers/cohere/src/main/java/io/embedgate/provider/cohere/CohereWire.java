package io.embedgate.provider.cohere;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import io.embedgate.provider.support.HttpProviderClient;
import io.embedgate.provider.support.JsonVectors;
import io.embedgate.provider.support.OpenAiError;
import io.embedgate.spi.Embedding;
import io.embedgate.spi.EmbeddingCall;
import io.embedgate.spi.EmbeddingInputs;
import io.embedgate.spi.EmbeddingResult;
import io.embedgate.spi.OutputDtype;
import io.embedgate.spi.ReplySize;
import io.embedgate.spi.Secrets;
import io.embedgate.spi.TokenEstimate;
import io.embedgate.spi.UpstreamException;
import io.embedgate.spi.Usage;

/**
 * The Cohere v2 embed wire format (https://docs.cohere.com/reference/embed). One element type is
 * asked for per call ({@code embedding_types: [dtype]}) and read from {@code embeddings.<dtype>}:
 * floats as JSON numbers (Cohere's {@code base64} type does not say its byte order), the quantised
 * types as integers kept as raw bytes, int8 and binary signed, uint8 and ubinary unsigned.
 */
final class CohereWire {

    private static final JsonFactory JSON = JsonFactory.builder().build();

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

    static byte[] request(EmbeddingCall call) {
        List<String> texts = ((EmbeddingInputs.Texts) call.inputs()).values();
        ByteArrayOutputStream out = new ByteArrayOutputStream(128 + texts.size() * 96);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("model", call.upstreamModel());
            g.writeArrayFieldStart("texts");
            for (String t : texts) {
                g.writeString(t);
            }
            g.writeEndArray();
            // Required by Cohere for every embed model: without the client's word, a document.
            g.writeStringField("input_type", String.valueOf(call.options().getOrDefault(CohereAdapter.INPUT_TYPE,
                    CohereAdapter.DEFAULT_INPUT_TYPE)));
            g.writeArrayFieldStart("embedding_types");
            g.writeString(call.dtype().wireName());
            g.writeEndArray();
            if (call.dimensions().isPresent()) {
                g.writeNumberField("output_dimension", call.dimensions().getAsInt());
            }
            Object truncate = call.options().get(CohereAdapter.TRUNCATE);
            if (truncate != null) {
                g.writeStringField("truncate", truncate.toString());
            }
            if (call.options().get(CohereAdapter.MAX_TOKENS) instanceof Number n) {
                g.writeNumberField("max_tokens", n.intValue());
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * Decodes {@code {"embeddings":{"<dtype>":[[...],...]},"meta":{"billed_units":{"input_tokens":n}}}}:
     * one vector per input, in input order, all of one length (the requested size, or its eighth for
     * the packed types, when known). Without billed units, usage is estimated and marked so.
     */
    static EmbeddingResult response(byte[] body, EmbeddingCall call, String provider) {
        OutputDtype dtype = call.dtype();
        List<Embedding> vectors = null;
        long billed = -1;
        try (JsonParser p = JSON.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw invalid(provider, "response is not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                if (field.equals("embeddings") && t == JsonToken.START_OBJECT) {
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String type = p.currentName();
                        JsonToken v = p.nextToken();
                        if (type.equals(dtype.wireName()) && v == JsonToken.START_ARRAY) {
                            vectors = vectors(p, dtype);
                        } else {
                            p.skipChildren();
                        }
                    }
                } else if (field.equals("embeddings") && t == JsonToken.START_ARRAY && dtype == OutputDtype.FLOAT) {
                    vectors = vectors(p, dtype); // the v1 "embeddings_floats" shape
                } else if (field.equals("meta") && t == JsonToken.START_OBJECT) {
                    billed = billedInputTokens(p);
                } else {
                    p.skipChildren();
                }
            }
        } catch (IOException e) {
            throw invalid(provider, "response is not valid JSON or holds a bad vector (" + e.getMessage() + ")");
        }
        List<String> texts = ((EmbeddingInputs.Texts) call.inputs()).values();
        if (vectors == null) {
            throw invalid(provider, "response has no embeddings." + dtype.wireName());
        }
        if (vectors.size() != texts.size()) {
            throw invalid(provider, "returned " + vectors.size() + " vectors for " + texts.size() + " inputs");
        }
        int expected = call.valuesPerVector();
        int length = vectors.get(0).length();
        for (Embedding e : vectors) {
            if (e.length() != length || expected > 0 && e.length() != expected) {
                throw invalid(provider, "returned a " + e.length() + "-value " + dtype.wireName() + " vector, expected "
                        + (expected > 0 ? expected : length));
            }
        }
        if (billed >= 0) {
            return new EmbeddingResult(vectors, new Usage(billed, billed, false), call.upstreamModel());
        }
        long tokens = 0;
        for (String t : texts) {
            tokens += TokenEstimate.usage(t);
        }
        return new EmbeddingResult(vectors, new Usage(tokens, tokens, true), call.upstreamModel());
    }

    /** The arrays of one type (the parser is at their START_ARRAY). */
    private static List<Embedding> vectors(JsonParser p, OutputDtype dtype) throws IOException {
        List<Embedding> out = new ArrayList<>();
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t != JsonToken.START_ARRAY) {
                throw new IOException("a vector is not an array");
            }
            out.add(dtype == OutputDtype.FLOAT ? Embedding.Floats.of(JsonVectors.floats(p)) : JsonVectors.bytes(p, dtype));
        }
        return out;
    }

    /** {@code meta.billed_units.input_tokens}, -1 when absent (the parser is at meta's START_OBJECT). */
    private static long billedInputTokens(JsonParser p) throws IOException {
        long tokens = -1;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            JsonToken t = p.nextToken();
            if (f.equals("billed_units") && t == JsonToken.START_OBJECT) {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String u = p.currentName();
                    JsonToken v = p.nextToken();
                    if (u.equals("input_tokens") && (v == JsonToken.VALUE_NUMBER_INT || v == JsonToken.VALUE_NUMBER_FLOAT)) {
                        tokens = Math.max(0, p.getLongValue());
                    } else {
                        p.skipChildren();
                    }
                }
            } else {
                p.skipChildren();
            }
        }
        return tokens;
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

    private static UpstreamException invalid(String provider, String what) {
        return UpstreamException.invalidResponse(provider, what);
    }
}
