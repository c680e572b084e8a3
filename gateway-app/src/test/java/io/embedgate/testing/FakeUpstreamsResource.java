package io.embedgate.testing;

import java.net.ServerSocket;
import java.util.HashMap;
import java.util.Map;

import io.embedgate.fakes.FakeGemini;
import io.embedgate.fakes.FakeMistral;
import io.embedgate.fakes.FakeOpenAi;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Starts fake OpenAI, Gemini and Mistral upstreams on loopback and points the gateway at them.
 * Besides the main instances it configures instances that exercise the catalogue: wrong keys, one
 * without a key (disabled), and one whose port refuses connections (for failover).
 */
public class FakeUpstreamsResource implements QuarkusTestResourceLifecycleManager {

    public static final String WRONG_KEY = "sk-wrong-key-ZYXWVUTSRQ987654";

    public static final String WRONG_GOOGLE_KEY = "AIzaWrongKeyZYXWVUTSRQPONMLKJIHGF0987";
    public static final String WRONG_MISTRAL_KEY = "WrongMistralKeyZYXWVUTSRQ9876";

    private FakeOpenAi fake;
    private FakeOpenAi fakeB;
    private FakeGemini gemini;
    private FakeMistral mistral;

    @Override
    public Map<String, String> start() {
        fake = FakeOpenAi.start();
        fakeB = FakeOpenAi.start();
        gemini = FakeGemini.start();
        mistral = FakeMistral.start();
        Map<String, String> c = new HashMap<>();
        // A scripted 429 must not keep its instance out of the next tests of the shared application; provider
        // rate limits are tested with their own upstreams (ProviderRateLimitsTest).
        c.put("gateway.routing.follow-provider-rate-limits", "false");
        // Tests share one application: no implicit retries, and a breaker that never trips by accident.
        // Retries and the breaker are tested explicitly (the breaker in its own test profile).
        c.put("gateway.routing.retry.count", "0");
        c.put("gateway.routing.circuit-breaker.request-volume", "100000");

        // A second OpenAI account (fake B), an alpha instance, and weighted instances, for routing tests.
        c.put("gateway.providers.openai-b.type", "openai");
        c.put("gateway.providers.openai-b.base-url", fakeB.baseUrl());
        c.put("gateway.providers.openai-b.api-key", fakeB.apiKey());
        c.put("gateway.providers.openai-alpha.type", "openai");
        c.put("gateway.providers.openai-alpha.base-url", fakeB.baseUrl());
        c.put("gateway.providers.openai-alpha.api-key", fakeB.apiKey());
        c.put("gateway.providers.openai-alpha.alpha", "true");
        c.put("gateway.models.routed-small.providers", "openai,openai-b,openai-alpha");
        c.put("gateway.models.routed-small.upstream-model", "text-embedding-3-small");
        c.put("gateway.providers.openai-w1.type", "openai");
        c.put("gateway.providers.openai-w1.base-url", fake.baseUrl());
        c.put("gateway.providers.openai-w1.api-key", fake.apiKey());
        c.put("gateway.providers.openai-w3.type", "openai");
        c.put("gateway.providers.openai-w3.base-url", fakeB.baseUrl());
        c.put("gateway.providers.openai-w3.api-key", fakeB.apiKey());
        c.put("gateway.providers.openai-w3.weight", "3");
        c.put("gateway.models.weighted-small.providers", "openai-w1,openai-w3");
        c.put("gateway.models.weighted-small.upstream-model", "text-embedding-3-small");

        c.put("gateway.providers.google.base-url", gemini.baseUrl());
        c.put("gateway.providers.google.api-key", gemini.apiKey());
        c.put("gateway.providers.mistral.base-url", mistral.baseUrl());
        c.put("gateway.providers.mistral.api-key", mistral.apiKey());

        c.put("gateway.providers.google-wrongkey.type", "google");
        c.put("gateway.providers.google-wrongkey.base-url", gemini.baseUrl());
        c.put("gateway.providers.google-wrongkey.api-key", WRONG_GOOGLE_KEY);
        c.put("gateway.models.gemini-wrong-key.providers", "google-wrongkey");
        c.put("gateway.models.gemini-wrong-key.upstream-model", "gemini-embedding-001");
        c.put("gateway.providers.mistral-wrongkey.type", "mistral");
        c.put("gateway.providers.mistral-wrongkey.base-url", mistral.baseUrl());
        c.put("gateway.providers.mistral-wrongkey.api-key", WRONG_MISTRAL_KEY);
        c.put("gateway.models.mistral-wrong-key.providers", "mistral-wrongkey");
        c.put("gateway.models.mistral-wrong-key.upstream-model", "mistral-embed");
        // Retired on the Gemini API: the fake answers 404 like the real one.
        c.put("gateway.models.text-embedding-004.providers", "google");
        c.put("gateway.auth.keys.test.sha256", TestKeys.sha256(TestKeys.GATEWAY_KEY));
        c.put("gateway.auth.keys.default.sha256", "");
        c.put("gateway.auth.keys.other.sha256", TestKeys.sha256(TestKeys.OTHER_KEY));
        // The test key may use debug; the other key may not (403).
        c.put("gateway.auth.keys.test.debug-allowed", "true");
        // Small enough that an oversized upload completes before the 413 arrives.
        c.put("gateway.limits.max-body-size", "1M");
        c.put("gateway.providers.openai.base-url", fake.baseUrl());
        c.put("gateway.providers.openai.api-key", fake.apiKey());

        c.put("gateway.providers.openai-wrongkey.type", "openai");
        c.put("gateway.providers.openai-wrongkey.base-url", fake.baseUrl());
        c.put("gateway.providers.openai-wrongkey.api-key", WRONG_KEY);
        c.put("gateway.models.wrong-key-model.providers", "openai-wrongkey");
        c.put("gateway.models.wrong-key-model.upstream-model", "text-embedding-3-small");

        c.put("gateway.providers.openai-nokey.type", "openai");
        c.put("gateway.providers.openai-nokey.base-url", fake.baseUrl());
        c.put("gateway.models.no-key-model.providers", "openai-nokey");
        c.put("gateway.models.no-key-model.upstream-model", "text-embedding-3-small");
        // A remote instance without a base URL is disabled, like one without a key.
        c.put("gateway.providers.openai-nourl.type", "openai");
        c.put("gateway.providers.openai-nourl.api-key", "sk-nourl-0000000000");
        c.put("gateway.models.no-url-model.providers", "openai-nourl");
        c.put("gateway.models.no-url-model.upstream-model", "text-embedding-3-small");

        c.put("gateway.providers.openai-down.type", "openai");
        c.put("gateway.providers.openai-down.base-url", "http://127.0.0.1:" + closedPort() + "/v1");
        c.put("gateway.providers.openai-down.api-key", "sk-down-0000000000");
        c.put("gateway.models.text-embedding-3-large.providers", "openai-down,openai");

        // Models that need the gateway's help (served by the fake's fixed 1536-dimension ada-002): a text
        // prefix per input type, and Matryoshka shortening by each recipe.
        c.put("gateway.models.ada-prefixed.providers", "openai");
        c.put("gateway.models.ada-prefixed.upstream-model", "text-embedding-ada-002");
        c.put("gateway.models.ada-prefixed.input-prefixes.query", "query: ");
        c.put("gateway.models.ada-prefixed.input-prefixes.document", "passage: ");
        c.put("gateway.models.ada-layer-norm.providers", "openai");
        c.put("gateway.models.ada-layer-norm.upstream-model", "text-embedding-ada-002");
        c.put("gateway.models.ada-layer-norm.matryoshka", "layer-norm");
        c.put("gateway.models.ada-layer-norm.min-dimensions", "64");
        c.put("gateway.models.ada-truncate.providers", "openai");
        c.put("gateway.models.ada-truncate.upstream-model", "text-embedding-ada-002");
        c.put("gateway.models.ada-truncate.matryoshka", "truncate");

        // A model the adapter does not know, configured entirely in the catalogue.
        c.put("gateway.models.unknown-upstream.providers", "openai");
        c.put("gateway.models.unknown-upstream.dimensions", "64");
        return c;
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(fake, new TestInjector.AnnotatedAndMatchesType(InjectFake.class, FakeOpenAi.class));
        injector.injectIntoFields(fakeB, new TestInjector.AnnotatedAndMatchesType(InjectSecondFake.class, FakeOpenAi.class));
        injector.injectIntoFields(gemini, new TestInjector.AnnotatedAndMatchesType(InjectFake.class, FakeGemini.class));
        injector.injectIntoFields(mistral, new TestInjector.AnnotatedAndMatchesType(InjectFake.class, FakeMistral.class));
    }

    @Override
    public void stop() {
        for (AutoCloseable f : new AutoCloseable[]{fake, fakeB, gemini, mistral}) {
            try {
                if (f != null) {
                    f.close();
                }
            } catch (Exception ignored) {
                // best effort
            }
        }
    }

    private static int closedPort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
