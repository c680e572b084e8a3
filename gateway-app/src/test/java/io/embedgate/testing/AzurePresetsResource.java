package io.embedgate.testing;

import java.util.HashMap;
import java.util.Map;

import io.embedgate.fakes.FakeAzureOpenAi;
import io.embedgate.fakes.FakeOpenAi;
import io.embedgate.fakes.FakeUpstream;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A fake Azure OpenAI resource and fake OpenAI-compatible hosts (NVIDIA NIM, vLLM, Gemini's compatible
 * endpoint, Together without base64), each with its quirks switched on, and the gateway's instances of
 * them: the azure-openai type on both routes, and the openai type with presets.
 */
public class AzurePresetsResource implements QuarkusTestResourceLifecycleManager {

    public static final String WRONG_AZURE_KEY = "ffffeeeeddddccccbbbbaaaa99998888";
    public static final String NIM_KEY = "nvapi-fake-0123456789abcdefghij";
    public static final String OPENROUTER_KEY = "sk-or-v1-fake0123456789abcdef0123456789abcdef";
    public static final String GEMINI_KEY = "AIzaFakeGeminiCompat0123456789abcdefgh";
    public static final String TOGETHER_KEY = "together-fake-0123456789abcdefghij";

    private FakeAzureOpenAi azure;
    private FakeOpenAi nim;
    private FakeOpenAi vllm;
    private FakeOpenAi gemini;
    private FakeOpenAi together;
    private FakeOpenAi openrouter;
    private FakeOpenAi lmstudio;

