package io.embedgate.routing;

import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.netty.channel.EventLoop;
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
 * <p>
 * A timer's task runs <em>inside</em> the caller's Vert.x context, not as a bare event-loop task:
 * what follows a retry delay is an upstream call, and a Vert.x client called from an event loop
 * with no current context binds the call to a new context on another loop, where its reply was
 * seen to get lost (one request in ~1,000 retries hung until the deadline).
 */
public final class Timers {

    private Timers() {
    }

    /** For Mutiny's {@code ifNoItem().after(..).on(..)} and {@code delayIt().onExecutor(..)}. */
    public static ScheduledExecutorService executor() {
        return Context.isOnEventLoopThread() && Vertx.currentContext() instanceof ContextInternal ctx
                ? new OnContext(ctx)
                : Infrastructure.getDefaultWorkerPool();
    }

    /** The context's event loop as a scheduler whose tasks run dispatched on that context. */
    private static final class OnContext extends AbstractExecutorService implements ScheduledExecutorService {

        private final ContextInternal context;
        private final EventLoop loop;

        OnContext(ContextInternal context) {
            this.context = context;
            this.loop = context.nettyEventLoop();
        }

        @Override
        public ScheduledFuture<?> schedule(Runnable task, long delay, TimeUnit unit) {
            return loop.schedule(() -> context.dispatch(task), delay, unit);
        }

        @Override
        public <V> ScheduledFuture<V> schedule(Callable<V> task, long delay, TimeUnit unit) {
            return loop.schedule(() -> {
                ContextInternal previous = context.beginDispatch();
                try {
                    return task.call();
                } finally {
                    context.endDispatch(previous);
                }
            }, delay, unit);
        }

        @Override
        public ScheduledFuture<?> scheduleAtFixedRate(Runnable task, long initialDelay, long period, TimeUnit unit) {
            return loop.scheduleAtFixedRate(() -> context.dispatch(task), initialDelay, period, unit);
        }

        @Override
        public ScheduledFuture<?> scheduleWithFixedDelay(Runnable task, long initialDelay, long delay, TimeUnit unit) {
            return loop.scheduleWithFixedDelay(() -> context.dispatch(task), initialDelay, delay, unit);
        }

        @Override
        public void execute(Runnable task) {
            loop.execute(() -> context.dispatch(task));
        }

        // The event loop belongs to Vert.x: this view can never shut it down.
        @Override
        public void shutdown() {
            throw new UnsupportedOperationException("an event loop is shut down by Vert.x only");
        }

        @Override
        public List<Runnable> shutdownNow() {
            throw new UnsupportedOperationException("an event loop is shut down by Vert.x only");
        }

        @Override
        public boolean isShutdown() {
            return loop.isShuttingDown();
        }

        @Override
        public boolean isTerminated() {
            return loop.isTerminated();
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
            return loop.awaitTermination(timeout, unit);
        }
    }
}
