package io.embedgate.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.AbstractList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.embedgate.spi.Embedding;
import io.embedgate.spi.Usage;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;

/**
 * {@link ResponseStream} on a real Vert.x server and real sockets: a response that cannot be
 * finished never ends like a complete one (HTTP/1.1: no last chunk, the connection closes; HTTP/2:
 * the stream is reset), a client that stops reading is cut off after the idle timeout while other
 * clients are served, and a client that reads gets every byte.
 */
class ResponseStreamTest {

    static final int VECTORS = 1200;
    static final int DIMS = 1536;
    static final long IDLE_MILLIS = 1500; // long enough that a reader that keeps reading is never late, even on a loaded machine

    static Vertx vertx;
    static HttpServer server;
    static List<Embedding> data = EmbeddingsResponseWriterTest.vectors(VECTORS, DIMS, 3);
    static byte[] expected;
    static final AtomicInteger ended = new AtomicInteger();
    static volatile CountDownLatch endedLatch = new CountDownLatch(1);

    @BeforeAll
    static void start() throws Exception {
        expected = EmbeddingsResponseWriterTest.write(response(data), null, ResponseStream.CHUNK);
        vertx = Vertx.vertx();
        server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setHttp2ClearTextEnabled(true))
                .requestHandler(req -> {
                    if (req.path().equals("/small")) {
                        req.response().end("ok");
                        return;
                    }
                    List<Embedding> body = req.path().equals("/fails") ? failingAt(VECTORS / 2) : data;
                    ResponseText text = new ResponseText(response(body), null);
                    TextBuffer first = new TextBuffer(1024);
                    text.fill(first, 64 * 1024);
                    req.response().putHeader("content-type", "application/json");
                    new ResponseStream(req, text, vertx, IDLE_MILLIS, () -> {
                        ended.incrementAndGet();
                        endedLatch.countDown();
                    }).start(first);
                });
        server.listen(0).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() {
        vertx.close();
    }

    @BeforeEach
    void reset() {
        endedLatch = new CountDownLatch(1);
    }

    static EmbeddingsResponse response(List<Embedding> body) {
        return new EmbeddingsResponse(body, "m", new Usage(1, 1, false), null, false, null);
    }

    /** The vectors, of which reading the {@code k}th fails, as a bug or an out-of-memory error would mid-response. */
    static List<Embedding> failingAt(int k) {
        return new AbstractList<>() {

            @Override
            public Embedding get(int index) {
                if (index == k) {
                    throw new IllegalStateException("printing failed at vector " + k);
                }
                return data.get(index);
            }

            @Override
            public int size() {
                return data.size();
            }
        };
    }

