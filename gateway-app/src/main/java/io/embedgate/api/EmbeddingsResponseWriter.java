package io.embedgate.api;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;
import java.util.Base64;
import java.util.List;

import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.ext.MessageBodyWriter;
import jakarta.ws.rs.ext.Provider;

import io.embedgate.spi.Embedding;
import io.embedgate.spi.Float32;
import io.embedgate.spi.OutputDtype;

/**
 * Streams the OpenAI list response straight from {@code float[]} to the socket in fixed-size chunks:
 * no object tree, no boxing, no per-number strings. Floats are printed by {@link FloatText} (nine
 * significant digits, exact round trip); base64 is the little-endian float32 bytes, as the OpenAI
 * SDKs decode them. Quantised vectors are integer arrays, or base64 of their raw bytes.
 */
@Provider
@Produces(MediaType.APPLICATION_JSON)
public class EmbeddingsResponseWriter implements MessageBodyWriter<EmbeddingsResponse> {

    private static final int CHUNK = 32 * 1024;
    private static final Base64.Encoder BASE64 = Base64.getEncoder();

    @Override
    public boolean isWriteable(Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType) {
        return type == EmbeddingsResponse.class;
    }

    @Override
    public void writeTo(EmbeddingsResponse r, Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType,
            MultivaluedMap<String, Object> headers, OutputStream out) throws IOException {
        new Chunks(out).response(r).flush();
    }

    /** A byte buffer that is handed to the stream whenever it fills up. */
    static final class Chunks {
        private final OutputStream out;
        private byte[] buf = new byte[CHUNK];
        private int pos;

        Chunks(OutputStream out) {
            this.out = out;
        }

        Chunks response(EmbeddingsResponse r) throws IOException {
            ascii("{\"object\":\"list\",\"data\":[");
            List<Embedding> data = r.data();
            for (int i = 0, n = data.size(); i < n; i++) {
                ascii(i == 0 ? "{\"object\":\"embedding\",\"index\":" : ",{\"object\":\"embedding\",\"index\":");
                number(i);
                ascii(",\"embedding\":");
                vector(data.get(i), r.base64());
                room(1);
                buf[pos++] = '}';
            }
            ascii("],\"model\":");
            string(r.model());
            ascii(",\"usage\":{\"prompt_tokens\":");
            number(r.usage().promptTokens());
            ascii(",\"completion_tokens\":0,\"total_tokens\":");
            number(r.usage().totalTokens());
            if (r.cachedTokens() != null) {
                ascii(",\"prompt_tokens_details\":{\"cached_tokens\":");
                number(r.cachedTokens());
                ascii("}");
            }
            ascii("}");
            if (r.debug() != null) {
                ascii(",\"debug\":");
                bytes(r.debug(), 0, r.debug().length);
            }
            ascii("}");
            return this;
        }

        private void vector(Embedding e, boolean base64) throws IOException {
            if (e instanceof Embedding.Floats f) {
                if (base64 && f.hasBase64()) {
                    // The provider's float32 base64 is exactly what the client asked for.
                    room(1);
                    buf[pos++] = '"';
                    bytes(f.base64Text(), f.base64Offset(), f.base64Length());
                    room(1);
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
            room(1);
            buf[pos++] = '[';
            byte[] v = b.values();
            for (int i = 0; i < v.length; i++) {
                if (i > 0) {
                    room(1);
                    buf[pos++] = ',';
                }
                number(unsigned ? v[i] & 0xff : v[i]);
            }
            room(1);
            buf[pos++] = ']';
        }

        private void floats(float[] v) throws IOException {
            room(1);
            buf[pos++] = '[';
            for (int i = 0; i < v.length; i++) {
                room(FloatText.MAX_CHARS + 1);
                if (i > 0) {
                    buf[pos++] = ',';
                }
                pos = FloatText.write(v[i], buf, pos);
            }
            room(1);
            buf[pos++] = ']';
        }

        private void base64(byte[] raw) throws IOException {
            byte[] encoded = BASE64.encode(raw);
            room(2);
            buf[pos++] = '"';
            bytes(encoded);
            room(1);
            buf[pos++] = '"';
        }

        private void bytes(byte[] b) throws IOException {
            bytes(b, 0, b.length);
        }

        private void bytes(byte[] b, int from, int length) throws IOException {
            int off = from;
            int end = from + length;
            while (off < end) {
                if (pos == buf.length) {
                    drain();
                }
                int n = Math.min(end - off, buf.length - pos);
                System.arraycopy(b, off, buf, pos, n);
                pos += n;
                off += n;
            }
        }

        private void number(long v) throws IOException {
            room(20);
            String s = Long.toString(v);
            for (int i = 0; i < s.length(); i++) {
                buf[pos++] = (byte) s.charAt(i);
            }
        }

        /** For the gateway's own constant ASCII strings. */
        private void ascii(String s) throws IOException {
            room(s.length());
            for (int i = 0; i < s.length(); i++) {
                buf[pos++] = (byte) s.charAt(i);
            }
        }

        /** A JSON string literal, escaped, UTF-8. */
        private void string(String s) throws IOException {
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
            bytes(b.append('"').toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }

        private void room(int n) throws IOException {
            if (pos + n > buf.length) {
                drain();
            }
        }

        private void drain() throws IOException {
            out.write(buf, 0, pos);
            pos = 0;
        }

        void flush() throws IOException {
            drain();
        }
    }
}
