package io.embedgate.provider.support;

import java.io.IOException;
import java.util.Arrays;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import io.embedgate.spi.Embedding;
import io.embedgate.spi.Float32;
import io.embedgate.spi.OutputDtype;

/** Reading vectors and messages out of provider JSON. */
public final class JsonVectors {

    private JsonVectors() {
    }

    /**
     * Reads a JSON number array (the parser just returned START_ARRAY) into {@code float[]}.
     *
     * @throws IOException for non-numbers, an empty array, or values that overflow float32
     */
    public static float[] floats(JsonParser p) throws IOException {
        float[] buf = new float[1536];
        int n = 0;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t != JsonToken.VALUE_NUMBER_FLOAT && t != JsonToken.VALUE_NUMBER_INT) {
                throw new IOException("non-numeric vector element");
            }
            if (n == buf.length) {
                buf = Arrays.copyOf(buf, n * 2);
            }
            buf[n++] = p.getFloatValue();
        }
        float[] v = n == buf.length ? buf : Arrays.copyOf(buf, n);
        if (n == 0 || !Float32.allFinite(v)) {
            throw new IOException("empty or non-finite vector");
        }
        return v;
    }

    /**
     * Reads a JSON integer array of a quantised type (the parser just returned START_ARRAY) as raw
     * bytes: int8 and binary from -128 to 127, uint8 and ubinary from 0 to 255, each kept as its low
     * eight bits (the {@link Embedding.Bytes} convention).
     *
     * @throws IOException for non-integers, values out of the type's range, or an empty array
     */
    public static Embedding.Bytes bytes(JsonParser p, OutputDtype dtype) throws IOException {
        boolean signed = dtype == OutputDtype.INT8 || dtype == OutputDtype.BINARY;
        int min = signed ? -128 : 0;
        int max = signed ? 127 : 255;
        byte[] buf = new byte[256];
        int n = 0;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t != JsonToken.VALUE_NUMBER_INT) {
                throw new IOException(dtype.wireName() + " vector holds a non-integer");
            }
            int v = p.getIntValue();
            if (v < min || v > max) {
                throw new IOException(dtype.wireName() + " value " + v + " out of range");
            }
            if (n == buf.length) {
                buf = Arrays.copyOf(buf, n * 2);
            }
            buf[n++] = (byte) v;
        }
        if (n == 0) {
            throw new IOException("empty vector");
        }
        return new Embedding.Bytes(Arrays.copyOf(buf, n), dtype);
    }

    /** A provider message fit for a client: at most 1,000 characters, a fallback when there is none. */
    public static String clip(String message, int status) {
        if (message == null || message.isEmpty()) {
            return "HTTP " + status + " without a readable error body";
        }
        return message.length() > 1000 ? message.substring(0, 1000) + "..." : message;
    }
}
