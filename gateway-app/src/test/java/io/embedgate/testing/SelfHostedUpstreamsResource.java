package io.embedgate.testing;

import java.util.HashMap;
import java.util.Map;

import io.embedgate.fakes.FakeJina;
import io.embedgate.fakes.FakeOllama;
import io.embedgate.fakes.FakeTei;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Starts fake Jina, Ollama and two TEI servers (a Matryoshka model and a fixed-size one: a TEI server
 * serves one model) and points the gateway at them, with the catalogue entries the tests use.
 */
public class SelfHostedUpstreamsResource implements QuarkusTestResourceLifecycleManager {

    public static final String WRONG_JINA_KEY = "jina_WrongKeyZYXWVUTSRQPONMLKJIH9876";
    public static final String NOMIC_HF = "nomic-ai/nomic-embed-text-v1.5";
    public static final String BGE_HF = "BAAI/bge-base-en-v1.5";

    private FakeJina jina;
    private FakeOllama ollama;
    private FakeTei teiNomic;
    private FakeTei teiBge;

    @Override
    public Map<String, String> start() {
        jina = FakeJina.start();
        ollama = FakeOllama.start();
        teiNomic = FakeTei.start(NOMIC_HF, 768);
        teiBge = FakeTei.start(BGE_HF, 768);
        Map<String, String> c = new HashMap<>();
        // A scripted 429 must not keep its instance out of the next tests of the shared application; provider
        // rate limits are tested with their own upstreams (ProviderRateLimitsTest).
        c.put("gateway.routing.follow-provider-rate-limits", "false");
        c.put("gateway.routing.retry.count", "0");
        c.put("gateway.routing.circuit-breaker.request-volume", "100000");
        c.put("gateway.auth.keys.test.sha256", TestKeys.sha256(TestKeys.GATEWAY_KEY));
        c.put("gateway.auth.keys.default.sha256", "");
        c.put("gateway.auth.keys.other.sha256", TestKeys.sha256(TestKeys.OTHER_KEY));
        c.put("gateway.auth.keys.test.debug-allowed", "true");

        c.put("gateway.providers.jina.base-url", jina.baseUrl());
        c.put("gateway.providers.jina.api-key", jina.apiKey());
        c.put("gateway.models.jina-embeddings-v2-base-en.providers", "jina");
        c.put("gateway.providers.jina-wrongkey.type", "jina");
        c.put("gateway.providers.jina-wrongkey.base-url", jina.baseUrl());
        c.put("gateway.providers.jina-wrongkey.api-key", WRONG_JINA_KEY);
        c.put("gateway.models.jina-wrong-key.providers", "jina-wrongkey");
        c.put("gateway.models.jina-wrong-key.upstream-model", "jina-embeddings-v3");

        c.put("gateway.providers.ollama.base-url", ollama.baseUrl());
        // Known to the adapter, not pulled on the fake server: Ollama's 404.
        c.put("gateway.models.bge-m3-ollama.providers", "ollama");
        c.put("gateway.models.bge-m3-ollama.upstream-model", "bge-m3");

        c.put("gateway.providers.tei-nomic.type", "tei");
        c.put("gateway.providers.tei-nomic.base-url", teiNomic.baseUrl());
        c.put("gateway.models.nomic-tei.providers", "tei-nomic");
        c.put("gateway.models.nomic-tei.upstream-model", NOMIC_HF);
        c.put("gateway.models.nomic-tei.matryoshka", "layer-norm");
        c.put("gateway.models.nomic-tei.min-dimensions", "64");
        c.put("gateway.models.nomic-tei.input-prefixes.query", "search_query: ");
        c.put("gateway.models.nomic-tei.input-prefixes.document", "search_document: ");
        c.put("gateway.providers.tei-bge.type", "tei");
        c.put("gateway.providers.tei-bge.base-url", teiBge.baseUrl());
        c.put("gateway.providers.tei-bge.settings.max-client-batch-size", "16");
        c.put("gateway.models.bge-tei.providers", "tei-bge");
        c.put("gateway.models.bge-tei.upstream-model", BGE_HF);
        return c;
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(jina, new TestInjector.AnnotatedAndMatchesType(InjectFake.class, FakeJina.class));
        injector.injectIntoFields(ollama, new TestInjector.AnnotatedAndMatchesType(InjectFake.class, FakeOllama.class));
        injector.injectIntoFields(teiNomic, new TestInjector.AnnotatedAndMatchesType(InjectFake.class, FakeTei.class));
        injector.injectIntoFields(teiBge, new TestInjector.AnnotatedAndMatchesType(InjectSecondFake.class, FakeTei.class));
    }

    @Override
    public void stop() {
        for (AutoCloseable f : new AutoCloseable[]{jina, ollama, teiNomic, teiBge}) {
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
