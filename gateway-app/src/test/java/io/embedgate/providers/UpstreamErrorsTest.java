package io.embedgate.providers;

import static io.embedgate.testing.Api.embed;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Base64;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.embedgate.fakes.FakeOpenAi;
import io.embedgate.fakes.Fault;
import io.embedgate.spi.Float32;
import io.embedgate.testing.FakeUpstreamsResource;
import io.embedgate.testing.InjectFake;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/** Upstream failures become clear 5xx/429 answers that name the provider and never leak its key. */
@QuarkusTest
@WithTestResource(FakeUpstreamsResource.class)
class UpstreamErrorsTest {

    static final String BODY = "{\"model\":\"text-embedding-3-small\",\"input\":\"x\"}";

    @InjectFake
    FakeOpenAi fake;

    @BeforeEach
    void reset() {
        fake.reset();
    }

    static void assertNoKey(Response r, String key) {
        String all = r.asString() + r.headers().toString();
        assertFalse(all.contains(key), "key leaked: " + all);
        assertFalse(all.contains(key.substring(key.length() - 4)), "key fragment leaked: " + all);
    }

    @Test
    void wrongProviderKeyIs502NamingTheProviderNotTheKey() {
        Response r = embed("{\"model\":\"wrong-key-model\",\"input\":\"x\"}");
        r.then().statusCode(502).body("error.type", equalTo("upstream_error")).body("error.code", equalTo("provider_auth_failed"))
                .body("error.message", containsString("openai-wrongkey")).header("x-embedgate-provider", "openai-wrongkey");
        assertEquals(1, fake.callCount(), "the fake really answered 401");
        assertNoKey(r, FakeUpstreamsResource.WRONG_KEY);
    }

    @Test
    void forbiddenIs502() {
        fake.enqueue(FakeOpenAi.forbidden());
        embed(BODY).then().statusCode(502).body("error.code", equalTo("provider_permission_denied"));
    }

    @Test
    void rateLimitIs429WithRetryAfterPassedOn() {
        fake.enqueue(FakeOpenAi.rateLimited(2));
        embed(BODY).then().statusCode(429).header("retry-after", "2").header("retry-after-ms", "2000")
                .body("error.type", equalTo("rate_limit_error")).body("error.code", equalTo("rate_limit_exceeded"))
                .body("error.message", containsString("openai"));
    }

    @Test
    void retryAfterMsIsHonouredAndRoundedUpForRetryAfter() {
        fake.enqueue(FakeOpenAi.rateLimitedMs(1500));
        embed(BODY).then().statusCode(429).header("retry-after", "2").header("retry-after-ms", "1500");
    }

    @Test
    void exhaustedQuotaIs429InsufficientQuota() {
        fake.enqueue(FakeOpenAi.insufficientQuota());
        embed(BODY).then().statusCode(429).body("error.code", equalTo("insufficient_quota"));
    }

    @Test
    void serverErrorsAre502() {
        fake.enqueue(FakeOpenAi.serverError(500));
        embed(BODY).then().statusCode(502).body("error.code", equalTo("provider_error")).body("error.message", containsString("HTTP 500"));
        fake.enqueue(FakeOpenAi.serverError(503));
        embed(BODY).then().statusCode(502).body("error.message", containsString("HTTP 503"));
        fake.enqueue(Fault.respond(502, "<html><body>Bad gateway</body></html>", Map.of("content-type", "text/html")));
        embed(BODY).then().statusCode(502).body("error.code", equalTo("provider_error"));
    }

    @Test
    void garbageIs502() {
        fake.enqueue(Fault.malformedJson());
        embed(BODY).then().statusCode(502).body("error.code", equalTo("provider_invalid_response"));
    }

    @Test
    void aMissingVectorIs502NeverAShortAnswer() {
        fake.enqueue(Fault.missingVector());
        embed("{\"model\":\"text-embedding-3-small\",\"input\":[\"a\",\"b\",\"c\"]}").then().statusCode(502)
                .body("error.code", equalTo("provider_invalid_response")).body("error.message", containsString("no vector for input 2"));
    }

    /** An OpenAI 200 body with these vectors as base64, at indexes 0, 1, ... */
    static String vectorsBody(float[]... vectors) {
        StringBuilder body = new StringBuilder("{\"object\":\"list\",\"data\":[");
        for (int i = 0; i < vectors.length; i++) {
            body.append(i == 0 ? "" : ",").append("{\"object\":\"embedding\",\"index\":").append(i).append(",\"embedding\":\"")
                    .append(Base64.getEncoder().encodeToString(Float32.toLittleEndian(vectors[i]))).append("\"}");
        }
        return body.append("],\"model\":\"text-embedding-3-small\",\"usage\":{\"prompt_tokens\":").append(vectors.length)
                .append(",\"total_tokens\":").append(vectors.length).append("}}").toString();
    }

    @ParameterizedTest(name = "encoding_format {0}")
    @ValueSource(strings = {"float", "base64"})
    void nanFromUpstreamIs502ForFloatAndBase64ClientsAlike(String encoding) {
        float[] v = new float[1536];
        v[3] = 0.5f;
        v[7] = Float.NaN;
        fake.enqueue(Fault.respond(200, vectorsBody(v)));
        embed("{\"model\":\"text-embedding-3-small\",\"input\":\"x\",\"encoding_format\":\"" + encoding + "\"}").then()
                .statusCode(502).body("error.code", equalTo("provider_invalid_response")).body("error.message", containsString("NaN"))
                .header("x-embedgate-provider", "openai");
    }

    /** Every vector is checked before the response starts, the last of sixteen too (a large response is printed on two threads). */
    @Test
    void infinityInTheLastOfSixteenVectorsIs502ForFloatClients() {
        float[][] vectors = new float[16][1536];
        for (float[] v : vectors) {
            v[3] = 0.5f;
        }
        vectors[15][1000] = Float.POSITIVE_INFINITY;
        String body = vectorsBody(vectors);
        String sixteen = "{\"model\":\"text-embedding-3-small\",\"input\":[" + "\"x\",".repeat(15) + "\"x\"]}";
        for (int round = 0; round < 20; round++) {
            fake.enqueue(Fault.respond(200, body));
            embed(sixteen).then().statusCode(502).body("error.code", equalTo("provider_invalid_response"))
                    .body("error.message", containsString("NaN or infinite"));
        }
    }

    @Test
    void aVectorOfTheWrongSizeIs502() {
        fake.enqueue(Fault.respond(200, vectorsBody(new float[1024])));
        embed(BODY).then().statusCode(502).body("error.code", equalTo("provider_invalid_response"))
                .body("error.message", containsString("1024-element vectors, expected 1536"));
    }

    @Test
    void droppedConnectionIs502() {
        fake.enqueue(Fault.disconnect());
        embed(BODY).then().statusCode(502).body("error.code", equalTo("provider_unreachable"));
    }

    @Test
    void inputTheProviderRejectsIs400WithItsReason() {
        embed("{\"model\":\"text-embedding-3-small\",\"input\":\"" + "word ".repeat(7000) + "\"}").then().statusCode(400)
                .body("error.type", equalTo("invalid_request_error"))
                .body("error.message", containsString("maximum context length is 8192 tokens"))
                .body("error.message", containsString("'openai'"));
    }
}
