package io.embedgate.routing;

import static io.embedgate.testing.Api.embed;
import static io.embedgate.testing.Api.json;
import static io.embedgate.testing.Api.vector;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.JsonNode;

import io.embedgate.fakes.FakeMistral;
import io.embedgate.fakes.FakeOpenAi;
import io.embedgate.fakes.Fault;
import io.embedgate.testing.FakeUpstreamsResource;
import io.embedgate.testing.InjectFake;
import io.embedgate.testing.InjectSecondFake;
import io.embedgate.testing.TestKeys;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Provider preferences, retries, failover, fallbacks, load balancing and timeouts, against fake
 * upstreams with injected faults. "routed-small" is served by openai (fake A), openai-b (fake B) and
 * openai-alpha (fake B, alpha).
 */
@QuarkusTest
@WithTestResource(FakeUpstreamsResource.class)
class RoutingTest {

    static final String SMALL = "text-embedding-3-small";

    @InjectFake
    FakeOpenAi a;
    @InjectSecondFake
    FakeOpenAi b;
    @InjectFake
    FakeMistral mistral;

    @BeforeEach
    void reset() {
        a.reset();
        b.reset();
        mistral.reset();
    }

    static String req(String extra) {
        return "{\"model\":\"routed-small\",\"input\":\"x\"" + extra + "}";
    }

    static String order(String... names) {
        return ",\"provider\":{\"order\":[\"" + String.join("\",\"", names) + "\"]}";
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            two 503s, two retries: the third call answers | 2 | {"count":2}                  | 200 | 3
            two 503s, one retry: exactly one retry        | 2 | {"count":1}                  | 502 | 2
            503 is not in on_codes: no retry              | 1 | {"count":3,"on_codes":[500]} | 502 | 1
            """)
    void retriesTheConfiguredCountOnTheConfiguredCodes(String name, int failures, String retry, int status, int calls) {
        for (int i = 0; i < failures; i++) {
            a.enqueue(FakeOpenAi.serverError(503));
        }
        embed(req(",\"provider\":{\"only\":[\"openai\"]},\"orq\":{\"retry\":" + retry + "}"))
                .then().statusCode(status).header("x-embedgate-provider", "openai");
        assertEquals(calls, a.callCount(), "calls to openai");
    }

    @Test
    void connectionResetsAreRetried() {
        a.enqueue(Fault.disconnect());
        embed(req(",\"provider\":{\"only\":[\"openai\"]},\"orq\":{\"retry\":{\"count\":1}}")).then().statusCode(200);
        assertEquals(2, a.callCount());
    }

    @Test
    void retryAfterIsHonoured() {
        a.enqueue(FakeOpenAi.rateLimitedMs(300));
        embed(req(",\"provider\":{\"only\":[\"openai\"]},\"orq\":{\"retry\":{\"count\":1}}")).then().statusCode(200);
        assertEquals(2, a.callCount());
        long waited = a.requests().get(1).receivedAtNanos() - a.requests().get(0).receivedAtNanos();
        assertTrue(waited >= Duration.ofMillis(290).toNanos(), "waited " + waited / 1_000_000 + " ms");
    }

    @Test
    void aRetryAfterBeyondTheDeadlineIsNotWaitedFor() {
        a.enqueue(FakeOpenAi.rateLimited(5));
        embed(req(",\"provider\":{\"only\":[\"openai\"]},\"orq\":{\"retry\":{\"count\":3},\"timeout\":{\"call_timeout\":1000}}"))
                .then().statusCode(429).header("retry-after", "5");
        assertEquals(1, a.callCount());
        a.enqueue(FakeOpenAi.rateLimited(60)); // longer than gateway.routing.retry.max-retry-after
        embed(req(",\"provider\":{\"only\":[\"openai\"]},\"orq\":{\"retry\":{\"count\":3}}")).then().statusCode(429);
        assertEquals(2, a.callCount());
    }

    @Test
    void backoffStaysInsideTheDeadline() {
        for (int i = 0; i < 20; i++) {
            a.enqueue(FakeOpenAi.serverError(503));
        }
        embed(req(",\"provider\":{\"only\":[\"openai\"]},\"orq\":{\"retry\":{\"count\":10},\"timeout\":{\"call_timeout\":400}}"))
                .then().statusCode(502).body("error.message", containsString("HTTP 503"));
        int calls = a.callCount();
        assertTrue(calls >= 2 && calls < 11, calls + " calls: backoff (100 ms doubling) cannot fit 11 within 400 ms");
    }

    @Test
    void oneProviderFailingHardAnotherFlakyCallCountsMatchThePolicy() {
        for (int i = 0; i < 10; i++) {
            a.enqueue(FakeOpenAi.serverError(500));
        }
        b.enqueue(FakeOpenAi.serverError(503));
        String body = """
                {"model":"routed-small","input":["p","q"],"provider":{"order":["openai","openai-b"]},"orq":{"retry":{"count":2}}}""";
        JsonNode r = json(embed(body).then().statusCode(200).header("x-embedgate-provider", "openai-b").extract().response());
        assertArrayEquals(FakeOpenAi.expectedVector(SMALL, "q", null), vector(r, 1));
        assertEquals(3, a.callCount(), "openai: the call and its two retries");
        assertEquals(2, b.callCount(), "openai-b: the 503, then one retry that succeeds");
    }

    @Test
    void failoverFollowsProviderOrder() {
        embed(req(order("openai-b", "openai"))).then().statusCode(200).header("x-embedgate-provider", "openai-b");
        assertEquals(0, a.callCount());
        assertEquals(1, b.callCount());
        a.enqueue(FakeOpenAi.serverError(500));
        embed(req(order("openai", "openai-b"))).then().statusCode(200).header("x-embedgate-provider", "openai-b");
        assertEquals(1, a.callCount());
        assertEquals(2, b.callCount());
        a.enqueue(FakeOpenAi.forbidden());
        embed(req(order("openai", "openai-b"))).then().statusCode(200).header("x-embedgate-provider", "openai-b");
    }

    @Test
    void aRejectedInputFailsAtOnceWithoutFailover() {
        embed("{\"model\":\"routed-small\",\"input\":\"" + "word ".repeat(7000) + "\"" + order("openai", "openai-b") + "}").then()
                .statusCode(400);
        assertEquals(1, a.callCount());
        assertEquals(0, b.callCount());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            {"only":["openai-b"]}                             | openai-b
            {"ignore":["openai-b","openai-alpha"]}            | openai
            {"only":["openai-alpha"],"include_alpha":true}    | openai-alpha
            """)
    void preferenceFilters(String provider, String expected) {
        embed(req(",\"provider\":" + provider)).then().statusCode(200).header("x-embedgate-provider", expected);
    }

