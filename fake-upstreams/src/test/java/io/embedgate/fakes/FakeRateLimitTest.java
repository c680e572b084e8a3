package io.embedgate.fakes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.junit.jupiter.api.Test;

/** The fakes' rate limits: counted per answer, reported in each provider's headers, a 429 beyond them. */
class FakeRateLimitTest {

    @Test
    void goDurationsAsOpenAiPrintsThem() {
        assertEquals("0s", FakeRateLimit.goDuration(Duration.ZERO));
        assertEquals("20ms", FakeRateLimit.goDuration(Duration.ofMillis(20)));
        assertEquals("1s", FakeRateLimit.goDuration(Duration.ofSeconds(1)));
        assertEquals("6m0s", FakeRateLimit.goDuration(Duration.ofMinutes(6)));
        assertEquals("1h2m3.5s", FakeRateLimit.goDuration(Duration.ofMillis(3_723_500)));
    }

    @Test
    void openAiCountsRequestsAndAnswers429WithItsHeadersWhenTheyAreSpent() throws Exception {
        try (FakeOpenAi fake = FakeOpenAi.start()) {
            fake.rateLimit(new FakeRateLimit(2, 1_000_000, Duration.ofMinutes(1)));
            String body = "{\"model\":\"text-embedding-3-small\",\"input\":\"hello\"}";
            HttpResponse<String> first = FakeHttp.post(fake.baseUrl() + "/embeddings", body, fake.apiKey());
            assertEquals(200, first.statusCode());
            assertEquals("2", first.headers().firstValue("x-ratelimit-limit-requests").orElseThrow());
            assertEquals("1", first.headers().firstValue("x-ratelimit-remaining-requests").orElseThrow());
            assertTrue(first.headers().firstValue("x-ratelimit-reset-requests").orElseThrow().matches("\\d+(m\\d+)?(\\.\\d+)?m?s"));
            assertEquals(200, FakeHttp.post(fake.baseUrl() + "/embeddings", body, fake.apiKey()).statusCode());
            HttpResponse<String> third = FakeHttp.post(fake.baseUrl() + "/embeddings", body, fake.apiKey());
            assertEquals(429, third.statusCode());
            assertEquals("0", third.headers().firstValue("x-ratelimit-remaining-requests").orElseThrow());
            long retryAfter = Long.parseLong(third.headers().firstValue("retry-after").orElseThrow());
            assertTrue(retryAfter >= 1 && retryAfter <= 60, "retry-after " + retryAfter);
            var error = FakeHttp.json(third).get("error");
            assertEquals("rate_limit_exceeded", error.get("code").asText());
            assertEquals("requests", error.get("type").asText());
            assertTrue(error.get("message").asText().startsWith("Rate limit reached for text-embedding-3-small"));
        }
    }

    @Test
    void theWindowEndingMakesTheAllowanceFullAgain() throws Exception {
        try (FakeOpenAi fake = FakeOpenAi.start()) {
            fake.rateLimit(new FakeRateLimit(1, 1_000_000, Duration.ofMillis(200)));
            String body = "{\"model\":\"text-embedding-3-small\",\"input\":\"hello\"}";
            assertEquals(200, FakeHttp.post(fake.baseUrl() + "/embeddings", body, fake.apiKey()).statusCode());
            assertEquals(429, FakeHttp.post(fake.baseUrl() + "/embeddings", body, fake.apiKey()).statusCode());
            Thread.sleep(250);
            assertEquals(200, FakeHttp.post(fake.baseUrl() + "/embeddings", body, fake.apiKey()).statusCode());
        }
    }

    @Test
    void tokensBeyondTheLimitAre429WithTypeTokens() throws Exception {
        try (FakeOpenAi fake = FakeOpenAi.start()) {
            fake.rateLimit(new FakeRateLimit(100, 3, Duration.ofMinutes(1)));
            HttpResponse<String> r = FakeHttp.post(fake.baseUrl() + "/embeddings",
                    "{\"model\":\"text-embedding-3-small\",\"input\":\"a rather longer text than three tokens\"}", fake.apiKey());
            assertEquals(429, r.statusCode());
            assertEquals("tokens", FakeHttp.json(r).get("error").get("type").asText());
            assertEquals("3", r.headers().firstValue("x-ratelimit-remaining-tokens").orElseThrow());
        }
    }

    @Test
    void azureReportsOnlyWhatIsLeftUnlessAskedForMore() throws Exception {
        try (FakeAzureOpenAi fake = FakeAzureOpenAi.start()) {
            fake.deploy("prod-small", "text-embedding-3-small");
            fake.rateLimit(new FakeRateLimit(1, 1_000_000, Duration.ofMinutes(1)));
            HttpResponse<String> ok = azure(fake);
            assertEquals(200, ok.statusCode());
            assertEquals("0", ok.headers().firstValue("x-ratelimit-remaining-requests").orElseThrow());
            assertFalse(ok.headers().firstValue("x-ratelimit-limit-requests").isPresent());
            assertFalse(ok.headers().firstValue("x-ratelimit-reset-requests").isPresent());
            HttpResponse<String> limited = azure(fake);
            assertEquals(429, limited.statusCode());
            assertEquals("429", FakeHttp.json(limited).get("error").get("code").asText());
            assertTrue(limited.headers().firstValue("retry-after-ms").isPresent());
            fake.limitAndResetHeaders(true).rateLimit(new FakeRateLimit(5, 1_000_000, Duration.ofMinutes(1)));
            assertEquals("5", azure(fake).headers().firstValue("x-ratelimit-limit-requests").orElseThrow());
        }
    }

    private static HttpResponse<String> azure(FakeAzureOpenAi fake) throws Exception {
        HttpRequest r = HttpRequest
                .newBuilder(URI.create(fake.baseUrl() + "/openai/deployments/prod-small/embeddings?api-version=2024-06-01"))
                .header("content-type", "application/json").header("api-key", fake.apiKey())
                .POST(HttpRequest.BodyPublishers.ofString("{\"input\":\"x\"}")).build();
        return java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1).build().send(r,
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void mistralReportsPerMinuteHeadersAndItsCurrent429() throws Exception {
        try (FakeMistral fake = FakeMistral.start()) {
            fake.rateLimit(new FakeRateLimit(1, 1_000_000, Duration.ofMinutes(1)));
            String body = "{\"model\":\"mistral-embed\",\"input\":[\"hello\"]}";
            HttpResponse<String> ok = FakeHttp.post(fake.baseUrl() + "/embeddings", body, fake.apiKey());
            assertEquals(200, ok.statusCode());
            assertEquals("1", ok.headers().firstValue("x-ratelimit-limit-req-minute").orElseThrow());
            assertEquals("0", ok.headers().firstValue("x-ratelimit-remaining-req-minute").orElseThrow());
            HttpResponse<String> limited = FakeHttp.post(fake.baseUrl() + "/embeddings", body, fake.apiKey());
            assertEquals(429, limited.statusCode());
            assertEquals("1300", FakeHttp.json(limited).get("code").asText());
            assertTrue(limited.headers().firstValue("retry-after").isPresent());
            fake.retryAfterOn429(false);
            assertNull(FakeHttp.post(fake.baseUrl() + "/embeddings", body, fake.apiKey()).headers().firstValue("retry-after").orElse(null));
        }
    }
}
