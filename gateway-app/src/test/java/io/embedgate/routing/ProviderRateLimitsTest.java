package io.embedgate.routing;

import static io.embedgate.testing.Api.embed;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.embedgate.fakes.FakeAzureOpenAi;
import io.embedgate.fakes.FakeMistral;
import io.embedgate.fakes.FakeOpenAi;
import io.embedgate.fakes.FakeRateLimit;
import io.embedgate.fakes.FakeUpstream;
import io.embedgate.testing.InjectFake;
import io.embedgate.testing.InjectSecondFake;
import io.embedgate.testing.TestKeys;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Provider rate limits over real HTTP: what the fakes report in their headers and 429s, and the
 * configured requests per minute, decide which instance the router calls, and it calls none that is
 * known to be exhausted. Each test uses its own instances (the gateway's knowledge of an instance
 * outlives a test); the fakes behind them are shared and reset before each test.
 */
@QuarkusTest
@WithTestResource(ProviderRateLimitsTest.Upstreams.class)
class ProviderRateLimitsTest {

    @InjectFake
    FakeOpenAi a;
    @InjectSecondFake
    FakeOpenAi b;
    @InjectFake
    FakeMistral mistralA;
    @InjectSecondFake
    FakeMistral mistralB;
    @InjectAzure
    FakeAzureOpenAi azure;

