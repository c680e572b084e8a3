package io.embedgate.provider.support;

import java.io.IOException;
import java.util.Arrays;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import io.embedgate.spi.Float32;

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

    /** A provider message fit for a client: at most 1,000 characters, a fallback when there is none. */
    public static String clip(String message, int status) {
        if (message == null || message.isEmpty()) {
            return "HTTP " + status + " without a readable error body";
        }
        return message.length() > 1000 ? message.substring(0, 1000) + "..." : message;
    }
}
