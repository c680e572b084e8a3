package io.embedgate.routing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.embedgate.spi.EmbeddingResult;
import io.embedgate.testing.FakeUpstreamsResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;

/** Cancelling a call through an instance's breaker cancels the upstream call inside it. */
@QuarkusTest
@WithTestResource(FakeUpstreamsResource.class)
class ProviderHealthCancellationTest {

    @Inject
    ProviderHealth health;

    @Test
    void cancellingTheGuardedCallCancelsTheUpstreamCall() throws InterruptedException {
        CountDownLatch subscribed = new CountDownLatch(1);
        CountDownLatch cancelled = new CountDownLatch(1);
        Uni<EmbeddingResult> upstream = Uni.createFrom().emitter(e -> {
            e.onTermination(cancelled::countDown);
            subscribed.countDown();
        });
        Cancellable call = health.call("openai", () -> upstream).subscribe().with(r -> {
        }, t -> {
        });
        assertTrue(subscribed.await(5, TimeUnit.SECONDS), "the upstream call started");
        call.cancel();
        assertTrue(cancelled.await(5, TimeUnit.SECONDS), "the upstream call was cancelled");
    }
}
