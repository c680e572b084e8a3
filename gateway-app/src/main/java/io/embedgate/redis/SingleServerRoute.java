package io.embedgate.redis;

import java.time.Duration;
import java.util.List;

import io.embedgate.routing.Timers;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import io.vertx.redis.client.RedisOptions;

/** One server: a standalone Redis, or the master the sentinels name (the client follows a failover). */
final class SingleServerRoute implements Route {

    private final LoopClients clients;

    SingleServerRoute(Vertx vertx, RedisOptions options) {
        this.clients = new LoopClients(vertx, options);
    }

    @Override
    public Uni<Response> send(int slot, Request request, Duration timeout) {
        return clients.here().send(request).ifNoItem().after(timeout).on(Timers.executor()).fail();
    }

    @Override
    public Uni<List<Response>> batch(int slot, List<Request> requests, Duration timeout) {
        return clients.here().batch(requests).ifNoItem().after(timeout).on(Timers.executor()).fail();
    }

    @Override
    public Uni<Replies> pipeline(List<Request> requests, int[] slots, Duration timeout) {
        return batch(-1, requests, timeout).map(Replies::of).onFailure().recoverWithItem(t -> Replies.failed(requests.size(), t));
    }

    @Override
    public void close() {
        clients.close();
    }
}
