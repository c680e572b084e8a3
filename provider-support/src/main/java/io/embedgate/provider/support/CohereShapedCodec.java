package io.embedgate.provider.support;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import io.embedgate.spi.Embedding;
import io.embedgate.spi.EmbeddingCall;
import io.embedgate.spi.EmbeddingResult;
import io.embedgate.spi.OutputDtype;
import io.embedgate.spi.TokenEstimate;
import io.embedgate.spi.UpstreamException;
import io.embedgate.spi.Usage;

/**
 * The answer of a Cohere-shaped embed API (Cohere, Cohere's models on Bedrock):
 * {@code {"embeddings":{"<dtype>":[[...],...]},"meta":{"billed_units":{"input_tokens":n}}}}, or for
 * floats the v1 {@code "embeddings":[[...],...]} ({@code embeddings_floats}). Floats are read as JSON
 * numbers, the quantised types as integers kept as raw bytes (int8 and binary signed, uint8 and ubinary
 * unsigned). The host decides what a missing type is called and where usage comes from.
 */
public final class CohereShapedCodec {

    private static final JsonFactory JSON = JsonFactory.builder().build();

    /**
     * What an answer holds, not yet checked against the call.
     *
     * @param vectors      the vectors of the requested type, null when the answer has none
     * @param billedTokens {@code meta.billed_units.input_tokens}, -1 when absent or not read
     */
    public record Reply(List<Embedding> vectors, long billedTokens) {
    }

    private CohereShapedCodec() {
    }

    /**
     * Reads a 200 body: the vectors of {@code dtype} and, when asked for, the billed input tokens. A
     * repeated {@code embeddings} member without that type keeps the vectors read before it.
     *
     * @param billedUnits read {@code meta.billed_units} (Cohere's own API); otherwise {@code meta} is
     *                    skipped unread, as a host that reports usage elsewhere (Bedrock) wants
     */
    public static Reply read(byte[] body, OutputDtype dtype, boolean billedUnits, String provider) {
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
                } else if (billedUnits && field.equals("meta") && t == JsonToken.START_OBJECT) {
                    billed = billedInputTokens(p);
                } else {
                    p.skipChildren();
                }
            }
        } catch (IOException e) {
            throw invalid(provider, "response is not valid JSON or holds a bad vector (" + e.getMessage() + ")");
        }
        return new Reply(vectors, billed);
    }

    /**
     * The result of a call, once its vectors are checked: one per input, in input order, all of one
     * length (the requested size, or its eighth for the packed types, when known). Usage is
     * {@code tokens}, or estimated and marked so when that is negative. Good for any answer of one
     * vector per input (Bedrock's Titan too).
     */
    public static EmbeddingResult result(List<Embedding> vectors, long tokens, EmbeddingCall call, String provider) {
        int inputs = call.inputs().size();
        if (vectors.size() != inputs) {
            throw invalid(provider, "returned " + vectors.size() + " vectors for " + inputs + " inputs");
        }
        int expected = call.valuesPerVector();
        int length = vectors.get(0).length();
        for (Embedding e : vectors) {
            if (e.length() != length || expected > 0 && e.length() != expected) {
                throw invalid(provider, "returned a " + e.length() + "-value " + call.dtype().wireName() + " vector, expected "
                        + (expected > 0 ? expected : length));
            }
        }
        if (tokens >= 0) {
            return new EmbeddingResult(vectors, new Usage(tokens, tokens, false), call.upstreamModel());
        }
        long estimate = TokenEstimate.usage(call.inputs());
        return new EmbeddingResult(vectors, new Usage(estimate, estimate, true), call.upstreamModel());
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

    private static UpstreamException invalid(String provider, String what) {
        return UpstreamException.invalidResponse(provider, what);
    }
}
