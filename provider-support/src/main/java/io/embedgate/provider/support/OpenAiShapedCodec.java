package io.embedgate.provider.support;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.OptionalInt;

import com.fasterxml.jackson.core.JsonFactory;

import io.embedgate.spi.Embedding;
import io.embedgate.spi.EmbeddingResult;
import io.embedgate.spi.OutputDtype;
import io.embedgate.spi.UpstreamException;
import io.embedgate.spi.Usage;

/**
 * The answer of an OpenAI-shaped embeddings API (OpenAI, Azure, vLLM, TEI, Ollama, Mistral):
 * {@code {"data":[{"embedding":...,"index":n}],"model":...,"usage":{"prompt_tokens","total_tokens"}}}.
 * Read with {@link JsonCursor} in one pass; how one {@code embedding} value becomes a vector is the
 * provider's {@link VectorReader}.
 */
public final class OpenAiShapedCodec {

    private static final JsonFactory JSON = JsonFactory.builder().build();

    /** Reads the {@code embedding} value at the cursor. */
    @FunctionalInterface
    public interface VectorReader {

        /**
         * @throws UpstreamException for a value of the wrong kind (use {@link #invalid})
         * @throws IOException       for malformed JSON
         */
        Embedding read(JsonCursor c, byte[] body, String provider) throws IOException;
    }

    /** Base64 float32 (checked, not decoded) or, from servers that ignore {@code encoding_format}, a number array. */
    public static final VectorReader BASE64_OR_FLOATS = (c, body, provider) -> {
        int t = c.peek();
        if (t == '"') {
            return base64Vector(c, body, provider);
        }
        if (t == '[') {
            return Embedding.Floats.of(c.floats(JSON));
        }
        throw invalid(provider, "embedding is neither base64 nor an array");
    };

    /** A number array only. */
    public static final VectorReader FLOATS = (c, body, provider) -> {
        if (c.peek() != '[') {
            throw invalid(provider, "embedding is not an array");
        }
        return Embedding.Floats.of(c.floats(JSON));
    };

    /** Per quantised type, built once: no reader is made per vector. */
    private static final VectorReader[] INTEGERS = new VectorReader[OutputDtype.values().length];

    static {
        for (OutputDtype dtype : OutputDtype.values()) {
            JsonCursor.ValueReader<Embedding> bytes = p -> JsonVectors.bytes(p, dtype);
            INTEGERS[dtype.ordinal()] = (c, body, provider) -> {
                if (c.peek() != '[') {
                    throw invalid(provider, dtype.wireName() + " embedding is not an array");
                }
                return c.array(JSON, bytes);
            };
        }
    }

    private OpenAiShapedCodec() {
    }

    /**
     * An integer array of a quantised type (Mistral's and Jina's int8, uint8, binary and ubinary), kept
     * as raw bytes by {@link JsonVectors#bytes}.
     */
    public static VectorReader integers(OutputDtype dtype) {
        if (dtype == OutputDtype.FLOAT) {
            throw new IllegalArgumentException("floats are read by FLOATS or BASE64_OR_FLOATS");
        }
        return INTEGERS[dtype.ordinal()];
    }

    /**
     * Decodes a 200 body. Places vectors by their {@code index} (their position when it is missing)
     * and insists on exactly one vector per input, all of one size (the requested one, when given).
     *
     * @param expected       the number of inputs
     * @param dimensions     the requested size, checked against {@link Embedding#length()}; empty to skip
     * @param requestedModel the model reported when the answer names none
     */
    public static EmbeddingResult decode(byte[] body, int expected, OptionalInt dimensions, String provider, String requestedModel,
            VectorReader reader) {
        Embedding[] vectors = new Embedding[expected];
        long promptTokens = -1;
        long totalTokens = -1;
        String model = requestedModel;
        // JsonCursor, not Jackson: each base64 vector is scanned once, by base64Vector, where Jackson
        // would scan it again to find its end.
        JsonCursor c = new JsonCursor(body);
        try {
            if (c.peek() != '{') {
                throw invalid(provider, "response is not a JSON object");
            }
            if (c.startObject()) {
                do {
                    switch (c.name()) {
                        case "data" -> readData(c, vectors, provider, body, reader);
                        case "model" -> {
                            if (c.peek() == '"') {
                                model = c.string();
                            } else {
                                c.skipValue();
                            }
                        }
                        case "usage" -> {
                            if (c.peek() == '{') {
                                if (c.startObject()) {
                                    do {
                                        switch (c.name()) {
                                            case "prompt_tokens" -> promptTokens = orElse(c.integer(), promptTokens);
                                            case "total_tokens" -> totalTokens = orElse(c.integer(), totalTokens);
                                            default -> c.skipValue();
                                        }
                                    } while (c.more('}'));
                                }
                            } else {
                                c.skipValue();
                            }
                        }
                        default -> c.skipValue();
                    }
                } while (c.more('}'));
            }
        } catch (IOException e) {
            throw invalid(provider, "response is not valid JSON (" + e.getMessage() + ")");
        }
        int size = -1;
        for (int i = 0; i < expected; i++) {
            Embedding v = vectors[i];
            if (v == null) {
                throw invalid(provider, "returned no vector for input " + i + " of " + expected);
            }
            if (size < 0) {
                size = v.length();
            } else if (v.length() != size) {
                throw invalid(provider, "returned vectors of different sizes (" + size + " and " + v.length() + ")");
            }
        }
        if (dimensions.isPresent() && size != dimensions.getAsInt()) {
            throw invalid(provider, "returned " + size + "-dimension vectors, " + dimensions.getAsInt() + " were requested");
        }
        if (promptTokens < 0) {
            promptTokens = Math.max(totalTokens, 0);
        }
        if (totalTokens < 0) {
            totalTokens = promptTokens;
        }
        return new EmbeddingResult(Arrays.asList(vectors), new Usage(promptTokens, totalTokens, false), model);
    }

