package io.embedgate.provider.support;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import io.netty.channel.EventLoop;
import io.vertx.core.Vertx;
import io.vertx.core.impl.ContextInternal;

/**
 * One client per Vert.x event loop, made on the loop's first call. Vert.x clients keep connections
 * bound to an event loop while their pools hand them to callers on any loop; a call from another
 * loop then crosses threads for the request and again for the reply, each a task hand-off and often
 * a wake-up of the other core. With a client per loop, a reply is read on the thread that awaits it.
 * The upstream HTTP clients and the shared cache's Redis clients both go through here.
 */
public final class PerEventLoop<T> {

    private final Function<ContextInternal, T> create;
    private final Map<EventLoop, T> byLoop = new ConcurrentHashMap<>();

    /** {@code create} gets the event loop's context and runs on that loop's thread. */
    public PerEventLoop(Function<ContextInternal, T> create) {
        this.create = create;
    }

    /**
     * The caller's context when it is an event-loop context of {@code vertx} running on its own
     * thread (the request path); null on any other thread: a worker, a bare event-loop task, a test.
     */
    public static ContextInternal current(Vertx vertx) {
        return Vertx.currentContext() instanceof ContextInternal c && c.owner() == vertx && c.isEventLoopContext()
                && c.nettyEventLoop().inEventLoop() ? c : null;
    }

    /** The client of {@code context}'s event loop; call on that loop's thread. */
    public T on(ContextInternal context) {
        T client = byLoop.get(context.nettyEventLoop()); // no lambda allocated per call once the loop has its client
        return client != null ? client : byLoop.computeIfAbsent(context.nettyEventLoop(), loop -> create.apply(context));
    }

    /** Every client made so far (to close them). */
    public Collection<T> all() {
        return byLoop.values();
    }
}
