package io.embedgate.providers;

import static io.embedgate.testing.Api.embed;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;

import io.embedgate.fakes.FakeOpenAi;
import io.embedgate.fakes.Fault;
import io.embedgate.testing.FakeUpstreamsResource;
import io.embedgate.testing.InjectFake;
import io.embedgate.testing.InjectSecondFake;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;

/**
 * An upstream that misbehaves as real ones and the proxies in front of them do: every case is an
 * answer in the error envelope naming the provider (or a clean retry), never a 500, an
 * out-of-memory error, a hang past the deadline, or a short answer.
 */
@QuarkusTest
@WithTestResource(FakeUpstreamsResource.class)
class HostileUpstreamTest {

    static final String ONE = "{\"model\":\"text-embedding-3-small\",\"input\":\"x\"}";

    @InjectFake
    FakeOpenAi fake;
    @InjectSecondFake
    FakeOpenAi elsewhere;

    @BeforeEach
    void reset() {
        fake.reset();
        elsewhere.reset();
    }

    static String withOrq(String orq) {
        return "{\"model\":\"text-embedding-3-small\",\"input\":\"x\",\"orq\":" + orq + "}";
    }

    @Test
    void aZeroRetryAfterMeansRetryNow() {
        fake.enqueue(Fault.respond(429, FakeOpenAi.errorBody("Rate limit reached", "requests", null, "rate_limit_exceeded"),
                Map.of("retry-after", "0")));
        embed(withOrq("{\"retry\":{\"count\":1}}")).then().statusCode(200).header("x-embedgate-provider", "openai");
        assertEquals(2, fake.callCount());
    }

    @Test
    void aRetryAfterDateInThePastMeansRetryNow() {
        String past = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).minusMinutes(5));
        fake.enqueue(Fault.respond(503, FakeOpenAi.errorBody("overloaded", "server_error", null, null), Map.of("retry-after", past)));
        embed(withOrq("{\"retry\":{\"count\":1}}")).then().statusCode(200);
        assertEquals(2, fake.callCount());
    }

    @Test
    void aZeroRetryAfterPassedOnAgreesInBothHeaders() {
        fake.enqueue(Fault.respond(429, FakeOpenAi.errorBody("Rate limit reached", "requests", null, "rate_limit_exceeded"),
                Map.of("retry-after-ms", "0", "retry-after", "0")));
        embed(ONE).then().statusCode(429).header("retry-after", "0").header("retry-after-ms", "0")
                .body("error.code", equalTo("rate_limit_exceeded"));
    }

    @Test
    void anEndlessBodyIsCutOffPromptlyAsInvalid() {
        fake.enqueue(Fault.endlessBody());
        // A 3 s deadline: the answer is the cap's 502, not the deadline's 504.
        embed(withOrq("{\"timeout\":{\"call_timeout\":3000}}")).then().statusCode(502)
                .body("error.code", equalTo("provider_invalid_response")).body("error.message", containsString("cut off"))
                .header("x-embedgate-provider", "openai");
        // The connection was reset, not left half-read in the pool: the next call is served normally.
        embed(ONE).then().statusCode(200);
    }

    @Test
    void aHundredMegabyteBodyIsRefusedFromItsAnnouncedLength() {
        fake.enqueue(Fault.hugeBody(100L << 20));
        embed(withOrq("{\"timeout\":{\"call_timeout\":3000}}")).then().statusCode(502)
                .body("error.code", equalTo("provider_invalid_response"))
                .body("error.message", containsString("announced a body of 104857600"));
        embed(ONE).then().statusCode(200);
    }

    @Test
    void theDeadlineHoldsWhileABodyTrickles() {
        // The answer (~8 KB) at 64 bytes per 50 ms would take six seconds; the deadline is one.
        fake.enqueue(Fault.trickle(Duration.ofMillis(50), 64));
        embed(withOrq("{\"timeout\":{\"call_timeout\":1000}}")).then().statusCode(504).body("error.code", equalTo("provider_timeout"));
    }

    @Test
    void aBodyCutShortIsAFailureNotAnAnswer() {
        fake.enqueue(Fault.cutOffBody());
        embed(ONE).then().statusCode(502).header("x-embedgate-provider", "openai");
    }

    @ParameterizedTest
    @ValueSource(ints = {301, 302, 307, 308})
    void redirectsAreTheUpstreamsFaultAndAreNotFollowed(int status) {
        fake.enqueue(Fault.redirect(status, elsewhere.baseUrl() + "/embeddings"));
        embed(ONE).then().statusCode(502).body("error.type", equalTo("upstream_error"))
                .body("error.code", equalTo("provider_invalid_response"))
                .body("error.message", containsString("Provider 'openai'")).body("error.message", containsString("redirect"))
                .header("x-embedgate-provider", "openai");
        assertEquals(0, elsewhere.callCount(), "the key never travelled to the redirect's target");
    }

    @Test
    void switchingProtocolsIsTheUpstreamsFault() {
        fake.enqueue(Fault.switchingProtocols());
        embed(ONE).then().statusCode(502).body("error.code", equalTo("provider_invalid_response"))
                .body("error.message", containsString("HTTP 101"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"float", "base64"})
    void allZeroVectorsAreInvalidForEveryClient(String encoding) {
        fake.enqueue(FakeOpenAi.zeroVectors());
        embed("{\"model\":\"text-embedding-3-small\",\"input\":[\"a\",\"b\"],\"encoding_format\":\"" + encoding + "\"}").then()
                .statusCode(502).body("error.code", equalTo("provider_invalid_response")).body("error.message", containsString("all-zero"));
    }

    @Test
    void theUpstreamModelHeaderIsWhatTheGatewayAskedFor() {
        fake.enqueue(fake.echoingKey());
        Response r = embed(ONE);
        r.then().statusCode(200).header("x-embedgate-upstream-model", "text-embedding-3-small");
        assertFalse(r.asString().contains(fake.apiKey()));
        assertFalse(r.headers().toString().contains(fake.apiKey()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/v1/models/%", "/v1/models/%zz", "/v1/models/a%2", "/v1/models/%%", "/v1/embeddings%"})
    void aPathThatIsNotValidPercentEncodingIsA400Envelope(String path) throws Exception {
        // Raw HTTP: no client library sends such a path.
        try (Socket s = new Socket("127.0.0.1", RestAssured.port)) {
            s.setSoTimeout(5000);
            s.getOutputStream()
                    .write(("GET " + path + " HTTP/1.1\r\nhost: 127.0.0.1\r\nauthorization: " + io.embedgate.testing.TestKeys.BEARER
                            + "\r\nconnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String reply = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(reply.startsWith("HTTP/1.1 400"), reply);
            JsonNode error = io.embedgate.testing.Api.JSON.readTree(reply.substring(reply.indexOf("\r\n\r\n") + 4)).get("error");
            assertTrue(error != null && error.isObject(), reply);
            assertEquals("invalid_request_error", error.get("type").asText(), reply);
            assertTrue(error.get("message").asText().contains("percent"), reply);
            assertTrue(error.has("param") && error.has("code"), reply);
        }
    }
}