    @Override
    public Map<String, String> start() {
        azure = FakeAzureOpenAi.start();
        azure.deploy("prod-small", "text-embedding-3-small").deploy("legacy-ada", "text-embedding-ada-002");
        nim = FakeOpenAi.start(FakeUpstream.Options.defaults(), NIM_KEY);
        nim.requireInputType(true).model("nvidia/nv-embedqa-e5-v5", 1024, false);
        vllm = FakeOpenAi.start();
        vllm.requireAuth(false).dimensionsMode(FakeOpenAi.DimensionsMode.VLLM_REJECT).errorShape(FakeOpenAi.ErrorShape.VLLM_FLAT)
                .model("BAAI/bge-m3", 1024, false).model("nomic-ai/nomic-embed-text-v1.5", 768, true);
        gemini = FakeOpenAi.start(FakeUpstream.Options.defaults(), GEMINI_KEY);
        gemini.errorShape(FakeOpenAi.ErrorShape.GEMINI_ARRAY).usage(false).base64(false).model("gemini-embedding-001", 3072, true);
        together = FakeOpenAi.start(FakeUpstream.Options.defaults(), TOGETHER_KEY);
        // OpenRouter drops a parameter the routed provider does not take (require_parameters: false).
        openrouter = FakeOpenAi.start(FakeUpstream.Options.defaults(), OPENROUTER_KEY);
        openrouter.model("openai/text-embedding-3-small", 1536, true).model("openai/text-embedding-ada-002", 1536, false)
                .dimensionsMode(FakeOpenAi.DimensionsMode.IGNORE);
        lmstudio = FakeOpenAi.start();
        lmstudio.requireAuth(false).base64(false).model("text-embedding-nomic-embed-text-v1.5", 768, false);
        together.base64(false).model("BAAI/bge-large-en-v1.5", 1024, false);

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

        // Azure: the module's default instance on the classic route; deployments named otherwise than their model.
        c.put("gateway.providers.azure-openai.base-url", azure.baseUrl());
        c.put("gateway.providers.azure-openai.api-key", azure.apiKey());
        c.put("gateway.providers.azure-openai.settings.model.prod-small", "text-embedding-3-small");
        c.put("gateway.providers.azure-openai.settings.model.legacy-ada", "text-embedding-ada-002");
        c.put("gateway.models.azure-small.providers", "azure-openai");
        c.put("gateway.models.azure-small.upstream-model", "prod-small");
        c.put("gateway.models.azure-ada.providers", "azure-openai");
        c.put("gateway.models.azure-ada.upstream-model", "legacy-ada");
        c.put("gateway.models.azure-legacy16.providers", "azure-openai");
        c.put("gateway.models.azure-legacy16.upstream-model", "prod-small");
        c.put("gateway.models.azure-legacy16.max-inputs-per-call", "16");
        c.put("gateway.models.azure-missing.providers", "azure-openai");
        c.put("gateway.models.azure-missing.upstream-model", "ghost-deployment");
        c.put("gateway.models.azure-missing.dimensions", "1536");
        c.put("gateway.providers.azure-v1.type", "azure-openai");
        c.put("gateway.providers.azure-v1.base-url", azure.baseUrl());
        c.put("gateway.providers.azure-v1.api-key", azure.apiKey());
        c.put("gateway.providers.azure-v1.settings.api", "v1");
        c.put("gateway.models.azure-v1-small.providers", "azure-v1");
        c.put("gateway.models.azure-v1-small.upstream-model", "text-embedding-3-small");
        c.put("gateway.providers.azure-badkey.type", "azure-openai");
        c.put("gateway.providers.azure-badkey.base-url", azure.baseUrl());
        c.put("gateway.providers.azure-badkey.api-key", WRONG_AZURE_KEY);
        c.put("gateway.models.azure-badkey-model.providers", "azure-badkey");
        c.put("gateway.models.azure-badkey-model.upstream-model", "text-embedding-3-small");

        // Presets: the module's default nvidia-nim and gemini-openai instances, pointed at the fakes.
        c.put("gateway.providers.nvidia-nim.base-url", nim.baseUrl());
        c.put("gateway.providers.nvidia-nim.api-key", NIM_KEY);
        c.put("gateway.providers.gemini-openai.base-url", gemini.baseUrl());
        c.put("gateway.providers.gemini-openai.api-key", GEMINI_KEY);
        c.put("gateway.models.gemini-compat.providers", "gemini-openai");
        c.put("gateway.models.gemini-compat.upstream-model", "gemini-embedding-001");
        c.put("gateway.providers.together.base-url", together.baseUrl());
        c.put("gateway.providers.together.api-key", TOGETHER_KEY);
        c.put("gateway.models.bge-large-together.providers", "together");
        c.put("gateway.models.bge-large-together.upstream-model", "BAAI/bge-large-en-v1.5");
        c.put("gateway.providers.openrouter.base-url", openrouter.baseUrl());
        c.put("gateway.providers.openrouter.api-key", OPENROUTER_KEY);
        c.put("gateway.models.or-small.providers", "openrouter");
        c.put("gateway.models.or-small.upstream-model", "openai/text-embedding-3-small");
        // Declared reducible here, though the routed provider drops dimensions: the gateway's size check catches it.
        c.put("gateway.models.or-ada.providers", "openrouter");
        c.put("gateway.models.or-ada.upstream-model", "openai/text-embedding-ada-002");
        c.put("gateway.models.or-ada.reducible-dimensions", "true");
        // LM Studio on the desktop: no key, numbers only, its nomic model with Nomic's prefixes.
        c.put("gateway.providers.lmstudio.type", "openai");
        c.put("gateway.providers.lmstudio.preset", "lmstudio");
        c.put("gateway.providers.lmstudio.base-url", lmstudio.baseUrl());
        c.put("gateway.models.nomic-lmstudio.providers", "lmstudio");
        c.put("gateway.models.nomic-lmstudio.upstream-model", "text-embedding-nomic-embed-text-v1.5");
        c.put("gateway.models.nomic-lmstudio.input-prefixes.query", "search_query: ");
        // A local vLLM: no key.
        c.put("gateway.providers.vllm.type", "openai");
        c.put("gateway.providers.vllm.preset", "vllm");
        c.put("gateway.providers.vllm.base-url", vllm.baseUrl());
        c.put("gateway.models.bge-m3.providers", "vllm");
        c.put("gateway.models.bge-m3.upstream-model", "BAAI/bge-m3");
        c.put("gateway.models.nomic-v15.providers", "vllm");
        c.put("gateway.models.nomic-v15.upstream-model", "nomic-ai/nomic-embed-text-v1.5");
        c.put("gateway.models.vllm-unserved.providers", "vllm");
        c.put("gateway.models.vllm-unserved.upstream-model", "not/served");
        c.put("gateway.models.vllm-unserved.dimensions", "8");
        // Configured by the operator but without its key: disabled with a warning, unlike the modules' defaults.
        c.put("gateway.providers.explicit-nokey.type", "openai");
        c.put("gateway.providers.explicit-nokey.preset", "fireworks");
        return c;
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(azure, new TestInjector.AnnotatedAndMatchesType(InjectFake.class, FakeAzureOpenAi.class));
        injector.injectIntoFields(new PresetFakes(nim, vllm, gemini, together, openrouter, lmstudio),
                new TestInjector.AnnotatedAndMatchesType(InjectFake.class, PresetFakes.class));
    }

    @Override
    public void stop() {
        for (AutoCloseable f : new AutoCloseable[]{azure, nim, vllm, gemini, together, openrouter, lmstudio}) {
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
