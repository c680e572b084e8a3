package io.embedgate.fakes;

import java.util.concurrent.CountDownLatch;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

/**
 * A benchmark reference, not part of the product: the cheapest possible HTTP proxy on the benchmark
 * machine (2 cores).
 * It reads each request body, sends it to the upstream over a pooled keep-alive connection with the
 * upstream key, and returns the upstream's bytes unchanged: no parsing, no validation, no
 * re-encoding. The benchmark runs it beside the gateway so "what any proxy costs here" (two more
 * HTTP hops on the same 2 cores) can be told apart from "what the gateway itself costs".
 * <p>
 * {@code java -cp ... io.embedgate.fakes.ZeroWorkProxyMain --port 9300 --upstream-port 9100 --key sk-...}
 */
public final class ZeroWorkProxyMain {

    private ZeroWorkProxyMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        int port = 9300;
        int upstreamPort = 9100;
        // As many event loops as the gateway: Quarkus runs one per core, at least two.
        int loops = Math.max(2, Runtime.getRuntime().availableProcessors());
        String key = FakeOpenAi.DEFAULT_KEY;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--upstream-port" -> upstreamPort = Integer.parseInt(args[++i]);
                case "--event-loops" -> loops = Integer.parseInt(args[++i]);
                case "--key" -> key = args[++i];
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(loops).setPreferNativeTransport(true));
        int listenPort = port;
        String authorization = "Bearer " + key;
        RequestOptions target = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(upstreamPort)
                .setURI("/v1/embeddings").putHeader("Content-Type", "application/json").putHeader("Authorization", authorization);
        // One server and one client per event loop: Vert.x spreads a shared port's connections over its
        // server instances (a single server would run everything on one loop), and a client per loop
        // keeps each request and its upstream call on one thread, as the gateway does.
        vertx.deployVerticle(() -> new AbstractVerticle() {

            @Override
            public void start(Promise<Void> started) {
                HttpClient client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true),
                        new PoolOptions().setHttp1MaxSize(64));
                vertx.createHttpServer(new HttpServerOptions().setTcpNoDelay(true))
                        .requestHandler(req -> req.body().compose(body -> client.request(target)
                                .compose(up -> up.send(body))
                                .compose(resp -> resp.body().map(bytes -> {
                                    req.response().setStatusCode(resp.statusCode()).putHeader("Content-Type", "application/json")
                                            .end(bytes);
                                    return (Buffer) bytes;
                                })))
                                .onFailure(t -> req.response().setStatusCode(502).end(String.valueOf(t.getMessage()))))
                        .listen(listenPort, "127.0.0.1").<Void>mapEmpty().onComplete(started);
            }
        }, new DeploymentOptions().setInstances(loops)).toCompletionStage().toCompletableFuture().join();
        System.out.println("zero-work proxy listening on 127.0.0.1:" + port + " -> 127.0.0.1:" + upstreamPort + ", " + loops
                + " event loops, transport " + FakeUpstream.transport(vertx));
        new CountDownLatch(1).await();
    }
}
