package io.embedgate.redis;

import io.embedgate.provider.support.PerEventLoop;
import io.vertx.core.impl.ContextInternal;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;

/**
 * The clients of one Redis endpoint: one per event loop ({@link PerEventLoop}), since a Vert.x Redis
 * client opens every connection on the loop it was created on, and a shared one for callers outside
 * an event loop (timers, workers, tests).
 */
final class LoopClients {

    private final Vertx vertx;
    private final RedisOptions options;
    private final Redis shared;
    private final PerEventLoop<Redis> perLoop = new PerEventLoop<>(this::createOn);

    LoopClients(Vertx vertx, RedisOptions options) {
        this.vertx = vertx;
        this.options = options;
        this.shared = Redis.createClient(vertx, new RedisOptions(options));
    }

    /** The calling event loop's own client; the shared one elsewhere. */
    Redis here() {
        ContextInternal loop = PerEventLoop.current(vertx.getDelegate());
        return loop != null ? perLoop.on(loop) : shared;
    }

    /**
     * Created with the loop's root context as the current one: the client opens all its connections on
     * the context current at its creation, and a request's own (duplicated) context must not outlive it.
     */
    private Redis createOn(ContextInternal loop) {
        Redis[] created = new Redis[1];
        loop.unwrap().emit(null, ignored -> created[0] = Redis.createClient(vertx, new RedisOptions(options))); // runs at once, on this thread
        return created[0];
    }

    void close() {
        perLoop.all().forEach(Redis::close);
        shared.close();
    }
}
