package io.embedgate.lambda;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The AWS Lambda runtime API (2018-06-01), as the Lambda service offers it to a function's runtime:
 * the runtime polls {@code invocation/next} for an event and posts the function's answer to
 * {@code invocation/{id}/response} (or {@code /error}). Tests queue events and wait for answers.
 */
final class RuntimeApi implements AutoCloseable {

    private static final String BASE = "/2018-06-01/runtime";

    private record Invocation(String id, String event, CompletableFuture<String> answer) {
    }

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final BlockingQueue<Invocation> queue = new LinkedBlockingQueue<>();
    private final Map<String, Invocation> pending = new ConcurrentHashMap<>();
    final CompletableFuture<String> initError = new CompletableFuture<>();

    RuntimeApi() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.setExecutor(threads);
        server.createContext(BASE + "/invocation/next", this::next);
        server.createContext(BASE + "/invocation/", this::answer);
        server.createContext(BASE + "/init/error", x -> {
            initError.complete(read(x));
            reply(x, 202, "{}");
        });
        server.start();
    }

    /** The value of {@code AWS_LAMBDA_RUNTIME_API} for the runtime. */
    String address() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    /** Queues one event; the future completes with the function's answer (the response event). */
    CompletableFuture<String> invoke(String event) {
        Invocation i = new Invocation(UUID.randomUUID().toString(), event, new CompletableFuture<>());
        pending.put(i.id(), i);
        queue.add(i);
        return i.answer();
    }

    String invokeAndWait(String event, Duration timeout) throws Exception {
        return invoke(event).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void next(HttpExchange x) throws IOException {
        Invocation i;
        try {
            i = queue.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            x.close();
            return;
        }
        x.getResponseHeaders().add("Lambda-Runtime-Aws-Request-Id", i.id());
        x.getResponseHeaders().add("Lambda-Runtime-Deadline-Ms", Long.toString(System.currentTimeMillis() + 30_000));
        x.getResponseHeaders().add("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:eu-west-1:123456789012:function:embedgate");
        x.getResponseHeaders().add("Lambda-Runtime-Trace-Id", "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=0");
        x.getResponseHeaders().add("Content-Type", "application/json");
        reply(x, 200, i.event());
    }

    private void answer(HttpExchange x) throws IOException {
        // .../invocation/{id}/response or .../invocation/{id}/error
        String[] parts = x.getRequestURI().getPath().substring((BASE + "/invocation/").length()).split("/");
        Invocation i = parts.length == 2 ? pending.remove(parts[0]) : null;
        String body = read(x);
        if (i == null) {
            reply(x, 400, "{\"errorMessage\":\"unknown invocation\"}");
            return;
        }
        if (parts[1].equals("response")) {
            i.answer().complete(body);
        } else {
            i.answer().completeExceptionally(new IllegalStateException("function error: " + body));
        }
        reply(x, 202, "{\"status\":\"OK\"}");
    }

    private static String read(HttpExchange x) throws IOException {
        try (InputStream in = x.getRequestBody()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static void reply(HttpExchange x, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        x.sendResponseHeaders(status, b.length);
        x.getResponseBody().write(b);
        x.close();
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
