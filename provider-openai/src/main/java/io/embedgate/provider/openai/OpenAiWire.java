package io.embedgate.provider.openai;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import io.embedgate.provider.support.JsonCursor;
import io.embedgate.provider.support.JsonVectors;
import io.embedgate.spi.Embedding;
import io.embedgate.spi.EmbeddingCall;
import io.embedgate.spi.EmbeddingInputs;
import io.embedgate.spi.EmbeddingResult;
import io.embedgate.spi.ReplySize;
import io.embedgate.spi.Secrets;
import io.embedgate.spi.UpstreamException;
import io.embedgate.spi.Usage;

/** The OpenAI embeddings wire format (https://platform.openai.com/docs/api-reference/embeddings), as a streaming codec. */
final class OpenAiWire {

    private static final JsonFactory JSON = JsonFactory.builder().build();

    /**
     * Replies are base64 float32 (asked for in every request); servers that ignore
     * {@code encoding_format} answer JSON numbers, up to ~24 characters each with separators (and
     * more when pretty-printed), which the cap allows.
     */
    static final ReplySize REPLY = new ReplySize(ReplySize.BASE64_FLOAT32, 40);

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
        Embedding.Floats[] vectors = new Embedding.Floats[expected];
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
                        case "data" -> readData(c, vectors, provider, body);
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
        List<Embedding> out = new ArrayList<>(expected);
        int size = -1;
        for (int i = 0; i < expected; i++) {
            Embedding.Floats v = vectors[i];
            if (v == null) {
                throw invalid(provider, "returned no vector for input " + i + " of " + expected);
            }
            if (size < 0) {
                size = v.length();
            } else if (v.length() != size) {
                throw invalid(provider, "returned vectors of different sizes (" + size + " and " + v.length() + ")");
            }
            out.add(v);
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
        return new EmbeddingResult(out, new Usage(promptTokens, totalTokens, false), model);
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

    /**
     * The base64 string at the cursor as a vector that points into the body: validated (alphabet
     * and length) in one pass over the bytes, but not decoded. A base64 client then gets the
     * provider's text as is; a float client decodes it once. Strings with escapes (never valid
     * base64) are rejected.
     */
    private static Embedding.Floats base64Vector(JsonCursor c, byte[] body, String provider) throws IOException {
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

    private static void readData(JsonCursor c, Embedding.Floats[] vectors, String provider, byte[] body) throws IOException {
        if (c.peek() != '[') {
            throw invalid(provider, "'data' is not an array");
        }
        if (c.startArray()) {
            int position = 0;
            do {
                if (c.peek() != '{') {
                    throw invalid(provider, "'data' holds something other than objects");
                }
                readItem(c, vectors, position++, provider, body);
            } while (c.more(']'));
        }
    }

    private static void readItem(JsonCursor c, Embedding.Floats[] vectors, int position, String provider, byte[] body) throws IOException {
        long index = position;
        Embedding.Floats vector = null;
        if (c.startObject()) {
            do {
                switch (c.name()) {
                    case "index" -> index = orElse(c.integer(), index);
                    case "embedding" -> {
                        int t = c.peek();
                        if (t == '"') {
                            vector = base64Vector(c, body, provider);
                        } else if (t == '[') {
                            vector = Embedding.Floats.of(c.floats(JSON));
                        } else {
                            throw invalid(provider, "embedding is neither base64 nor an array");
                        }
                    }
                    default -> c.skipValue();
                }
            } while (c.more('}'));
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
     * Maps an error response. Understands OpenAI's {@code {"error":{message,type,param,code}}}, Azure's
     * variant with a string {@code code}, and the flat {@code {"message"}}/{@code {"detail"}}/
     * {@code {"error":"..."}} bodies of OpenAI-compatible servers. Provider text is redacted.
     */
    static UpstreamException error(int status, byte[] body, Duration retryAfter, Boolean shouldRetry, String provider, String apiKey) {
        String message = null;
        String type = null;
        String code = null;
        try (JsonParser p = JSON.createParser(body)) {
            if (p.nextToken() == JsonToken.START_OBJECT) {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String field = p.currentName();
                    JsonToken t = p.nextToken();
                    if (field.equals("error") && t == JsonToken.START_OBJECT) {
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String f = p.currentName();
                            JsonToken v = p.nextToken();
                            if (v == JsonToken.VALUE_STRING || v == JsonToken.VALUE_NUMBER_INT) {
                                switch (f) {
                                    case "message" -> message = p.getText();
                                    case "type" -> type = p.getText();
                                    case "code" -> code = p.getText();
                                    default -> {
                                    }
                                }
                            } else {
                                p.skipChildren();
                            }
                        }
                    } else if ((field.equals("error") || field.equals("message") || field.equals("detail"))
                            && t == JsonToken.VALUE_STRING) {
                        message = message == null ? p.getText() : message;
                    } else {
                        p.skipChildren();
                    }
                }
            }
        } catch (IOException notJson) {
            // a non-JSON error page: keep the status, drop the body
        }
        return UpstreamException.fromStatus(provider, status, Secrets.token(type, apiKey), Secrets.token(code, apiKey),
                Secrets.redact(JsonVectors.clip(message, status), apiKey), retryAfter, shouldRetry);
    }

    private static UpstreamException invalid(String provider, String what) {
        return UpstreamException.invalidResponse(provider, what);
    }
}
