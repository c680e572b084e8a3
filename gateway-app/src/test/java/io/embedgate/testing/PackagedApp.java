package io.embedgate.testing;

import java.io.File;
import java.io.IOException;
import java.io.Reader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

/**
 * The packaged application (the jar this build made, see {@link #builtJar()}) as a separate process, for integration tests
 * that need what only a real process shows: several replicas, console output.
 */
public final class PackagedApp implements AutoCloseable {

    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
            .build();

    private final Process process;
    private final int port;
    private final File log;

    private PackagedApp(Process process, int port, File log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /**
     * The jar this build packaged, as Quarkus records it in {@code target/quarkus-artifact.properties}:
     * {@code quarkus-app/quarkus-run.jar} by default, the uber-jar under {@code -P aot-jar}, so the
     * integration tests run against whichever was built.
     */
    static Path builtJar() throws IOException {
        Properties artifact = new Properties();
        try (Reader r = Files.newBufferedReader(Path.of("target", "quarkus-artifact.properties"))) {
            artifact.load(r);
        }
        return Path.of("target", artifact.getProperty("path"));
    }

    /**
     * Launches the jar with the test gateway key and {@code env}, its console going to {@code log};
     * call {@link #awaitReady()} before using it. The local model is off unless {@code env} turns it on.
     */
    public static PackagedApp launch(Map<String, String> env, File log) throws Exception {
        int port = freePort();
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
                "-jar", builtJar().toString()).redirectErrorStream(true).redirectOutput(log);
        pb.environment().put("PORT", Integer.toString(port));
        pb.environment().put("GATEWAY_API_KEY_SHA256", TestKeys.sha256(TestKeys.GATEWAY_KEY));
        pb.environment().put("GATEWAY_PROVIDERS_LOCAL_ENABLED", "false");
        pb.environment().putAll(env);
        return new PackagedApp(pb.start(), port, log);
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Waits until {@code /q/health/ready} answers 200 (60 s at most). */
    public PackagedApp awaitReady() throws Exception {
        long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < until) {
            try {
                if (HTTP.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/ready")).timeout(Duration.ofSeconds(2))
                                .build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return this;
                }
            } catch (Exception notYet) {
                // starting
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the gateway on port " + port + " did not start; see " + log);
    }

    /** {@code POST /v1/embeddings} with the test gateway key. */
    public HttpResponse<String> embed(String body) throws Exception {
        return embed(TestKeys.GATEWAY_KEY, body);
    }

    /** {@code POST /v1/embeddings} with another gateway key (one the launch configured). */
    public HttpResponse<String> embed(String gatewayKey, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/embeddings")).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + gatewayKey).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * {@code POST path} with the test gateway key and {@code Content-Type: application/json}, the body sent
     * byte for byte; throws {@link java.net.http.HttpTimeoutException} when no answer arrives within {@code timeout}.
     */
    public HttpResponse<byte[]> post(String path, byte[] body, Duration timeout) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(timeout)
                .header("Authorization", TestKeys.BEARER).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** Any request with {@code Authorization: Bearer <bearer>}, a JSON body when {@code body} is not null. */
    /**
     * Polls until {@code request} answers {@code status} (10 s at most) and fails naming the last answer if it never
     * does; the time it took, in ms: how long a change made on one replica takes to hold on another.
     */
    public static long until(int status, java.util.concurrent.Callable<HttpResponse<String>> request) throws Exception {
        long began = System.nanoTime();
        HttpResponse<String> r = request.call();
        while (r.statusCode() != status && System.nanoTime() - began < 10_000_000_000L) {
            Thread.sleep(20);
            r = request.call();
        }
        org.junit.jupiter.api.Assertions.assertEquals(status, r.statusCode(), r.body());
        return (System.nanoTime() - began) / 1_000_000;
    }

    public HttpResponse<String> send(String method, String path, String bearer, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + bearer);
        if (body != null) {
            b.header("content-type", "application/json");
        }
        return HTTP.send(b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Waits until the console output holds {@code text}. */
    public PackagedApp awaitLog(String text, Duration timeout) throws Exception {
        long until = System.nanoTime() + timeout.toNanos();
        while (!log().contains(text)) {
            if (System.nanoTime() > until || !process.isAlive()) {
                throw new IllegalStateException("'" + text + "' never appeared in " + log);
            }
            Thread.sleep(10);
        }
        return this;
    }

    /** Sends SIGTERM, as a container runtime does, and returns the exit code. */
    public int terminate(Duration timeout) throws Exception {
        process.destroy();
        if (!process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("the gateway did not stop within " + timeout + "; see " + log);
        }
        return process.exitValue();
    }

    public String log() throws IOException {
        return new String(Files.readAllBytes(log.toPath()), java.nio.charset.StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        process.waitFor();
    }
}
