package io.embedgate.limits;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.embedgate.fakes.FakeOpenAi;
import io.embedgate.testing.Api;
import io.embedgate.testing.FakeUpstreamsResource;
import io.embedgate.testing.InjectFake;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;

/** A deployment that can return at most 300 KB per response (as an AWS Lambda function can return 6 MB). */
@QuarkusTest
@TestProfile(ResponseSizeLimitTest.SmallResponses.class)
@WithTestResource(FakeUpstreamsResource.class)
class ResponseSizeLimitTest {

    public static class SmallResponses implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gateway.limits.max-response-size", "300K");
        }
    }

    @InjectFake
    FakeOpenAi fake;

    @BeforeEach
    void reset() {
        fake.reset();
    }

    @Test
    void anAnswerThatCannotFitIsRefusedBeforeAnyUpstreamCall() {
        // 100 x 1536 numbers: at least 100 x 3,120 bytes however they print
        Api.embed(Api.manyInputs("text-embedding-3-small", 100)).then().statusCode(413).body("error.code", equalTo("response_too_large"))
                .body("error.param", equalTo("input")).body("error.message", containsString("at least 0.3 MB"));
        assertEquals(0, fake.callCount());
    }

    @Test
    void anAnswerThatPrintsTooLargeIsA413NotAShortAnswer() {
        // 40 x 1536 floats: 125 KB at the least, about 700 KB printed
        Api.embed(Api.manyInputs("text-embedding-3-small", 40)).then().statusCode(413).body("error.code", equalTo("response_too_large"))
                .body("error.message", containsString("more than 0.3 MB"));
        assertEquals(1, fake.callCount());
    }

    @Test
    void anAnswerWithinTheLimitIsReturnedWhole() {
        // 30 x 1536 as base64: 247 KB, over the 64 KB that go out in one write elsewhere
        Response r = Api.embed(Api.manyInputs("text-embedding-3-small", 30).replace("]}", "],\"encoding_format\":\"base64\"}"));
        r.then().statusCode(200).body("data.size()", equalTo(30)).header("content-length", String.valueOf(r.asByteArray().length));
        assertArrayEquals(FakeOpenAi.expectedVector("text-embedding-3-small", "text-29", null), Api.vector(Api.json(r), 29));
    }
}
