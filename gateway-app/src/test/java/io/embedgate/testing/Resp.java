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
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(5000);
            ByteArrayOutputStream cmd = new ByteArrayOutputStream();
            cmd.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            for (Object a : args) {
                byte[] b = a instanceof byte[] bytes ? bytes : a.toString().getBytes(StandardCharsets.UTF_8);
                cmd.writeBytes(("$" + b.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
                cmd.writeBytes(b);
                cmd.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            OutputStream out = s.getOutputStream();
            cmd.writeTo(out);
            out.flush();
            return reply(new BufferedInputStream(s.getInputStream()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
