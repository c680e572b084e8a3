package io.embedgate.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A real {@code redis-server} (Debian package; .ci/run installs it) on a free loopback port, without
 * persistence, for the shared cache tier. Tests get it through {@link RedisServerResource#current()}
 * to stop it mid-test.
 */
public class RedisServerResource implements QuarkusTestResourceLifecycleManager {

    private static volatile RedisServerResource current;

    private Process process;
    private int port;

    public static RedisServerResource current() {
        return current;
    }

    @Override
    public Map<String, String> start() {
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        try {
            process = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                    "--save", "", "--appendonly", "no").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            throw new IllegalStateException("redis-server is required for the shared-cache tests (apt-get install redis-server)", e);
        }
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!"+PONG".equals(command("PING"))) {
            if (System.nanoTime() > until) {
                throw new IllegalStateException("redis-server did not start on port " + port);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        current = this;
        return Map.of("gateway.cache.redis.url", "redis://127.0.0.1:" + port, "gateway.cache.redis.timeout", "300ms");
    }

    public int port() {
        return port;
    }

    /** Sends one inline command and returns the first reply line, or null when Redis does not answer. */
    public String command(String inline) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(1000);
            OutputStream out = s.getOutputStream();
            out.write((inline + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            StringBuilder line = new StringBuilder();
            int c;
            while ((c = in.read()) != -1 && c != '\r') {
                line.append((char) c);
            }
            return line.toString();
        } catch (IOException e) {
            return null;
        }
    }

    /** One binary-safe command ({@link Resp}); arguments are Strings or byte arrays. */
    public Object call(Object... args) {
        return Resp.call(port, args);
    }

    /**
     * The embedding cache's keys: those under the gateway's prefix ({@code embedgate:v1:}) less the
     * usage ledger's ({@code embedgate:v1:usage:}), which every answer adds to as well.
     */
    public java.util.List<byte[]> cacheKeys() {
        byte[] usage = "embedgate:v1:usage:".getBytes(StandardCharsets.US_ASCII);
        java.util.List<byte[]> out = new java.util.ArrayList<>();
        for (Object k : (java.util.List<?>) call("KEYS", "embedgate:v1:*")) {
            byte[] key = (byte[]) k;
            if (!(key.length >= usage.length && java.util.Arrays.equals(key, 0, usage.length, usage, 0, usage.length))) {
                out.add(key);
            }
        }
        return out;
    }

    /** Kills the server (like a crashed Redis). */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void stop() {
        if (process != null) {
            kill();
        }
    }
}
