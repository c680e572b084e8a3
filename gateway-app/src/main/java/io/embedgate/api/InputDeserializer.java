package io.embedgate.api;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;

import io.embedgate.spi.EmbeddingInputs;

/**
 * Reads {@code input} in its four OpenAI shapes straight off the token stream: a string, an array of
 * strings, an array of token ids (one input) or an array of token-id arrays. Token ids go into
 * {@code int[]}, never boxed. Empty strings and empty token arrays are rejected here, with the
 * offending index.
 */
public final class InputDeserializer extends StdDeserializer<EmbeddingInputs> {

    static final String SHAPES = "a string, an array of strings, an array of token ids, or an array of token-id arrays";

    public InputDeserializer() {
        super(EmbeddingInputs.class);
    }

    @Override
    public EmbeddingInputs deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
        String field = p.currentName() == null ? "input" : p.currentName();
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_STRING) {
            String s = p.getText();
            if (s.isEmpty()) {
                throw fail(p, field + " must not be an empty string");
            }
            return new EmbeddingInputs.Texts(List.of(s));
        }
        if (t != JsonToken.START_ARRAY) {
            throw fail(p, field + " must be " + SHAPES);
        }
        t = p.nextToken();
        if (t == JsonToken.END_ARRAY) {
            return new EmbeddingInputs.Texts(List.of());
        }
        if (t == JsonToken.VALUE_STRING) {
            List<String> texts = new ArrayList<>();
            int i = 0;
            do {
                if (t != JsonToken.VALUE_STRING) {
                    throw fail(p, field + "[" + i + "] must be a string like the other items of " + field);
                }
                String s = p.getText();
                if (s.isEmpty()) {
                    throw fail(p, field + "[" + i + "] must not be an empty string");
                }
                texts.add(s);
                i++;
            } while ((t = p.nextToken()) != JsonToken.END_ARRAY);
            return new EmbeddingInputs.Texts(texts);
        }
        if (t == JsonToken.VALUE_NUMBER_INT) {
            return new EmbeddingInputs.TokenIds(List.<int[]>of(readTokens(p, field, field)));
        }
        if (t == JsonToken.START_ARRAY) {
            List<int[]> arrays = new ArrayList<>();
            int i = 0;
            do {
                String where = field + "[" + i + "]";
                if (t != JsonToken.START_ARRAY || p.nextToken() != JsonToken.VALUE_NUMBER_INT) {
                    throw fail(p, where + " must be a non-empty array of token ids like the other items of " + field);
                }
                arrays.add(readTokens(p, field, where));
                i++;
            } while ((t = p.nextToken()) != JsonToken.END_ARRAY);
            return new EmbeddingInputs.TokenIds(arrays);
        }
        throw fail(p, field + " must be " + SHAPES);
    }

    /** Reads ints from the current token to the closing bracket. */
    private static int[] readTokens(JsonParser p, String field, String where) throws IOException {
        int[] buf = new int[64];
        int n = 0;
        JsonToken t = p.currentToken();
        do {
            if (t != JsonToken.VALUE_NUMBER_INT || p.getNumberType() != JsonParser.NumberType.INT || p.getIntValue() < 0) {
                throw fail(p, where + " must contain only non-negative integer token ids");
            }
            if (n == buf.length) {
                buf = Arrays.copyOf(buf, n * 2);
            }
            buf[n++] = p.getIntValue();
        } while ((t = p.nextToken()) != JsonToken.END_ARRAY);
        return Arrays.copyOf(buf, n);
    }

    private static MismatchedInputException fail(JsonParser p, String message) {
        return MismatchedInputException.from(p, EmbeddingInputs.class, message);
    }

    @Override
    public EmbeddingInputs getNullValue(DeserializationContext ctxt) {
        return null;
    }
}
