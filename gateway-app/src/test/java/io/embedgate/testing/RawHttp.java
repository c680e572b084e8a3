package io.embedgate.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;

/**
 * HTTP/1.1 over a plain socket, for what client libraries hide: a client that reads slowly or not
 * at all, and whether a chunked body really ended with its last chunk or was cut off.
 */
public final class RawHttp implements AutoCloseable {

    private final Socket socket;

    private RawHttp(Socket socket) {
        this.socket = socket;
    }

    /** Sends {@code POST path} with the test gateway key; the receive buffer is kept small so a client that does not read soon stalls the sender. */
    public static RawHttp post(int port, String path, String json, int receiveBuffer) throws IOException {
        Socket s = new Socket();
        s.setReceiveBufferSize(receiveBuffer);
        s.connect(new InetSocketAddress("127.0.0.1", port));
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        s.getOutputStream().write(("POST " + path + " HTTP/1.1\r\nhost: 127.0.0.1\r\nauthorization: " + TestKeys.BEARER
                + "\r\ncontent-type: application/json\r\nconnection: close\r\ncontent-length: " + body.length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().write(body);
        s.getOutputStream().flush();
        return new RawHttp(s);
    }

    /**
     * Reads the whole reply until the server closes the connection, pausing {@code pauseMillis} after
     * every {@code pauseEvery} bytes (a slow reader); a reset counts as the end.
     */
    public Reply readAll(long pauseEvery, long pauseMillis) throws IOException, InterruptedException {
        socket.setSoTimeout(30_000);
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 20);
        byte[] buf = new byte[64 * 1024];
        long sincePause = 0;
        try {
            for (int n; (n = in.read(buf)) >= 0;) {
                out.write(buf, 0, n);
                sincePause += n;
                if (pauseEvery > 0 && sincePause >= pauseEvery) {
                    sincePause = 0;
                    Thread.sleep(pauseMillis);
                }
            }
        } catch (SocketException reset) {
            // the server reset the connection: what arrived is the reply
        }
        return Reply.parse(out.toByteArray());
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /**
     * A reply as it arrived.
     *
     * @param complete whether the body is whole: its last chunk arrived, or all of its Content-Length
     */
    public record Reply(int status, String head, byte[] body, boolean complete) {

        static Reply parse(byte[] raw) {
            String text = new String(raw, StandardCharsets.ISO_8859_1);
            int headEnd = text.indexOf("\r\n\r\n");
            if (headEnd < 0) {
                return new Reply(0, text, new byte[0], false);
            }
            String head = text.substring(0, headEnd);
            int status = Integer.parseInt(head.substring(9, 12));
            int at = headEnd + 4;
            String lower = head.toLowerCase();
            if (!lower.contains("transfer-encoding: chunked")) {
                int length = Integer.parseInt(lower.replaceAll("(?s).*content-length: *(\\d+).*", "$1"));
                int got = raw.length - at;
                byte[] body = new byte[Math.min(length, got)];
                System.arraycopy(raw, at, body, 0, body.length);
                return new Reply(status, head, body, got >= length);
            }
            ByteArrayOutputStream body = new ByteArrayOutputStream(raw.length);
            while (at < raw.length) {
                int eol = text.indexOf("\r\n", at);
                if (eol < 0) {
                    break;
                }
                int size = Integer.parseInt(text.substring(at, eol).trim(), 16);
                if (size == 0) {
                    return new Reply(status, head, body.toByteArray(), true);
                }
                int start = eol + 2;
                if (start + size > raw.length) {
                    body.write(raw, start, raw.length - start);
                    break;
                }
                body.write(raw, start, size);
                at = start + size + 2;
            }
            return new Reply(status, head, body.toByteArray(), false);
        }
    }
}
