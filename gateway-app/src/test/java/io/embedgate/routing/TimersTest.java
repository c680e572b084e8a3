package io.embedgate.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/** Timer tasks run on the caller's event loop and inside its Vert.x context, as the calls after a retry delay need. */
class TimersTest {

    static Vertx vertx;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @Test
    void aDelayedTaskRunsInsideTheCallersContext() throws Exception {
        Context caller = vertx.getOrCreateContext();
        CompletableFuture<Context> seen = new CompletableFuture<>();
        CompletableFuture<String> thread = new CompletableFuture<>();
        caller.runOnContext(v -> {
            String loop = Thread.currentThread().getName();
            thread.complete(loop);
            Uni.createFrom().voidItem().onItem().delayIt().onExecutor(Timers.executor()).by(Duration.ofMillis(20))
                    .subscribe().with(x -> {
                        assertEquals(loop, Thread.currentThread().getName(), "same event loop");
                        seen.complete(Vertx.currentContext());
                    }, seen::completeExceptionally);
        });
        assertSame(caller, seen.get(5, TimeUnit.SECONDS), "the delayed continuation finds the caller's context");
    }

    @Test
    void aTimeoutFiresInsideTheCallersContext() throws Exception {
        Context caller = vertx.getOrCreateContext();
        CompletableFuture<Context> seen = new CompletableFuture<>();
        caller.runOnContext(v -> Uni.createFrom().nothing().ifNoItem().after(Duration.ofMillis(20)).on(Timers.executor()).fail()
                .subscribe().with(x -> seen.completeExceptionally(new AssertionError("no item expected")),
                        failure -> seen.complete(Vertx.currentContext())));
        assertSame(caller, seen.get(5, TimeUnit.SECONDS));
    }

    @Test
    void callablesAndPlainTasksAlsoRunInTheContext() throws Exception {
        Context caller = vertx.getOrCreateContext();
        CompletableFuture<ScheduledExecutorService> executor = new CompletableFuture<>();
        caller.runOnContext(v -> executor.complete(Timers.executor()));
        ScheduledExecutorService timers = executor.get(5, TimeUnit.SECONDS);
        assertSame(caller, timers.schedule(Vertx::currentContext, 5, TimeUnit.MILLISECONDS).get(5, TimeUnit.SECONDS));
        CompletableFuture<Context> plain = new CompletableFuture<>();
        timers.execute(() -> plain.complete(Vertx.currentContext()));
        assertSame(caller, plain.get(5, TimeUnit.SECONDS));
    }

    @Test
    void offAnEventLoopTheWorkerPoolSchedules() {
        assertTrue(!Context.isOnEventLoopThread());
        assertSame(Infrastructure.getDefaultWorkerPool(), Timers.executor());
    }
}
