package io.embedgate.api;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;

import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.ext.Provider;

import org.jboss.resteasy.reactive.server.core.ResteasyReactiveRequestContext;
import org.jboss.resteasy.reactive.server.spi.ResteasyReactiveResourceInfo;
import org.jboss.resteasy.reactive.server.spi.ServerMessageBodyWriter;
import org.jboss.resteasy.reactive.server.spi.ServerRequestContext;

import io.embedgate.config.GatewayConfig;
import io.embedgate.limits.ResponseSizeLimit;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/**
 * Writes the OpenAI list response. A response of up to {@link #SINGLE_WRITE} bytes (nearly all of
 * them) is printed at once and sent in one write with a {@code Content-Length}; a larger one is
 * streamed by a {@link ResponseStream}, chunk by chunk as the client reads, so memory stays at one
 * chunk per response however large it is. The text itself is printed by {@link ResponseText}.
 */
@Provider
@Produces(MediaType.APPLICATION_JSON)
public class EmbeddingsResponseWriter implements ServerMessageBodyWriter<EmbeddingsResponse> {

    /** Responses up to this size go out in one write with a {@code Content-Length}. */
    static final int SINGLE_WRITE = 64 * 1024;
    /** A print buffer that grew past this (one huge vector, a large debug object) is not kept for the next response. */
    private static final int MAX_KEPT_BUFFER = 1 << 20;
    /**
     * Hands the back half to the common pool when there is a second core. Asked at each hand-off,
     * not fixed at class initialisation (a native image may initialise classes at build time, on
     * another machine). A part nobody runs is simply printed by the caller.
     */
    static final Executor SIDE = part -> {
        if (Runtime.getRuntime().availableProcessors() > 1) {
            ForkJoinPool.commonPool().execute(part);
        }
    };
    /**
     * Each thread's print buffer, reused from response to response and chunk to chunk: its bytes are
     * copied into a pooled network buffer before it is printed into again, and a fresh array per
     * response was the largest single allocation of a small request (about 40% of its bytes).
     */
    private static final ThreadLocal<TextBuffer> SCRATCH = ThreadLocal.withInitial(() -> new TextBuffer(SINGLE_WRITE + 16 * 1024));

    /**
     * Looked up on first use: Quarkus REST creates its writers while the application starts, before
     * the runtime configuration and Vert.x exist.
     */
    @Inject
    Instance<GatewayConfig> config;
    @Inject
    Instance<Vertx> vertx;
    @Inject
    Instance<ResponseSizeLimit> responseSize;
    private volatile long writeIdleMillis = -1;

    /**
     * The most a float response of {@code floats} numbers holds in text printed ahead by a second
     * thread (see {@link ResponseText}), for a request's memory estimate.
     */
    public static long printedAheadBytes(long floats) {
        return floats >= ResponseText.PARALLEL_FLOATS && floats <= ResponseText.MAX_SHARED_FLOATS
                ? floats * ResponseText.AHEAD_BYTES_PER_FLOAT
                : 0;
    }

    /** This thread's print buffer, emptied. */
    static TextBuffer scratch() {
        TextBuffer b = SCRATCH.get();
        if (b.buf.length > MAX_KEPT_BUFFER) {
            b = new TextBuffer(SINGLE_WRITE + 16 * 1024);
            SCRATCH.set(b);
        }
        b.clear();
        return b;
    }

    @Override
    public boolean isWriteable(Class<?> type, Type genericType, ResteasyReactiveResourceInfo target, MediaType mediaType) {
        return type == EmbeddingsResponse.class;
    }

    @Override
    public boolean isWriteable(Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType) {
        return type == EmbeddingsResponse.class;
    }

    @Override
    public void writeResponse(EmbeddingsResponse r, Type genericType, ServerRequestContext context) {
        ResponseText text = new ResponseText(r, SIDE);
        TextBuffer first = scratch();
        // A failure here happens before a byte is sent: it becomes an ordinary error response.
        boolean complete = text.fill(first, SINGLE_WRITE);
        ResteasyReactiveRequestContext request = (ResteasyReactiveRequestContext) context;
        HttpServerResponse response = request.serverRequest().unwrap(HttpServerResponse.class);
        if (complete) {
            response.end(ResponseStream.copy(first));
            return;
        }
        long max = responseSize.get().maxBytes();
        if (max > 0) {
            // A deployment with a response limit (an AWS Lambda function, which buffers the whole
            // response anyway and cannot stream it) gets each response whole, at most the limit;
            // nothing is sent yet, so one that does not fit becomes a 413.
            complete = text.fill(first, (int) Math.min(Integer.MAX_VALUE - 1, max + 1));
            if (complete && first.pos <= max) {
                response.end(ResponseStream.copy(first));
                return;
            }
            // nothing sent yet: like any failure here, it becomes an ordinary error response
            throw ResponseSizeLimit.tooLarge("more than " + ResponseSizeLimit.mb(max), max);
        }
        request.suspend();
        long idle = writeIdleMillis;
        if (idle < 0) {
            writeIdleMillis = idle = config.get().limits().writeIdleTimeout().toMillis();
        }
        ResponseStream stream = new ResponseStream(request.serverRequest().unwrap(HttpServerRequest.class), text, vertx.get(), idle,
                request::resume);
        // The end handlers run once: when the response has ended, or when the client hung up first.
        request.serverRequest().unwrap(RoutingContext.class).addEndHandler(end -> stream.stop());
        stream.start(first);
    }

    /** The generic JAX-RS path (not taken by Quarkus REST here): the same text, in chunks, to a stream. */
    @Override
    public void writeTo(EmbeddingsResponse r, Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType,
            MultivaluedMap<String, Object> headers, OutputStream out) throws IOException {
        ResponseText text = new ResponseText(r, SIDE);
        TextBuffer buf = new TextBuffer(ResponseStream.CHUNK + 16 * 1024);
        boolean complete;
        do {
            buf.clear();
            complete = text.fill(buf, ResponseStream.CHUNK);
            out.write(buf.buf, 0, buf.pos);
        } while (!complete);
    }
}
