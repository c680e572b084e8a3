package io.embedgate.redis;

import java.time.Duration;
import java.util.List;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;

/** How commands reach Redis: one server (standalone, or the master Sentinel names), or the node of each slot (cluster). */
interface Route {

    /** One command whose keys all hash to {@code slot}. */
    Uni<Response> send(int slot, Request request, Duration timeout);

    /** Commands whose keys all hash to {@code slot} (a transaction), in one round trip. */
    Uni<List<Response>> batch(int slot, List<Request> requests, Duration timeout);

    /** Commands with keys anywhere: one round trip per node involved, each node's share failing alone. */
    Uni<Replies> pipeline(List<Request> requests, int[] slots, Duration timeout);

    void close();
}
