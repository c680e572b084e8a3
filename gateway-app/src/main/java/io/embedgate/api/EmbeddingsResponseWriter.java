package io.embedgate.api;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicIntegerArray;

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
 *
 * <p>Printing floats is the one CPU-heavy step of a large response (a 16 x 1536 float response is
 * 24,576 numbers). When a response has at least {@link #PARALLEL_FLOATS} of them and the machine has
 * a spare core, a thread of the common fork-join pool prints vectors from the back while the event
 * loop prints them from the front; see {@link BackPrinter}.
 */
@Provider
@Produces(MediaType.APPLICATION_JSON)
public class EmbeddingsResponseWriter implements MessageBodyWriter<EmbeddingsResponse> {

    private static final int CHUNK = 32 * 1024;
    /** Below this many floats a hand-off (a thread wake-up, tens of microseconds) costs more than it saves. */
    static final int PARALLEL_FLOATS = 8192;
    /**
     * Hands the back half to the common pool when there is a second core. Asked at each hand-off,
     * not fixed at class initialisation (a native image may initialise classes at build time, on
     * another machine). A part nobody runs is simply printed by the event loop.
     */
    private static final Executor SIDE = part -> {
        if (Runtime.getRuntime().availableProcessors() > 1) {
            ForkJoinPool.commonPool().execute(part);
        }
    };
    private static final Base64.Encoder BASE64 = Base64.getEncoder();
    /**
     * Each thread's chunk buffer, reused from response to response: a stream copies what it is given
     * before {@code write} returns, and a fresh 32 KB array per response was the largest single
     * allocation of a small request (about 40% of its bytes).
     */
    private static final ThreadLocal<byte[]> CHUNK_BUFFER = ThreadLocal.withInitial(() -> new byte[CHUNK]);

    @Override
    public boolean isWriteable(Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType) {
        return type == EmbeddingsResponse.class;
    }

    @Override
    public void writeTo(EmbeddingsResponse r, Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType,
            MultivaluedMap<String, Object> headers, OutputStream out) throws IOException {
        new Chunks(out, SIDE).response(r).flush();
    }

    /**
     * A byte buffer that is handed to the stream whenever it fills up; with no stream, it grows and
     * keeps everything (the back half of a shared response).
     */
    static final class Chunks {
        private final OutputStream out;
        /** Where a second part of a large float response is printed; null: everything on this thread. */
        private final Executor side;
        private byte[] buf;
        private int pos;

        Chunks(OutputStream out, Executor side) {
            this.out = out;
            this.side = side;
            // Without a stream the buffer is the result (it grows and is kept), so it is never shared.
            this.buf = out != null ? CHUNK_BUFFER.get() : new byte[CHUNK];
        }

        Chunks response(EmbeddingsResponse r) throws IOException {
            ascii("{\"object\":\"list\",\"data\":[");
            List<Embedding> data = r.data();
            int n = data.size();
            BackPrinter back = side == null || r.base64() || !worthSharing(data) ? null : new BackPrinter(data);
            if (back == null) {
                items(data, 0, n, r.base64());
            } else {
                side.execute(back);
                for (int i = 0; i < n; i++) {
                    if (!back.claimFront(i)) {
                        back.writeBack(i, this); // the back side has every vector from here on
                        break;
                    }
                    items(data, i, i + 1, false);
                }
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

        /** Items {@code from} (inclusive) to {@code to} of the data array, with their separators. */
        Chunks items(List<Embedding> data, int from, int to, boolean base64) throws IOException {
            for (int i = from; i < to; i++) {
                ascii(i == 0 ? "{\"object\":\"embedding\",\"index\":" : ",{\"object\":\"embedding\",\"index\":");
                number(i);
                ascii(",\"embedding\":");
                vector(data.get(i), base64);
                room(1);
                buf[pos++] = '}';
            }
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

        void bytes(byte[] b, int from, int length) throws IOException {
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
            if (out == null) {
                buf = Arrays.copyOf(buf, buf.length * 2);
                return;
            }
            out.write(buf, 0, pos);
            pos = 0;
        }

        void flush() throws IOException {
            if (out != null) {
                drain();
            }
        }
    }

    /** True when a float response is large enough for a second thread to be worth waking. */
    static boolean worthSharing(List<Embedding> data) {
        if (data.size() < 2) {
            return false;
        }
        long total = 0;
        for (Embedding e : data) {
            total += e instanceof Embedding.Floats f ? f.length() : 0;
        }
        return total >= PARALLEL_FLOATS;
    }

    /**
     * Prints the vectors of a large response from the back on a pool thread while the event loop
     * prints them from the front. Each vector goes to whoever claims it first, so the two meet
     * wherever the work is balanced: waking an idle core takes 150-200 microseconds on a small VM
     * (measured), a fixed half-and-half split would leave the event loop waiting for that. If no
     * pool thread gets to it, the event loop simply prints everything itself.
     */
    static final class BackPrinter implements Runnable {
        private static final int FREE = 0;
        private static final int FRONT = 1;
        private static final int BACK = 2;

        private final List<Embedding> data;
        private final AtomicIntegerArray owner;
        /** Text of the vectors printed here, in one growing buffer; vector i is at [start[i], end[i]). */
        private Chunks text;
        private final int[] start;
        private final int[] end;
        private final CompletableFuture<Void> done = new CompletableFuture<>();

        BackPrinter(List<Embedding> data) {
            this.data = data;
            this.owner = new AtomicIntegerArray(data.size());
            this.start = new int[data.size()];
            this.end = new int[data.size()];
        }

        /** Called by the event loop for each vector in order; false once this side has it. */
        boolean claimFront(int i) {
            return owner.compareAndSet(i, FREE, FRONT);
        }

        @Override
        public void run() {
            try {
                // Vector 0 always stays with the front, which needs a start anyway.
                for (int i = data.size() - 1; i > 0 && owner.compareAndSet(i, FREE, BACK); i--) {
                    if (text == null) { // allocated only once something is won: often the front has it all
                        text = new Chunks(null, null);
                    }
                    start[i] = text.pos;
                    text.items(data, i, i + 1, false);
                    end[i] = text.pos;
                }
                done.complete(null);
            } catch (Throwable t) {
                done.completeExceptionally(t);
            }
        }

        /** Waits for this side (at most the vector it is printing) and writes vectors {@code from..} to {@code into}. */
        void writeBack(int from, Chunks into) throws IOException {
            try {
                done.join();
            } catch (CompletionException e) {
                if (e.getCause() instanceof IOException io) {
                    throw io;
                }
                if (e.getCause() instanceof RuntimeException re) {
                    throw re;
                }
                throw e;
            }
            for (int i = from; i < data.size(); i++) {
                into.bytes(text.buf, start[i], end[i] - start[i]);
            }
        }
    }
}
