package io.embedgate.routing;

import java.util.concurrent.ScheduledExecutorService;

import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.impl.ContextInternal;

/**
 * Where the gateway's per-request timers run (upstream timeouts, retry delays, shared-cache
 * timeouts): the calling event loop when there is one. Mutiny's default is the worker pool's
 * scheduler, a shared sorted queue whose thread is woken for every timer set and cancelled, which
 * cost about a tenth of a small request's CPU; an event loop keeps its timers in a local queue with
 * no cross-thread wake-up, and the reply that cancels the timer arrives on that same loop.
 */
public final class Timers {

    private Timers() {
    }

    /** For Mutiny's {@code ifNoItem().after(..).on(..)} and {@code delayIt().onExecutor(..)}. */
    public static ScheduledExecutorService executor() {
        return Context.isOnEventLoopThread() && Vertx.currentContext() instanceof ContextInternal ctx
                ? ctx.nettyEventLoop()
                : Infrastructure.getDefaultWorkerPool();
    }
}
