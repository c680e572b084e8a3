package io.embedgate.api;

import org.jboss.logging.Logger;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.quarkus.vertx.utils.NoBoundChecksBuffer;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.buffer.impl.VertxByteBufAllocator;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.impl.ConnectionBase;

/**
 * Sends a response too large for one write, chunk by chunk, only as fast as the client reads: a
 * chunk is printed when the connection can take it ({@code writeQueueFull} false), otherwise the
 * stream waits for the drain, never blocking the event loop. Memory per response is therefore one
 * chunk plus the connection's write queue, however large the response and however slow the client.
 *
 * <p>Three things end a stream early, and none of them looks like a complete answer to the client:
 * a client that reads nothing for {@code writeIdleMillis} is cut off; a client that hung up stops
 * it; and any failure while printing (never expected, an out-of-memory error for one) resets the
 * HTTP/2 stream or closes the HTTP/1.1 connection without the final chunk. A response that cannot
 * be finished is never ended as if it were complete.
 *
 * <p>The stream yields the event loop every {@link #CHUNKS_PER_TURN} chunks, so one huge response
 * does not hold up the other connections of its loop.
 */
final class ResponseStream {

    private static final Logger LOG = Logger.getLogger(ResponseStream.class);
    /** Bytes printed per chunk. */
    static final int CHUNK = 64 * 1024;
    /** Chunks written before the stream lets the event loop serve other connections. */
    static final int CHUNKS_PER_TURN = 8;

    private final HttpServerRequest request;
    private final HttpServerResponse response;
    private final ResponseText text;
    private final Vertx vertx;
    private final Context context;
    private final long writeIdleMillis;
    private final Runnable onEnd;
    private long idleTimer = -1;
    /** Waiting for the connection to drain; a drain at any other time is not ours to act on. */
    private boolean awaitingDrain;
    private boolean over;

    /**
     * @param onEnd called once when the stream is over, complete or not (on the response's event loop)
     */
    ResponseStream(HttpServerRequest request, ResponseText text, Vertx vertx, long writeIdleMillis, Runnable onEnd) {
        this.request = request;
        this.response = request.response();
        this.text = text;
        this.vertx = vertx;
        this.context = vertx.getOrCreateContext();
        this.writeIdleMillis = writeIdleMillis;
        this.onEnd = onEnd;
    }

    /** Starts the stream with the part already printed; the rest follows as the client reads. */
    void start(TextBuffer first) {
        response.setChunked(true);
        response.write(copy(first));
        pump();
    }

    /** The client hung up or the exchange ended elsewhere: stop printing. */
    void stop() {
        if (!over) {
            finish();
        }
    }

    private void pump() {
        if (over) {
            return;
        }
        if (response.closed()) {
            finish();
            return;
        }
        try {
            TextBuffer buf = EmbeddingsResponseWriter.scratch();
            for (int written = 0; written < CHUNKS_PER_TURN; written++) {
                if (response.writeQueueFull()) {
                    awaitDrain();
                    return;
                }
                buf.clear();
                boolean complete = text.fill(buf, CHUNK);
                if (complete) {
                    response.end(copy(buf));
                    finish();
                    return;
                }
                response.write(copy(buf));
            }
            context.runOnContext(v -> pump());
        } catch (Throwable t) {
            abort(t);
        }
    }

    /**
     * One pump at a time: it either runs, is queued on the context (a yield), or waits here for the
     * drain; Vert.x calls the drain handler on every change to writable, wanted or not.
     */
    private void awaitDrain() {
        awaitingDrain = true;
        response.drainHandler(v -> {
            if (awaitingDrain) {
                awaitingDrain = false;
                cancelIdleTimer();
                pump();
            }
        });
        idleTimer = vertx.setTimer(writeIdleMillis, id -> {
            idleTimer = -1;
            if (!over) {
                LOG.debugf("client read nothing for %d ms; response cut off", writeIdleMillis);
                abort(null);
            }
        });
    }

    /**
     * Ends the exchange so the client sees an error, not a short answer: RST_STREAM on HTTP/2; on
     * HTTP/1.1 the connection is closed at once, dropping what is queued (Vert.x's own close waits
     * for the queue to flush, which a client that reads nothing never lets happen).
     */
    private void abort(Throwable cause) {
        if (cause != null) {
            LOG.error("Response could not be finished; the stream was reset so the client sees an incomplete answer", cause);
        }
        try {
            if (request.version() == HttpVersion.HTTP_2) {
                response.reset();
            } else if (request.connection() instanceof ConnectionBase connection) {
                // Past Vert.x, whose close (even the channel's, through its pipeline handler) waits for
                // the queue to flush. SO_LINGER 0 makes it a reset: the kernel drops the unsent data too,
                // and the client sees "connection reset", never a clean end.
                Channel channel = connection.channel();
                channel.config().setOption(ChannelOption.SO_LINGER, 0);
                channel.unsafe().close(channel.voidPromise());
            } else {
                response.reset();
            }
        } catch (Throwable ignored) {
            // already closed
        }
        finish();
    }

    private void finish() {
        over = true;
        awaitingDrain = false;
        cancelIdleTimer();
        response.drainHandler(null);
        onEnd.run();
    }

    private void cancelIdleTimer() {
        if (idleTimer >= 0) {
            vertx.cancelTimer(idleTimer);
            idleTimer = -1;
        }
    }

    /**
     * The printed bytes in a pooled direct buffer, as Quarkus writes its own responses: Netty frees it
     * once written (a plain {@code Buffer.buffer(ByteBuf)} would hand Netty an unreleasable view and
     * leak it), and the print buffer can be reused at once.
     */
    static Buffer copy(TextBuffer printed) {
        ByteBuf b = VertxByteBufAllocator.POOLED_ALLOCATOR.directBuffer(printed.pos);
        b.writeBytes(printed.buf, 0, printed.pos);
        return new NoBoundChecksBuffer(b);
    }
}
