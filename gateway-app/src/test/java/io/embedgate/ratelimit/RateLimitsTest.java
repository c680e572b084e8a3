package io.embedgate.ratelimit;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collections;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.embeddings.EmbeddingCreateParams;

import io.embedgate.fakes.FakeOpenAi;
import io.embedgate.testing.FakeUpstreamsResource;
import io.embedgate.testing.InjectFake;
import io.embedgate.testing.TestKeys;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.response.Response;

/** Per-key rate limits in one process (no shared Redis): the buckets, the 429, the headers, and an SDK backing off. */
@QuarkusTest
@TestProfile(RateLimitsTest.Limited.class)
@WithTestResource(FakeUpstreamsResource.class)
class RateLimitsTest {

    static final String THREE_RPM = "eg-test-three-per-minute-00112233";
    static final String INPUTS = "eg-test-inputs-per-minute-44556677";
    static final String TOKENS = "eg-test-tokens-per-minute-8899aabb";
    static final String SDK = "eg-test-sdk-backoff-ccddeeff0011";
    static final String TOKEN_BUDGET = "eg-test-token-budget-2233445566";
    static final String USD_BUDGET = "eg-test-usd-budget-6677889900aa";

    public static class Limited implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.ofEntries(
                    Map.entry("gateway.auth.keys.three.sha256", TestKeys.sha256(THREE_RPM)),
                    Map.entry("gateway.auth.keys.three.requests-per-minute", "3"),
                    Map.entry("gateway.auth.keys.inputs.sha256", TestKeys.sha256(INPUTS)),
                    Map.entry("gateway.auth.keys.inputs.inputs-per-minute", "10"),
                    Map.entry("gateway.auth.keys.tokens.sha256", TestKeys.sha256(TOKENS)),
                    Map.entry("gateway.auth.keys.tokens.tokens-per-minute", "3000"),
                    Map.entry("gateway.auth.keys.sdk.sha256", TestKeys.sha256(SDK)),
                    // 60 a minute: one a second comes back, so a refused request of n inputs may go again within n seconds.
                    Map.entry("gateway.auth.keys.sdk.inputs-per-minute", "60"),
                    Map.entry("gateway.auth.keys.token-budget.sha256", TestKeys.sha256(TOKEN_BUDGET)),
                    Map.entry("gateway.auth.keys.token-budget.token-budget-per-month", "10"),
                    Map.entry("gateway.auth.keys.usd-budget.sha256", TestKeys.sha256(USD_BUDGET)),
                    // text-embedding-3-small at 0.02 USD per million: three short inputs (six tokens) cost 0.00000012.
                    Map.entry("gateway.auth.keys.usd-budget.cost-budget-per-day", "0.0000002"));
        }
    }

    @InjectFake
    FakeOpenAi openai;

    @TestHTTPResource("/v1")
    java.net.URL v1;

    @BeforeEach
    void reset() {
        openai.reset();
    }

    static Response embed(String key, String body) {
        return RestAssured.given().header("Authorization", "Bearer " + key).contentType("application/json").body(body)
                .post("/v1/embeddings");
    }

    static String inputs(int n) {
        return "{\"model\":\"text-embedding-3-small\",\"input\":" + json(Collections.nCopies(n, "hello")) + "}";
    }

    static String json(Object o) {
        try {
            return new ObjectMapper().writeValueAsString(o);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void requestsOverTheLimitGetA429WithRetryAfterAndEveryResponseCarriesTheHeaders() {
        for (int i = 0; i < 3; i++) {
            embed(THREE_RPM, inputs(1)).then().statusCode(200).header("x-ratelimit-limit-requests", "3")
                    .header("x-ratelimit-remaining-requests", Integer.toString(2 - i))
                    .header("x-ratelimit-reset-requests", containsString("s"));
        }
        Response refused = embed(THREE_RPM, inputs(1));
        refused.then().statusCode(429).body("error.code", equalTo("rate_limit_exceeded")).body("error.type", equalTo("rate_limit_exceeded"))
                .body("error.message", containsString("'three'")).body("error.message", containsString("requests per minute (3)"))
                .header("x-ratelimit-remaining-requests", "0");
        long retryMs = Long.parseLong(refused.header("retry-after-ms"));
        assertTrue(retryMs > 0 && retryMs <= 20_000, "one request comes back every 20 s: " + retryMs);
        assertTrue(Long.parseLong(refused.header("retry-after")) >= 1);
        assertEquals(3, openai.callCount(), "the refused request never went upstream");
        // Another key is not affected, and carries no rate-limit headers (it has no limits).
        Response other = RestAssured.given().header("Authorization", TestKeys.BEARER).contentType("application/json").body(inputs(1))
                .post("/v1/embeddings");
        other.then().statusCode(200);
        assertNull(other.header("x-ratelimit-limit-requests"));
    }

    @Test
    void inputsPerMinuteCountInputsAndARefusedRequestChargesNothing() {
        embed(INPUTS, inputs(8)).then().statusCode(200).header("x-embedgate-ratelimit-remaining-inputs", "2");
        embed(INPUTS, inputs(5)).then().statusCode(429).body("error.message", containsString("inputs per minute (10)"));
        // The refused five were not charged: two inputs are still there.
        embed(INPUTS, inputs(2)).then().statusCode(200).header("x-embedgate-ratelimit-remaining-inputs", "0");
    }

    @Test
    void tokensAreEstimatedAtAdmissionAndSettledFromTheProvidersUsage() {
        openai.enqueue(FakeOpenAi.reportsUsage(1000)); // the provider counts far more tokens than the estimate
        Response first = embed(TOKENS, inputs(3));
        first.then().statusCode(200).header("x-ratelimit-limit-tokens", "3000").body("usage.prompt_tokens", equalTo(1000));
        long estimate = 3000 - Long.parseLong(first.header("x-ratelimit-remaining-tokens"));
        assertTrue(estimate > 0 && estimate < 100, "charged the estimate at admission: " + estimate);
        Response second = embed(TOKENS, inputs(3));
        long gone = 3000 - Long.parseLong(second.header("x-ratelimit-remaining-tokens"));
        // The first request was settled at the provider's 1000, the second charged its estimate (less what
        // refilled meanwhile: 50 a second at 3000 a minute; unsettled, only twice the estimate would be gone).
        assertTrue(gone <= 1000 + estimate && gone >= 1000 + estimate - 250, "gone " + gone + ", estimate " + estimate);
    }

    @Test
    void aSpentTokenBudgetIsA429InsufficientQuotaSayingWhichBudgetAndWhenItResets() {
        embed(TOKEN_BUDGET, inputs(3)).then().statusCode(200); // 6 of 10 tokens
        embed(TOKEN_BUDGET, inputs(3)).then().statusCode(200); // 12: admitted while under, spent after
        int calls = openai.callCount();
        String firstOfNextMonth = java.time.LocalDate.now(java.time.ZoneOffset.UTC).withDayOfMonth(1).plusMonths(1) + "T00:00:00Z";
        embed(TOKEN_BUDGET, inputs(1)).then().statusCode(429).body("error.code", equalTo("insufficient_quota"))
                .body("error.type", equalTo("insufficient_quota"))
                .body("error.message", containsString("'token-budget' has used its monthly token budget (10 tokens): 12 spent"))
                .body("error.message", containsString("resets at " + firstOfNextMonth)).header("x-should-retry", "false");
        assertEquals(calls, openai.callCount(), "refused before any call");
    }

    @Test
    void aCostBudgetCountsTheAnswersCostAndTheCacheSavesIt() {
        String cached = "{\"model\":\"text-embedding-3-small\",\"input\":[\"cost a\",\"cost b\",\"cost c\"],"
                + "\"orq\":{\"cache\":{\"type\":\"exact_match\",\"ttl\":60}}}";
        embed(USD_BUDGET, cached).then().statusCode(200).body("usage.cost", equalTo(0.00000012f));
        // From the cache: nothing sent upstream, nothing spent.
        embed(USD_BUDGET, cached).then().statusCode(200).body("usage.prompt_tokens", equalTo(0));
        embed(USD_BUDGET, inputs(3)).then().statusCode(200); // 0.00000024: over, counted after the answer
        embed(USD_BUDGET, inputs(1)).then().statusCode(429).body("error.code", equalTo("insufficient_quota"))
                .body("error.message", containsString("daily USD budget (0.0000002 USD): 0.00000024 spent"));
    }

    @Test
    void theOpenAiSdkBacksOffOnTheHeadersAndSucceeds() {
        embed(SDK, inputs(60)).then().statusCode(200); // the minute's inputs, all at once
        Response refused = embed(SDK, inputs(3));
        refused.then().statusCode(429);
        assertTrue(Long.parseLong(refused.header("retry-after-ms")) > 1000, refused.header("retry-after-ms"));
        int before = openai.callCount();
        OpenAIClient client = OpenAIOkHttpClient.builder().apiKey(SDK).baseUrl(v1.toString()).maxRetries(3).build();
        var response = client.embeddings().create(EmbeddingCreateParams.builder().model("text-embedding-3-small")
                .input(EmbeddingCreateParams.Input.ofArrayOfStrings(java.util.List.of("a", "b", "c"))).build());
        assertEquals(3, response.data().size(), "the SDK waited as told and got its answer");
        assertEquals(before + 1, openai.callCount());
    }
}
