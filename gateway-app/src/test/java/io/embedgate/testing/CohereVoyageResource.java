package io.embedgate.testing;

import java.util.HashMap;
import java.util.Map;

import io.embedgate.fakes.FakeCohere;
import io.embedgate.fakes.FakeVoyage;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Starts fake Cohere and Voyage APIs on loopback and points the gateway's default {@code cohere} and
 * {@code voyage} instances at them, plus one instance of each with a wrong key.
 */
public class CohereVoyageResource implements QuarkusTestResourceLifecycleManager {

    public static final String WRONG_COHERE_KEY = "WrongCohereKeyZYXWVUTSRQ98765432";
    public static final String WRONG_VOYAGE_KEY = "pa-WrongVoyageKeyZYXWVUTSRQ987654";

    private FakeCohere cohere;
    private FakeVoyage voyage;

    @Override
    public Map<String, String> start() {
        cohere = FakeCohere.start();
        voyage = FakeVoyage.start();
        Map<String, String> c = new HashMap<>();
        // A scripted 429 must not keep its instance out of the next tests of the shared application; provider
        // rate limits are tested with their own upstreams (ProviderRateLimitsTest).
        c.put("gateway.routing.follow-provider-rate-limits", "false");
        // No implicit retries, and a breaker that never trips by accident (as in FakeUpstreamsResource).
        c.put("gateway.routing.retry.count", "0");
        c.put("gateway.routing.circuit-breaker.request-volume", "100000");
        c.put("gateway.auth.keys.test.sha256", TestKeys.sha256(TestKeys.GATEWAY_KEY));
        c.put("gateway.auth.keys.default.sha256", "");
        c.put("gateway.auth.keys.other.sha256", TestKeys.sha256(TestKeys.OTHER_KEY));
        c.put("gateway.auth.keys.test.debug-allowed", "true");

        c.put("gateway.providers.cohere.base-url", cohere.baseUrl());
        c.put("gateway.providers.cohere.api-key", cohere.apiKey());
        c.put("gateway.providers.voyage.base-url", voyage.baseUrl());
        c.put("gateway.providers.voyage.api-key", voyage.apiKey());

        // An older model outside the default catalogue: 4K context, for truncation.
        c.put("gateway.models.voyage-2.providers", "voyage");

        c.put("gateway.providers.cohere-wrongkey.type", "cohere");
        c.put("gateway.providers.cohere-wrongkey.base-url", cohere.baseUrl());
        c.put("gateway.providers.cohere-wrongkey.api-key", WRONG_COHERE_KEY);
        c.put("gateway.models.cohere-wrong-key.providers", "cohere-wrongkey");
        c.put("gateway.models.cohere-wrong-key.upstream-model", "embed-v4.0");
        c.put("gateway.providers.voyage-wrongkey.type", "voyage");
        c.put("gateway.providers.voyage-wrongkey.base-url", voyage.baseUrl());
        c.put("gateway.providers.voyage-wrongkey.api-key", WRONG_VOYAGE_KEY);
        c.put("gateway.models.voyage-wrong-key.providers", "voyage-wrongkey");
        c.put("gateway.models.voyage-wrong-key.upstream-model", "voyage-3.5");
        return c;
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(cohere, new TestInjector.AnnotatedAndMatchesType(InjectFake.class, FakeCohere.class));
        injector.injectIntoFields(voyage, new TestInjector.AnnotatedAndMatchesType(InjectFake.class, FakeVoyage.class));
    }

    @Override
    public void stop() {
        for (AutoCloseable f : new AutoCloseable[]{cohere, voyage}) {
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