    /** Marks the field that receives the fake Azure OpenAI resource (a FakeOpenAi too, so it has its own mark). */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.FIELD)
    @interface InjectAzure {
    }

    @BeforeEach
    void reset() {
        for (FakeOpenAi f : new FakeOpenAi[]{a, b}) {
            f.reset();
            f.rateLimit(null);
        }
        for (FakeMistral f : new FakeMistral[]{mistralA, mistralB}) {
            f.reset();
            f.rateLimit(null);
        }
    }

    static String req(String model) {
        return "{\"model\":\"" + model + "\",\"input\":\"x\"}";
    }

    @Test
    void anInstanceReportingNoRequestsLeftIsNotCalledUntilItsReset() throws Exception {
        a.rateLimit(new FakeRateLimit(1, 1_000_000, Duration.ofSeconds(1)));
        embed(req("spent-small")).then().statusCode(200).header("x-embedgate-provider", "spent-a");
        // spent-a said: 0 requests left, back within a second. The next requests go to spent-b only.
        for (int i = 0; i < 3; i++) {
            embed(req("spent-small")).then().statusCode(200).header("x-embedgate-provider", "spent-b");
        }
        assertEquals(1, a.callCount(), "spent-a is not called while it is exhausted");
        assertEquals(3, b.callCount());
        Thread.sleep(1100);
        embed(req("spent-small")).then().statusCode(200).header("x-embedgate-provider", "spent-a");
        assertEquals(2, a.callCount(), "after its reset spent-a is first again");
    }

    @Test
    void anInstanceWithLittleHeadroomIsTriedAfterOneWithMore() {
        // 11 a minute: after 10, one is left, under a tenth of the limit.
        a.rateLimit(new FakeRateLimit(11, 1_000_000, Duration.ofMinutes(1)));
        for (int i = 0; i < 10; i++) {
            embed(req("low-small")).then().statusCode(200).header("x-embedgate-provider", "low-a");
        }
        embed(req("low-small")).then().statusCode(200).header("x-embedgate-provider", "low-b");
        assertEquals(10, a.callCount(), "low-a, though first by priority, now comes after low-b");
        // low-a is not exhausted: it is still there when it is the only choice.
        embed("{\"model\":\"low-small\",\"input\":\"x\",\"provider\":{\"only\":[\"low-a\"]}}").then().statusCode(200)
                .header("x-embedgate-provider", "low-a");
    }

    @Test
    void theConfiguredRequestsPerMinuteMoveTheNextRequestToAnotherInstance() {
        embed(req("rpm-small")).then().statusCode(200).header("x-embedgate-provider", "rpm-a");
        embed(req("rpm-small")).then().statusCode(200).header("x-embedgate-provider", "rpm-a");
        embed(req("rpm-small")).then().statusCode(200).header("x-embedgate-provider", "rpm-b");
        assertEquals(2, a.callCount());
        assertEquals(1, b.callCount());
    }

    @Test
    void theOnlyInstanceOverItsConfiguredLimitIs429WithoutAnUpstreamCall() {
        embed(req("rpm-only-small")).then().statusCode(200);
        var r = embed(req("rpm-only-small"));
        r.then().statusCode(429)
                .body("error.code", equalTo("provider_rate_limited"))
                .body("error.type", equalTo("rate_limit_error"))
                .body("error.param", nullValue())
                .body("error.message", containsString("rpm-only"))
                .body("error.message", not(containsString(a.apiKey())));
        long retryAfter = Long.parseLong(r.header("retry-after"));
        // One a minute: the next one in at most a minute, and not now.
        assertTrue(retryAfter >= 1 && retryAfter <= 60, "retry-after " + retryAfter);
        assertEquals(1, a.callCount(), "no upstream call for the refused request");
    }

    @Test
    void mistralsHeaderNamesWork() {
        mistralA.rateLimit(new FakeRateLimit(1, 1_000_000, Duration.ofMinutes(1)));
        embed(req("limited-mistral")).then().statusCode(200).header("x-embedgate-provider", "mistral-a");
        // 0 of 1 request a minute left: mistral-b serves until mistral-a has one back.
        embed(req("limited-mistral")).then().statusCode(200).header("x-embedgate-provider", "mistral-b");
        embed(req("limited-mistral")).then().statusCode(200).header("x-embedgate-provider", "mistral-b");
        assertEquals(1, mistralA.callCount());
        assertEquals(2, mistralB.callCount());
    }

    @Test
    void mistralsTokenHeadersCountAgainstTheRequestsEstimate() {
        // 5 tokens a minute: the first request leaves fewer than the next one needs.
        mistralA.rateLimit(new FakeRateLimit(1000, 5, Duration.ofMinutes(1)));
        embed("{\"model\":\"tokens-mistral\",\"input\":\"four token text\"}").then().statusCode(200)
                .header("x-embedgate-provider", "tokens-mistral-a");
        embed("{\"model\":\"tokens-mistral\",\"input\":\"four token text\"}").then().statusCode(200)
                .header("x-embedgate-provider", "tokens-mistral-b");
        assertEquals(1, mistralA.callCount());
    }

    @Test
    void azuresRemainingOnlyHeadersSkipForASecondThenIts429Decides() throws Exception {
        azure.rateLimit(new FakeRateLimit(1, 1_000_000, Duration.ofMinutes(1)));
        embed(req("azure-limited")).then().statusCode(200).header("x-embedgate-provider", "azure-a");
        // "0 requests left", no limit, no reset, nothing configured: believed for a second.
        embed(req("azure-limited")).then().statusCode(200).header("x-embedgate-provider", "azure-b");
        assertEquals(1, azure.callCount());
        Thread.sleep(1100);
        // Tried again: Azure's 429 (retry-after up to a minute) moves the request on, and keeps azure-a out.
        embed(req("azure-limited")).then().statusCode(200).header("x-embedgate-provider", "azure-b");
        assertEquals(2, azure.callCount());
        embed(req("azure-limited")).then().statusCode(200).header("x-embedgate-provider", "azure-b");
        assertEquals(2, azure.callCount(), "azure-a is not asked again within its retry-after");
    }

    @Test
    void aProviders429MarksTheInstanceForItsRetryAfter() throws Exception {
        a.enqueue(FakeOpenAi.rateLimited(1));
        embed(req("marked-small")).then().statusCode(200).header("x-embedgate-provider", "marked-b");
        assertEquals(1, a.callCount(), "marked-a answered 429; marked-b served");
        embed(req("marked-small")).then().statusCode(200).header("x-embedgate-provider", "marked-b");
        assertEquals(1, a.callCount(), "marked-a is not asked again within its retry-after");
        Thread.sleep(1100);
        embed(req("marked-small")).then().statusCode(200).header("x-embedgate-provider", "marked-a");
        assertEquals(2, a.callCount());
    }

    @Test
    void everyInstanceExhaustedIs429NamingThemWithTheEarliestRefill() {
        a.enqueue(FakeOpenAi.rateLimited(30));
        b.enqueue(FakeOpenAi.rateLimited(3));
        embed(req("both-small")).then().statusCode(429).body("error.code", equalTo("rate_limit_exceeded"));
        assertEquals(1, a.callCount());
        assertEquals(1, b.callCount());
        var r = embed(req("both-small"));
        r.then().statusCode(429).body("error.code", equalTo("provider_rate_limited"))
                .body("error.message", containsString("both-a")).body("error.message", containsString("both-b"));
        assertEquals("3", r.header("retry-after"), "the earliest refill: both-b's");
        assertEquals(1, a.callCount(), "no provider called");
        assertEquals(1, b.callCount(), "no provider called");
    }

    /** Two fake OpenAI accounts, two fake Mistral ones and an Azure OpenAI resource, and instances of them for each test. */
    public static class Upstreams implements QuarkusTestResourceLifecycleManager {

        private FakeOpenAi a;
        private FakeOpenAi b;
        private FakeMistral mistralA;
        private FakeMistral mistralB;
        private FakeAzureOpenAi azure;

        @Override
        public Map<String, String> start() {
            a = FakeOpenAi.start();
            b = FakeOpenAi.start();
            mistralA = FakeMistral.start();
            mistralB = FakeMistral.start();
            azure = FakeAzureOpenAi.start();
            azure.deploy("prod-small", "text-embedding-3-small");
            Map<String, String> c = new HashMap<>();
            c.put("gateway.routing.retry.count", "0");
            c.put("gateway.routing.circuit-breaker.request-volume", "100000");
            c.put("gateway.auth.keys.test.sha256", TestKeys.sha256(TestKeys.GATEWAY_KEY));
            c.put("gateway.auth.keys.default.sha256", "");
            // Pairs of instances, the first preferred by priority, each pair serving one model.
            for (String name : new String[]{"spent", "low", "rpm", "marked", "both"}) {
                pair(c, name, "openai", a, b, name + "-small", "text-embedding-3-small");
            }
            c.put("gateway.providers.rpm-a.requests-per-minute", "2");
            pair(c, "mistral", "mistral", mistralA, mistralB, "limited-mistral", "mistral-embed");
            pair(c, "tokens-mistral", "mistral", mistralA, mistralB, "tokens-mistral", "mistral-embed");
            // Azure (what is left, nothing else) first, an OpenAI account second.
            c.put("gateway.providers.azure-a.type", "azure-openai");
            c.put("gateway.providers.azure-a.base-url", azure.baseUrl());
            c.put("gateway.providers.azure-a.api-key", azure.apiKey());
            c.put("gateway.providers.azure-a.settings.model.prod-small", "text-embedding-3-small");
            c.put("gateway.providers.azure-b.type", "openai");
            c.put("gateway.providers.azure-b.base-url", b.baseUrl());
            c.put("gateway.providers.azure-b.api-key", b.apiKey());
            c.put("gateway.providers.azure-b.priority", "1");
            c.put("gateway.models.azure-limited.providers", "azure-a,azure-b");
            c.put("gateway.models.azure-limited.upstream-models.azure-a", "prod-small");
            c.put("gateway.models.azure-limited.upstream-models.azure-b", "text-embedding-3-small");
            c.put("gateway.providers.rpm-only.type", "openai");
            c.put("gateway.providers.rpm-only.base-url", a.baseUrl());
            c.put("gateway.providers.rpm-only.api-key", a.apiKey());
            c.put("gateway.providers.rpm-only.requests-per-minute", "1");
            c.put("gateway.models.rpm-only-small.providers", "rpm-only");
            c.put("gateway.models.rpm-only-small.upstream-model", "text-embedding-3-small");
            return c;
        }

        /** Instances {@code <name>-a} (on fake {@code first}, priority 0) and {@code <name>-b} (on {@code second}, priority 1) serving {@code model}. */
        private static void pair(Map<String, String> c, String name, String type, FakeUpstream first, FakeUpstream second, String model,
                String upstreamModel) {
            for (String side : new String[]{"a", "b"}) {
                FakeUpstream fake = side.equals("a") ? first : second;
                String p = "gateway.providers." + name + "-" + side + ".";
                c.put(p + "type", type);
                c.put(p + "base-url", "http://127.0.0.1:" + fake.port() + "/v1");
                c.put(p + "api-key", fake.apiKey());
                c.put(p + "priority", side.equals("a") ? "0" : "1");
            }
            c.put("gateway.models." + model + ".providers", name + "-a," + name + "-b");
            c.put("gateway.models." + model + ".upstream-model", upstreamModel);
        }

        @Override
        public void inject(TestInjector injector) {
            injector.injectIntoFields(a, new TestInjector.AnnotatedAndMatchesType(InjectFake.class, FakeOpenAi.class));
            injector.injectIntoFields(b, new TestInjector.AnnotatedAndMatchesType(InjectSecondFake.class, FakeOpenAi.class));
            injector.injectIntoFields(mistralA, new TestInjector.AnnotatedAndMatchesType(InjectFake.class, FakeMistral.class));
            injector.injectIntoFields(mistralB, new TestInjector.AnnotatedAndMatchesType(InjectSecondFake.class, FakeMistral.class));
            injector.injectIntoFields(azure, new TestInjector.AnnotatedAndMatchesType(InjectAzure.class, FakeAzureOpenAi.class));
        }

        @Override
        public void stop() {
            for (AutoCloseable f : new AutoCloseable[]{a, b, mistralA, mistralB}) {
                try {
                    if (f != null) {
                        f.close();
                    }
                } catch (Exception ignored) {
                    // best effort
                }
            }
        }
    }
}
