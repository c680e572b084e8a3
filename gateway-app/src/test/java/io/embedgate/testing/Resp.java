package io.embedgate.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import javax.net.SocketFactory;

/**
 * A minimal Redis client for tests, binary-safe both ways (keys and values are raw bytes): one
 * connection per command. Replies: a String (status), {@link Error}, Long, byte[] (bulk), null, or a
 * List of replies.
 */
public final class Resp {

    /** An error reply, e.g. {@code OOM command not allowed ...}. */
    public record Error(String message) {
    }

    private Resp() {
    }

    /** Sends one command; each argument is a String or a byte[]. */
    public static Object call(int port, Object... args) {
        return call(SocketFactory.getDefault(), port, null, args);
    }

    /**
     * Sends one command on a connection authenticated first with {@code AUTH password} (none when null).
     * Named apart from {@link #call(int, Object...)}: an overload taking a String would capture every
     * existing {@code call(port, "GET", key)}.
     */
    public static Object callWithPassword(int port, String password, Object... args) {
        return call(SocketFactory.getDefault(), port, password, args);
    }

    /**
     * Sends one command over a socket of {@code sockets} (an SSLSocketFactory for a TLS port), after
     * {@code AUTH password} unless null; a failed AUTH is returned as the reply, without sending the command.
     */
    public static Object call(SocketFactory sockets, int port, String password, Object... args) {
        try (Socket s = sockets.createSocket("127.0.0.1", port)) {
            s.setSoTimeout(5000);
            // Without it, a TLS handshake's small writes wait out delayed ACKs: 40 ms a call.
            s.setTcpNoDelay(true);
            OutputStream out = s.getOutputStream();
            InputStream in = new BufferedInputStream(s.getInputStream());
            if (password != null) {
                write(out, "AUTH", password);
                Object auth = reply(in);
                if (auth instanceof Error) {
                    return auth;
                }
            }
            write(out, args);
            return reply(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(OutputStream out, Object... args) throws IOException {
        ByteArrayOutputStream cmd = new ByteArrayOutputStream();
        cmd.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
        for (Object a : args) {
            byte[] b = a instanceof byte[] bytes ? bytes : a.toString().getBytes(StandardCharsets.UTF_8);
            cmd.writeBytes(("$" + b.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            cmd.writeBytes(b);
            cmd.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        cmd.writeTo(out);
        out.flush();
    }

    private static Object reply(InputStream in) throws IOException {
        int type = in.read();
        String line = line(in);
        switch (type) {
            case '+' :
                return line;
            case '-' :
                return new Error(line);
            case ':' :
                return Long.parseLong(line);
            case '$' : {
                int n = Integer.parseInt(line);
                if (n < 0) {
                    return null;
                }
                byte[] b = in.readNBytes(n);
                in.readNBytes(2);
                return b;
            }
            case '*' : {
                int n = Integer.parseInt(line);
                if (n < 0) {
                    return null;
                }
                List<Object> items = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    items.add(reply(in));
                }
                return items;
            }
            default :
                throw new IOException("unexpected reply type " + type);
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) != '\r') {
            if (c == -1) {
                throw new IOException("connection closed mid-reply");
            }
            b.append((char) c);
        }
        in.read(); // '\n'
        return b.toString();
    }
}
