package io.embedgate.api;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

import io.embedgate.spi.Embedding;
import io.embedgate.spi.Float32;
import io.embedgate.spi.OutputDtype;

/**
 * A growable byte buffer that prints the pieces of an embeddings response: ASCII constants,
 * numbers, JSON strings, and vectors (floats as {@link FloatText}, base64 of float32, integers).
 * It only ever grows by what is printed into it; the caller empties it ({@link #clear()}) once it
 * has handed the bytes on, so a response of any size passes through a buffer of one chunk plus one
 * vector.
 */
final class TextBuffer {

    private static final Base64.Encoder BASE64 = Base64.getEncoder();

    byte[] buf;
    int pos;

    TextBuffer(int capacity) {
        this.buf = new byte[capacity];
    }

    void clear() {
        pos = 0;
    }

    /** One item of the data array, with its separator: {@code {"object":"embedding","index":i,"embedding":...}}. */
    void item(int index, Embedding e, boolean base64) {
        ascii(index == 0 ? "{\"object\":\"embedding\",\"index\":" : ",{\"object\":\"embedding\",\"index\":");
        number(index);
        ascii(",\"embedding\":");
        vector(e, base64);
        room(1);
        buf[pos++] = '}';
    }

    private void vector(Embedding e, boolean base64) {
        if (e instanceof Embedding.Floats f) {
            if (base64 && f.hasBase64()) {
                // The provider's float32 base64 is exactly what the client asked for.
                room(f.base64Length() + 2);
                buf[pos++] = '"';
                System.arraycopy(f.base64Text(), f.base64Offset(), buf, pos, f.base64Length());
                pos += f.base64Length();
                buf[pos++] = '"';
            } else if (base64) {
                base64(Float32.toLittleEndian(f.values()));
            } else {
                floats(f.values());
            }
            return;
        }
        Embedding.Bytes b = (Embedding.Bytes) e;
        if (base64) {
            base64(b.values());
            return;
        }
        boolean unsigned = b.dtype() == OutputDtype.UINT8 || b.dtype() == OutputDtype.UBINARY;
        byte[] v = b.values();
        room(v.length * 5 + 2);
        buf[pos++] = '[';
        for (int i = 0; i < v.length; i++) {
            if (i > 0) {
                buf[pos++] = ',';
            }
            number(unsigned ? v[i] & 0xff : v[i]);
        }
        buf[pos++] = ']';
    }

    private void floats(float[] v) {
        // One check for the whole vector: no number is longer than MAX_CHARS, plus its comma.
        room(v.length * (FloatText.MAX_CHARS + 1) + 2);
        byte[] b = buf;
        int p = pos;
        b[p++] = '[';
        for (int i = 0; i < v.length; i++) {
            if (i > 0) {
                b[p++] = ',';
            }
            p = FloatText.write(v[i], b, p);
        }
        b[p++] = ']';
        pos = p;
    }

    private void base64(byte[] raw) {
        byte[] encoded = BASE64.encode(raw);
        room(encoded.length + 2);
        buf[pos++] = '"';
        System.arraycopy(encoded, 0, buf, pos, encoded.length);
        pos += encoded.length;
        buf[pos++] = '"';
    }

    void bytes(byte[] b, int from, int length) {
        room(length);
        System.arraycopy(b, from, buf, pos, length);
        pos += length;
    }

    void number(long v) {
        room(20);
        if (v >= 0 && v < 10) {
            buf[pos++] = (byte) ('0' + v);
            return;
        }
        String s = Long.toString(v);
        for (int i = 0; i < s.length(); i++) {
            buf[pos++] = (byte) s.charAt(i);
        }
    }

    /** For the gateway's own constant ASCII strings. */
    void ascii(String s) {
        room(s.length());
        for (int i = 0; i < s.length(); i++) {
            buf[pos++] = (byte) s.charAt(i);
        }
    }

    /** A JSON string literal, escaped, UTF-8. */
    void string(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        byte[] utf8 = b.append('"').toString().getBytes(StandardCharsets.UTF_8);
        bytes(utf8, 0, utf8.length);
    }

    private void room(int n) {
        if (pos + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + n));
        }
    }
}
