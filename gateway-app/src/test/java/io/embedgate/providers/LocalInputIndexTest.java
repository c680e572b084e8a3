package io.embedgate.providers;

import static io.embedgate.testing.Api.embed;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.embedgate.testing.FakeUpstreamsResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * A rejected over-long input is named by its place in the client's request when the gateway splits
 * the request into several provider calls: the call's own index is shifted by the call's offset.
 */
@QuarkusTest
@TestProfile(LocalInputIndexTest.TwoInputsPerCall.class)
@WithTestResource(FakeUpstreamsResource.class)
class LocalInputIndexTest {

    public static class TwoInputsPerCall implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gateway.models.bge-two-per-call.providers", "local",
                    "gateway.models.bge-two-per-call.upstream-model", "bge-small-en-v1.5-q",
                    "gateway.models.bge-two-per-call.max-inputs-per-call", "2",
                    "gateway.providers.local.settings.eager-models", "none");
        }
    }

    static final String REJECT = ",\"embedding_options\":{\"local\":{\"truncate\":false}}";
    static final String LONG = "word ".repeat(600);

    @Test
    void theOverLongInputOfALaterCallIsNamedByItsPlaceInTheRequest() {
        // Calls [0,1] and [2,3]: the last call rejects its second input, which is input[3] of the request.
        embed(LocalProviderTest.body("bge-two-per-call", List.of("one", "two", "three", LONG), REJECT)).then().statusCode(400)
                .body("error.code", equalTo("input_too_long")).body("error.param", equalTo("input"))
                .body("error.message", containsString("input[3]")).body("error.message", not(containsString("input[1]")))
                .body("error.message", containsString("has 602 tokens"));
        embed(LocalProviderTest.body("bge-two-per-call", List.of("one", "two", LONG, "four", "five"), REJECT)).then().statusCode(400)
                .body("error.message", containsString("input[2]")).body("error.message", not(containsString("input[0]")));
    }

    @Test
    void truncatedByDefaultAcrossCalls() {
        embed(LocalProviderTest.body("bge-two-per-call", List.of("one", "two", "three", LONG), "")).then().statusCode(200)
                .body("data.size()", equalTo(4)).body("data[3].index", equalTo(3));
    }
}
