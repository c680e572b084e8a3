package io.embedgate.routing;

import static io.embedgate.testing.Api.embed;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.embedgate.fakes.FakeOpenAi;
import io.embedgate.fakes.Fault;
import io.embedgate.testing.FakeUpstreamsResource;
import io.embedgate.testing.InjectFake;
import io.embedgate.testing.InjectSecondFake;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * The breaker judges recent failures, never opens on a success, and lets a recovered instance back
 * in after its delay and a few probes. Each test uses instances of its own, so that breaker states
 * do not carry over between tests: text-embedding-3-small is served by openai (fake A) alone,
 * breaker-solo by openai-b (fake B) alone, weighted-small by openai-w1 (fake A) and openai-w3 (fake
 * B), here of equal weight so that latency decides between them.
 */
@QuarkusTest
@TestProfile(CircuitBreakerRecoveryTest.Breaker.class)
@WithTestResource(FakeUpstreamsResource.class)
class CircuitBreakerRecoveryTest {

    static final long PAST_DELAY_MS = 1_100;

    public static class Breaker implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "gateway.routing.circuit-breaker.request-volume", "10",
                    "gateway.routing.circuit-breaker.failure-ratio", "0.5",
                    "gateway.routing.circuit-breaker.delay", "1s",
                    // Long enough that failures from before the delay are still in it afterwards.
                    "gateway.routing.circuit-breaker.window", "5s",
                    "gateway.routing.circuit-breaker.success-threshold", "2",
                    "gateway.models.breaker-solo.providers", "openai-b",
                    "gateway.models.breaker-solo.upstream-model", "text-embedding-3-small",
                    "gateway.providers.openai-w3.weight", "1");
        }
    }

    @InjectFake
    FakeOpenAi a;
    @InjectSecondFake
    FakeOpenAi b;

    @BeforeEach
    void reset() {
        a.reset();
        b.reset();
    }

    static String req(String model, String extra) {
        return "{\"model\":\"" + model + "\",\"input\":\"x\"" + extra + "}";
    }

    /** The value of {@code embedgate_circuit_state{provider="..."}}: 0 closed, 1 open, 2 half-open. */
    static int circuit(String provider) {
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher m = Pattern.compile("(?m)^embedgate_circuit_state\\{provider=\"" + Pattern.quote(provider) + "\"\\} ([0-9.]+)$")
                .matcher(metrics);
        if (!m.find()) {
            throw new AssertionError("no circuit state for " + provider);
        }
        return (int) Double.parseDouble(m.group(1));
    }

    @Test
    void theReportedSequenceAnswersEverySuccess() throws InterruptedException {
        for (int i = 0; i < 5; i++) {
            a.enqueue(FakeOpenAi.serverError(500));
        }
        for (int i = 0; i < 5; i++) {
            embed(req("text-embedding-3-small", "")).then().statusCode(502).body("error.message", containsString("HTTP 500"));
        }
        Thread.sleep(PAST_DELAY_MS);
        // The five failures are still in the window: at the fifth success, ten calls of which half
        // failed. Only a failure may open the breaker, so every one of these is answered.
        for (int i = 0; i < 12; i++) {
            embed(req("text-embedding-3-small", "")).then().statusCode(200).header("x-embedgate-provider", "openai");
        }
        assertEquals(17, a.callCount());
        assertEquals(0, circuit("openai"));
    }

    @Test
    void anInstanceThatAloneServesAModelIsLetBackInAfterItsDelay() throws InterruptedException {
        for (int i = 0; i < 10; i++) {
            b.enqueue(FakeOpenAi.serverError(500));
        }
        for (int i = 0; i < 10; i++) {
            embed(req("breaker-solo", "")).then().statusCode(502).body("error.message", containsString("HTTP 500"));
        }
        assertEquals(1, circuit("openai-b"), "ten calls, all failed: open");
        // The upstream has recovered (no more faults queued), but the breaker refuses until its delay has passed.
        for (int i = 0; i < 3; i++) {
            embed(req("breaker-solo", "")).then().statusCode(502).body("error.message", containsString("circuit breaker open"));
        }
        assertEquals(10, b.callCount(), "no upstream call while open");

        Thread.sleep(PAST_DELAY_MS);
        // Two successful probes (the success threshold) close it.
        embed(req("breaker-solo", "")).then().statusCode(200).header("x-embedgate-provider", "openai-b");
        assertEquals(2, circuit("openai-b"), "one probe succeeded: still half-open");
        embed(req("breaker-solo", "")).then().statusCode(200).header("x-embedgate-provider", "openai-b");
        assertEquals(0, circuit("openai-b"));
        for (int i = 0; i < 5; i++) {
            embed(req("breaker-solo", "")).then().statusCode(200);
        }
        assertEquals(17, b.callCount());
    }

    @Test
    void aRecoveredInstanceWithAStaleHighLatencyGetsItsProbes() throws InterruptedException {
        String first = ",\"provider\":{\"order\":[\"openai-w1\"]}";
        // openai-w1 (fake A) measured slow, openai-w3 (fake B) fast: latency orders w3 first.
        a.enqueue(Fault.delay(Duration.ofMillis(500)));
        embed(req("weighted-small", first)).then().statusCode(200).header("x-embedgate-provider", "openai-w1");
        embed(req("weighted-small", ",\"provider\":{\"order\":[\"openai-w3\"]}")).then().statusCode(200)
                .header("x-embedgate-provider", "openai-w3");
        embed(req("weighted-small", "")).then().statusCode(200).header("x-embedgate-provider", "openai-w3");

        // openai-w1 fails until its breaker opens; each request moves on to openai-w3.
        for (int i = 0; i < 10; i++) {
            a.enqueue(FakeOpenAi.serverError(500));
        }
        for (int i = 0; i < 10; i++) {
            embed(req("weighted-small", first)).then().statusCode(200).header("x-embedgate-provider", "openai-w3");
        }
        assertEquals(1, circuit("openai-w1"));
        a.reset();

        Thread.sleep(PAST_DELAY_MS);
        // Its old latency would still order it behind openai-w3, where it would never be probed.
        // Past the delay it sorts as a new instance, gets the probes, and its breaker closes.
        embed(req("weighted-small", "")).then().statusCode(200).header("x-embedgate-provider", "openai-w1");
        embed(req("weighted-small", "")).then().statusCode(200).header("x-embedgate-provider", "openai-w1");
        assertEquals(0, circuit("openai-w1"));
        assertEquals(2, a.callCount());
    }
}