    private static void readData(JsonCursor c, Embedding[] vectors, String provider, byte[] body, VectorReader reader)
            throws IOException {
        if (c.peek() != '[') {
            throw invalid(provider, "'data' is not an array");
        }
        if (c.startArray()) {
            int position = 0;
            do {
                if (c.peek() != '{') {
                    throw invalid(provider, "'data' holds something other than objects");
                }
                readItem(c, vectors, position++, provider, body, reader);
            } while (c.more(']'));
        }
    }

    private static void readItem(JsonCursor c, Embedding[] vectors, int position, String provider, byte[] body, VectorReader reader)
            throws IOException {
        long index = position;
        Embedding vector = null;
        if (c.startObject()) {
            do {
                switch (c.name()) {
                    case "index" -> index = orElse(c.integer(), index);
                    case "embedding" -> vector = reader.read(c, body, provider);
                    default -> c.skipValue();
                }
            } while (c.more('}'));
        }
        if (vector == null) {
            throw invalid(provider, "returned an item without an embedding (index " + index + ")");
        }
        if (index < 0 || index >= vectors.length) {
            throw invalid(provider, "returned index " + index + " for " + vectors.length + " inputs");
        }
        if (vectors[(int) index] != null) {
            throw invalid(provider, "returned index " + index + " twice");
        }
        vectors[(int) index] = vector;
    }

    private static long orElse(Long value, long otherwise) {
        return value == null ? otherwise : value;
    }

    /**
     * The base64 string at the cursor as a vector that points into the body: validated (alphabet
     * and length) in one pass over the bytes, but not decoded. A base64 client then gets the
     * provider's text as is; a float client decodes it once. Strings with escapes (never valid
     * base64) are rejected.
     */
    public static Embedding.Floats base64Vector(JsonCursor c, byte[] body, String provider) throws IOException {
        int from = c.stringContent();
        int end = alphabetEnd(body, from);
        for (int pad = 0; pad < 2 && end < body.length && body[end] == '='; pad++) {
            end++;
        }
        if (end >= body.length || body[end] != '"') {
            throw invalid(provider, "embedding is not valid base64");
        }
        c.resumeAfter(end);
        try {
            return Embedding.Floats.ofBase64(body, from, end - from);
        } catch (IllegalArgumentException e) {
            throw invalid(provider, "base64 embedding is not float32 data: " + e.getMessage());
        }
    }

    /** Bytes of the standard base64 alphabet ('=' padding is allowed only at the end). */
    private static final boolean[] BASE64_CHARS = new boolean[256];

    static {
        for (char c : "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".toCharArray()) {
            BASE64_CHARS[c] = true;
        }
    }

    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGH_BITS = 0x8080808080808080L;

    /**
     * The index of the first byte at or after {@code from} that is not in the base64 alphabet. A
     * 1536-dimension vector is 8 KB of base64, so the bulk is checked sixteen bytes per step (SWAR,
     * one branch per step); a byte-by-byte table walk was a quarter of the gateway's CPU for a
     * 16-input base64 request.
     */
    static int alphabetEnd(byte[] b, int from) {
        int i = from;
        for (int last = b.length - 16; i <= last
                && (base64Mask((long) LONG_LE.get(b, i)) & base64Mask((long) LONG_LE.get(b, i + 8))) == HIGH_BITS; i += 16) {
            // the sixteen bytes at i are all base64
        }
        for (int last = b.length - 8; i <= last && allBase64((long) LONG_LE.get(b, i)); i += 8) {
            // the eight bytes at i are all base64
        }
        while (i < b.length && BASE64_CHARS[b[i] & 0xff]) {
            i++;
        }
        return i;
    }

    /** True when each of the eight bytes of {@code x} is in A-Z, a-z, 0-9, '+' or '/'. */
    static boolean allBase64(long x) {
        return base64Mask(x) == HIGH_BITS;
    }

    /**
     * The high bit of each byte of {@code x} set where that byte is in the alphabet, exactly when all
     * eight bytes are ASCII. A non-ASCII byte clears its own bit (its sums may carry into the next
     * byte's, so the mask is then only good for "not all").
     */
    private static long base64Mask(long x) {
        // x | 0x20 maps exactly A-Z and a-z (and nothing else) into a-z.
        long letters = inRange(x | 0x2020202020202020L, 'a', 'z');
        long digitsOrSlash = inRange(x, '/', '9');
        long plus = ~((x ^ (ONES * '+')) + ONES * 0x7f); // high bit where the byte is '+'
        return (letters | digitsOrSlash | plus) & ~x & HIGH_BITS;
    }

    /** The high bit of each byte of {@code x} (all below 0x80) set where that byte is in [lo, hi]; other bits are noise. */
    private static long inRange(long x, int lo, int hi) {
        long atLeastLo = x + ONES * (0x80 - lo);
        long aboveHi = x + ONES * (0x7f - hi);
        return atLeastLo & ~aboveHi;
    }

    /** An answer that is not what the API promises. */
    public static UpstreamException invalid(String provider, String what) {
        return UpstreamException.invalidResponse(provider, what);
    }
}
