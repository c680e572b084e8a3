package io.embedgate.routing;

import static io.embedgate.testing.Api.embed;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.embedgate.fakes.FakeOpenAi;
import io.embedgate.testing.FakeUpstreamsResource;
import io.embedgate.testing.InjectFake;
import io.embedgate.testing.InjectSecondFake;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** A failing instance's breaker opens (it is then tried last), and closes again after its delay. */
@QuarkusTest
@TestProfile(CircuitBreakerTest.SmallBreaker.class)
@WithTestResource(FakeUpstreamsResource.class)
class CircuitBreakerTest {

    public static class SmallBreaker implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "gateway.routing.circuit-breaker.request-volume", "4",
                    "gateway.routing.circuit-breaker.failure-ratio", "0.5",
                    "gateway.routing.circuit-breaker.delay", "1s",
                    "gateway.routing.circuit-breaker.success-threshold", "1",
                    // openai is preferred by priority; openai-b takes over while it is unhealthy
                    "gateway.providers.openai-b.priority", "1",
                    "gateway.providers.openai-alpha.priority", "2");
        }
    }

    @InjectFake
    FakeOpenAi a;
    @InjectSecondFake
    FakeOpenAi b;

    @Test
    void opensAfterFailuresAndRecovers() throws InterruptedException {
        a.reset();
        b.reset();
        for (int i = 0; i < 4; i++) {
            a.enqueue(FakeOpenAi.serverError(500));
        }
        for (int i = 0; i < 4; i++) {
            embed("{\"model\":\"routed-small\",\"input\":\"x\"}").then().statusCode(200).header("x-embedgate-provider", "openai-b");
        }
        assertEquals(4, a.callCount(), "openai was tried first each time, by priority");
        // Breaker open: openai is now ordered last and not called at all.
        embed("{\"model\":\"routed-small\",\"input\":\"x\"}").then().statusCode(200).header("x-embedgate-provider", "openai-b");
        assertEquals(4, a.callCount());
        Thread.sleep(1200);
        // Delay over: openai is back in front, its trial call succeeds and closes the breaker.
        embed("{\"model\":\"routed-small\",\"input\":\"x\"}").then().statusCode(200).header("x-embedgate-provider", "openai");
        embed("{\"model\":\"routed-small\",\"input\":\"x\"}").then().statusCode(200).header("x-embedgate-provider", "openai");
        assertEquals(6, a.callCount());
    }
}