    @Test
    void preferenceErrors() {
        embed(req(",\"provider\":{\"only\":[\"openai-alpha\"]}")).then().statusCode(400)
                .body("error.message", containsString("openai-alpha is alpha (set provider.include_alpha)"));
        embed(req(",\"provider\":{\"order\":[\"nobody\"]}")).then().statusCode(400).body("error.param", equalTo("provider.order[0]"))
                .body("error.message", containsString("Unknown provider 'nobody'"));
        embed(req(",\"provider\":{\"ignore\":[\"openai\",\"openai-b\"]}")).then().statusCode(400)
                .body("error.message", containsString("openai is in provider.ignore"))
                .body("error.message", containsString("openai-b is in provider.ignore"));
        embed(req(",\"provider\":{\"only\":[\"mistral\"]}")).then().statusCode(400).body("error.message",
                containsString("not in provider.only"));
        assertEquals(0, a.callCount() + b.callCount());
    }

    @Test
    void fallbackOfTheSameSizeIsTakenWhenEveryCandidateFailed() {
        a.enqueue(FakeOpenAi.serverError(500));
        b.enqueue(FakeOpenAi.serverError(500));
        String body = """
                {"model":"routed-small","input":"x","provider":{"ignore":["openai-alpha"]},\
                "orq":{"fallbacks":[{"model":"mistral-embed"},{"model":"text-embedding-3-large"}]}}""";
        JsonNode r = json(embed(body).then().statusCode(200).body("model", equalTo("text-embedding-3-large"))
                .header("x-embedgate-provider", "openai").extract().response());
        float[] v = vector(r, 0);
        assertEquals(1536, v.length, "the fallback is asked for the primary's size");
        assertArrayEquals(FakeOpenAi.expectedVector("text-embedding-3-large", "x", 1536), v);
        assertEquals(0, mistral.callCount(), "mistral-embed (1024) was skipped: wrong size");
        assertTrue(a.requests().get(a.callCount() - 1).body().contains("\"dimensions\":1536"));
    }

    @Test
    void aFallbackOfAnotherSizeIsRefused() {
        a.enqueue(FakeOpenAi.serverError(500));
        embed("{\"model\":\"openai/text-embedding-3-small\",\"input\":\"x\",\"orq\":{\"fallbacks\":[{\"model\":\"mistral-embed\"}]}}")
                .then().statusCode(502).body("error.message", containsString("HTTP 500"));
        assertEquals(0, mistral.callCount());
    }