    /** One HTTP/1.1 GET on a raw socket; everything read until the server closes or {@code max} bytes. */
    static byte[] get(String path, int receiveBuffer, long pauseMillisBeforeReading) throws Exception {
        try (Socket s = new Socket()) {
            s.setReceiveBufferSize(receiveBuffer);
            s.connect(new java.net.InetSocketAddress("127.0.0.1", server.actualPort()));
            s.setSoTimeout(10_000);
            s.getOutputStream()
                    .write(("GET " + path + " HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            if (pauseMillisBeforeReading > 0) {
                Thread.sleep(pauseMillisBeforeReading);
            }
            InputStream in = s.getInputStream();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[64 * 1024];
            try {
                for (int n; (n = in.read(buf)) >= 0;) {
                    out.write(buf, 0, n);
                }
            } catch (java.net.SocketException reset) {
                // an aborted response: what arrived is the reply
            }
            return out.toByteArray();
        }
    }

    static boolean endsChunkedStream(ByteArrayOutputStream out) {
        byte[] b = out.toByteArray();
        return b.length >= 5 && new String(b, b.length - 5, 5, StandardCharsets.US_ASCII).equals("0\r\n\r\n");
    }

    /** The body of a chunked HTTP/1.1 reply, de-chunked; {@code complete[0]} tells whether the last chunk arrived. */
    static byte[] dechunk(byte[] reply, boolean[] complete) {
        String text = new String(reply, StandardCharsets.ISO_8859_1);
        int at = text.indexOf("\r\n\r\n") + 4;
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        complete[0] = false;
        while (at < text.length()) {
            int eol = text.indexOf("\r\n", at);
            if (eol < 0) {
                break;
            }
            int size = Integer.parseInt(text.substring(at, eol).trim(), 16);
            if (size == 0) {
                complete[0] = true;
                break;
            }
            if (eol + 2 + size > reply.length) {
                body.write(reply, eol + 2, reply.length - eol - 2);
                break;
            }
            body.write(reply, eol + 2, size);
            at = eol + 2 + size + 2;
        }
        return body.toByteArray();
    }

    @Test
    void aClientThatReadsGetsEveryByte() throws Exception {
        byte[] reply = get("/ok", 1 << 16, 0);
        assertTrue(new String(reply, 0, 15, StandardCharsets.US_ASCII).startsWith("HTTP/1.1 200"));
        boolean[] complete = new boolean[1];
        byte[] body = dechunk(reply, complete);
        assertTrue(complete[0], "the last chunk arrived");
        assertArrayEquals(expected, body);
    }

    @Test
    void aSlowClientThatKeepsReadingIsNotCutOff() throws Exception {
        // Stalls shorter than the idle timeout, many times over: the stream waits and goes on. (The
        // timeout counts from the last drain, and the kernel signals one only after about a third of
        // the socket's send buffer has been read: a reader must keep up that pace, which this does.)
        try (Socket s = new Socket()) {
            s.setReceiveBufferSize(64 * 1024);
            s.connect(new java.net.InetSocketAddress("127.0.0.1", server.actualPort()));
            s.getOutputStream().write("GET /ok HTTP/1.1\r\nhost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[256 * 1024];
            for (int round = 0; !endsChunkedStream(out); round++) {
                int n = in.read(buf);
                assertTrue(n >= 0, "the server closed the connection of a client that was reading");
                out.write(buf, 0, n);
                if (round % 20 == 0) {
                    Thread.sleep(IDLE_MILLIS / 5);
                }
            }
            boolean[] complete = new boolean[1];
            assertArrayEquals(expected, dechunk(out.toByteArray(), complete));
            assertTrue(complete[0]);
        }
    }

    @Test
    void aFailureMidResponseClosesTheConnectionWithoutTheLastChunk() throws Exception {
        byte[] reply = get("/fails", 1 << 16, 0);
        assertTrue(new String(reply, 0, 15, StandardCharsets.US_ASCII).startsWith("HTTP/1.1 200"), "the head had gone out");
        boolean[] complete = new boolean[1];
        byte[] body = dechunk(reply, complete);
        assertFalse(complete[0], "a client must see an incomplete response, not a short complete one");
        assertTrue(body.length > 0 && body.length < expected.length, body.length + " of " + expected.length);
        assertTrue(endedLatch.await(5, TimeUnit.SECONDS), "the stream reported its end");
    }

    @Test
    void aFailureMidResponseResetsTheHttp2Stream() throws Exception {
        HttpClient h2 = vertx
                .createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false));
        try {
            Throwable failure = h2.request(HttpMethod.GET, server.actualPort(), "127.0.0.1", "/fails")
                    .compose(r -> r.send()).compose(r -> {
                        assertEquals(200, r.statusCode());
                        assertEquals(HttpVersion.HTTP_2, r.version());
                        return r.body();
                    })
                    .map(b -> (Throwable) null).otherwise(t -> t)
                    .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertTrue(failure != null, "the body did not arrive as if complete");
            // The connection itself stays usable: the reset was the stream's alone.
            String ok = h2.request(HttpMethod.GET, server.actualPort(), "127.0.0.1", "/small").compose(r -> r.send())
                    .compose(r -> r.body()).map(b -> b.toString()).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertEquals("ok", ok);
        } finally {
            h2.close();
        }
    }

    @Test
    void aClientThatStopsReadingIsCutOffAndOthersAreServedMeanwhile() throws Exception {
        int before = ended.get();
        try (Socket stalled = new Socket()) {
            stalled.setReceiveBufferSize(4 * 1024);
            stalled.connect(new java.net.InetSocketAddress("127.0.0.1", server.actualPort()));
            stalled.getOutputStream().write("GET /ok HTTP/1.1\r\nhost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            // While it reads nothing, the same event loop serves others.
            for (int i = 0; i < 5; i++) {
                byte[] small = get("/small", 1 << 16, 0);
                assertTrue(new String(small, StandardCharsets.US_ASCII).startsWith("HTTP/1.1 200"));
            }
            assertTrue(endedLatch.await(IDLE_MILLIS * 10, TimeUnit.MILLISECONDS), "the stalled stream was ended by the idle timeout");
            assertEquals(before + 1, ended.get());
            // Reading now: what was buffered, then the end of the connection, without the last chunk.
            stalled.setSoTimeout(10_000);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            InputStream in = stalled.getInputStream();
            byte[] buf = new byte[64 * 1024];
            try {
                for (int n; (n = in.read(buf)) >= 0;) {
                    out.write(buf, 0, n);
                }
            } catch (java.net.SocketException reset) {
                // a reset is as good as a close here
            }
            boolean[] complete = new boolean[1];
            byte[] body = dechunk(out.toByteArray(), complete);
            assertFalse(complete[0]);
            assertTrue(body.length < expected.length);
        }
    }
}
