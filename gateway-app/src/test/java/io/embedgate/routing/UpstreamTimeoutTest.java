package io.embedgate.routing;

import static io.embedgate.testing.Api.embed;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.embedgate.fakes.FakeOpenAi;
import io.embedgate.fakes.Fault;
import io.embedgate.testing.FakeUpstreamsResource;
import io.embedgate.testing.InjectFake;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

@QuarkusTest
@TestProfile(UpstreamTimeoutTest.ShortDeadline.class)
@WithTestResource(FakeUpstreamsResource.class)
class UpstreamTimeoutTest {

    public static class ShortDeadline implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gateway.routing.timeout", "700ms");
        }
    }

    @InjectFake
    FakeOpenAi fake;

    @Test
    void aSlowUpstreamIs504AtTheDeadline() {
        fake.reset();
        fake.enqueue(Fault.delay(Duration.ofSeconds(10)));
        embed("{\"model\":\"text-embedding-3-small\",\"input\":\"x\"}").then().statusCode(504)
                .body("error.type", equalTo("timeout_error")).body("error.code", equalTo("provider_timeout"))
                .body("error.message", containsString("openai"));
        // The gateway is not stuck: the next request is served normally.
        embed("{\"model\":\"text-embedding-3-small\",\"input\":\"x\"}").then().statusCode(200);
    }
}
