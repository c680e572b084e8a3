package io.embedgate.api;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicIntegerArray;

import io.embedgate.spi.Embedding;

/**
 * The text of one embeddings response, printed piece by piece on demand: {@link #fill} prints the
 * next part into a buffer and stops once it holds a chunk's worth, so the response is never in
 * memory as a whole and the writer can wait for a slow client between chunks. No object tree, no
 * boxing, no per-number strings: floats go straight from {@code float[]} to bytes.
 *
 * <p>Printing floats is the one CPU-heavy step of a large response (a 16 x 1536 float response is
 * 24,576 numbers). When a float response has between {@link #PARALLEL_FLOATS} and
 * {@link #MAX_SHARED_FLOATS} numbers and the machine has a spare core, a thread of the common
 * fork-join pool prints vectors from the back while the caller prints them from the front; see
 * {@link BackPrinter}. Larger responses are printed by the caller alone, chunk by chunk: the back
 * half of one would otherwise sit in memory whole, whatever the client's pace.
 */
final class ResponseText {

    /** Below this many floats a hand-off (a thread wake-up, tens of microseconds) costs more than it saves. */
    static final int PARALLEL_FLOATS = 8192;
    /**
     * Above this many floats no vector is printed ahead: the text printed ahead is held until it is
     * sent, at most about {@link #AHEAD_BYTES_PER_FLOAT} bytes per float (~6 MB here, counted in the
     * request's memory estimate). A 256 x 1536 response is shared; a 2048 x 3072 one is not.
     */
    static final int MAX_SHARED_FLOATS = 1 << 19;
    /** A printed float with its comma, at most 9 significant digits: about 12 bytes. */
    static final int AHEAD_BYTES_PER_FLOAT = 12;

    private enum Part {
        HEAD, ITEMS, FROM_BACK, TAIL, DONE
    }

    private final EmbeddingsResponse response;
    private final List<Embedding> data;
    private final BackPrinter back;
    private Part part = Part.HEAD;
    /** The next item to print (ITEMS), or to copy from the back printer's text (FROM_BACK). */
    private int next;

    /**
     * @param side where a second part of a large float response is printed; null: everything by the caller
     */
    ResponseText(EmbeddingsResponse response, Executor side) {
        this.response = response;
        this.data = response.data();
        this.back = side == null || response.base64() || !worthSharing(data) ? null : new BackPrinter(data);
        if (back != null) {
            side.execute(back);
        }
    }

    boolean done() {
        return part == Part.DONE;
    }

    /**
     * Prints the next part of the response into {@code out} until it holds at least {@code target}
     * bytes or the response is complete.
     *
     * @return true when the response is complete
     */
    boolean fill(TextBuffer out, int target) {
        while (part != Part.DONE && out.pos < target) {
            switch (part) {
                case HEAD -> {
                    out.ascii("{\"object\":\"list\",\"data\":[");
                    part = data.isEmpty() ? Part.TAIL : Part.ITEMS;
                }
                case ITEMS -> {
                    if (back == null || back.claimFront(next)) {
                        out.item(next, data.get(next), response.base64());
                        if (++next == data.size()) {
                            part = Part.TAIL;
                        }
                    } else {
                        back.awaitDone(); // the back side has every vector from here on
                        part = Part.FROM_BACK;
                    }
                }
                case FROM_BACK -> {
                    back.copy(next, out);
                    if (++next == data.size()) {
                        part = Part.TAIL;
                    }
                }
                case TAIL -> {
                    tail(out);
                    part = Part.DONE;
                }
                default -> throw new IllegalStateException(part.name());
            }
        }
        return part == Part.DONE;
    }

    private void tail(TextBuffer out) {
        out.ascii("],\"model\":");
        out.string(response.model());
        out.ascii(",\"usage\":{\"prompt_tokens\":");
        out.number(response.usage().promptTokens());
        out.ascii(",\"completion_tokens\":0,\"total_tokens\":");
        out.number(response.usage().totalTokens());
        if (response.cachedTokens() != null) {
            out.ascii(",\"prompt_tokens_details\":{\"cached_tokens\":");
            out.number(response.cachedTokens());
            out.ascii("}");
        }
        if (response.cost() != null) {
            out.ascii(",\"cost\":");
            out.ascii(response.cost().toPlainString());
        }
        if (response.costSaved() != null) {
            out.ascii(",\"cost_saved\":");
            out.ascii(response.costSaved().toPlainString());
        }
        out.ascii("}");
        if (response.debug() != null) {
            out.ascii(",\"debug\":");
            out.bytes(response.debug(), 0, response.debug().length);
        }
        out.ascii("}");
    }

    /** True when a float response is large enough for a second thread to be worth waking, and small enough to print ahead. */
    static boolean worthSharing(List<Embedding> data) {
        if (data.size() < 2) {
            return false;
        }
        long total = 0;
        for (Embedding e : data) {
            total += e instanceof Embedding.Floats f ? f.length() : 0;
        }
        return total >= PARALLEL_FLOATS && total <= MAX_SHARED_FLOATS;
    }

    /**
     * Prints the vectors of a float response from the back on a pool thread while the caller prints
     * them from the front. Each vector goes to whoever claims it first, so the two meet wherever the
     * work is balanced: waking an idle core takes 150-200 microseconds on a small VM (measured), a
     * fixed half-and-half split would leave the caller waiting for that. If no pool thread gets to it,
     * the caller simply prints everything itself.
     */
    static final class BackPrinter implements Runnable {

        private static final int FREE = 0;
        private static final int FRONT = 1;
        private static final int BACK = 2;

        private final List<Embedding> data;
        private final AtomicIntegerArray owner;
        /** Text of the vectors printed here, in one buffer; vector i is at [start[i], end[i]). */
        private TextBuffer text;
        private final int[] start;
        private final int[] end;
        private final CompletableFuture<Void> done = new CompletableFuture<>();

        BackPrinter(List<Embedding> data) {
            this.data = data;
            this.owner = new AtomicIntegerArray(data.size());
            this.start = new int[data.size()];
            this.end = new int[data.size()];
        }

        /** Called by the front for each vector in order; false once this side has it. */
        boolean claimFront(int i) {
            return owner.compareAndSet(i, FREE, FRONT);
        }

        @Override
        public void run() {
            try {
                // Vector 0 always stays with the front, which needs a start anyway.
                for (int i = data.size() - 1; i > 0 && owner.compareAndSet(i, FREE, BACK); i--) {
                    if (text == null) { // allocated only once something is won: often the front has it all
                        text = new TextBuffer(64 * 1024);
                    }
                    start[i] = text.pos;
                    text.item(i, data.get(i), false);
                    end[i] = text.pos;
                }
                done.complete(null);
            } catch (Throwable t) {
                done.completeExceptionally(t);
            }
        }

        /** Waits for this side, at most for the one vector it is printing. */
        void awaitDone() {
            try {
                done.join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException re ? re : e;
            }
        }

        /** Appends the text of vector {@code i}, printed here, to {@code out}. */
        void copy(int i, TextBuffer out) {
            out.bytes(text.buf, start[i], end[i] - start[i]);
        }
    }
}