    @Test
    void loadBalancerSpreadsByWeight() {
        int n = 300;
        int first = 0;
        String body = """
                {"model":"routed-small","input":"x",\
                "orq":{"load_balancer":[{"model":"openai/routed-small","weight":0.7},{"model":"openai-b/routed-small","weight":0.3}]}}""";
        for (int i = 0; i < n; i++) {
            String provider = embed(body).then().statusCode(200).extract().header("x-embedgate-provider");
            first += provider.equals("openai") ? 1 : 0;
        }
        // Binomial(300, 0.7): mean 210, sd 7.9; the bounds are more than 5 sd away.
        assertTrue(first > 168 && first < 252, first + " of " + n);
    }

    @Test
    void configuredInstanceWeightsSpreadTraffic() {
        int n = 300;
        int heavy = 0;
        for (int i = 0; i < n; i++) {
            heavy += embed("{\"model\":\"weighted-small\",\"input\":\"x\"}").then().statusCode(200).extract()
                    .header("x-embedgate-provider").equals("openai-w3") ? 1 : 0;
        }
        // weights 3:1 -> 0.75; mean 225, sd 7.5
        assertTrue(heavy > 187 && heavy < 263, heavy + " of " + n);
    }

    @Test
    void loadBalancingAcrossModelsIsRefused() {
        String body = """
                {"model":"routed-small","input":"x",\
                "orq":{"load_balancer":[{"model":"routed-small","weight":0.5},{"model":"text-embedding-3-large","weight":0.5}]}}""";
        embed(body).then().statusCode(400).body("error.param", equalTo("orq.load_balancer[1].model"))
                .body("error.message", containsString("incompatible vector spaces"));
    }

    @Test
    void callTimeoutGivesA504() {
        a.enqueue(Fault.delay(Duration.ofSeconds(5)));
        embed(req(",\"provider\":{\"only\":[\"openai\"]},\"orq\":{\"timeout\":{\"call_timeout\":300}}")).then().statusCode(504)
                .body("error.code", equalTo("provider_timeout"));
    }

    @Test
    void v2RouteAndOrqAttributionNeverGoUpstream() {
        String body = """
                {"model":"text-embedding-3-small","input":["a","b"],"orq":{"name":"search-indexer",\
                "contact":{"id":"contact_01ARZ","display_name":"Jane Doe","email":"jane@example.com",\
                "metadata":[{"department":"Engineering"}],"logo_url":"https://example.com/j.jpg","tags":["hr"]},\
                "cache":{"type":"exact_match","ttl":3600},"retry":{"count":3,"on_codes":[429,500,502,503,504]},\
                "timeout":{"call_timeout":30000}}}""";
        given().header("Authorization", TestKeys.BEARER).contentType("application/json").body(body)
                .post("/v2/gateway/embeddings").then().statusCode(200).body("object", equalTo("list")).body("data.size()", equalTo(2))
                .body("model", equalTo(SMALL));
        String sent = a.requests().get(0).body();
        assertFalse(sent.contains("Jane") || sent.contains("contact") || sent.contains("search-indexer") || sent.contains("orq"), sent);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            retry count negative    | {"retry":{"count":-1}}                                | orq.retry.count
            retry count too large   | {"retry":{"count":99}}                                | orq.retry.count
            retry code not an error | {"retry":{"on_codes":[200]}}                          | orq.retry.on_codes[0]
            cache type              | {"cache":{"type":"semantic"}}                         | orq.cache.type
            cache ttl               | {"cache":{"type":"exact_match","ttl":0}}              | orq.cache.ttl
            timeout                 | {"timeout":{"call_timeout":0}}                        | orq.timeout.call_timeout
            unknown fallback        | {"fallbacks":[{"model":"nope"}]}                      | orq.fallbacks[0].model
            fallback without model  | {"fallbacks":[{}]}                                    | orq.fallbacks[0].model
            balancer weight         | {"load_balancer":[{"model":"routed-small","weight":0}]} | orq.load_balancer[0].weight
            retry count type        | {"retry":{"count":"3"}}                               | orq.retry.count
            """)
    void invalidOrqValuesAre400(String name, String orq, String param) {
        given().header("Authorization", TestKeys.BEARER).contentType("application/json").body(req(",\"orq\":" + orq))
                .post("/v2/gateway/embeddings").then().statusCode(400).body("error.type", equalTo("invalid_request_error"))
                .body("error.param", equalTo(param));
        assertEquals(0, a.callCount() + b.callCount());
    }

    @Test
    void anUnknownProviderPinInTheBalancerIs400() {
        embed(req(",\"orq\":{\"load_balancer\":[{\"model\":\"nobody/routed-small\"}]}")).then().statusCode(400)
                .body("error.param", equalTo("orq.load_balancer[0].model"));
    }
}
