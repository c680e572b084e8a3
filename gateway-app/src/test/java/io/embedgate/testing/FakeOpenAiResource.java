package io.embedgate.testing;

import java.net.ServerSocket;
import java.util.HashMap;
import java.util.Map;

import io.embedgate.fakes.FakeOpenAi;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Starts a fake OpenAI on loopback and points the gateway at it. Besides the main {@code openai}
 * instance it configures instances that exercise the catalogue: one with a wrong key, one without
 * a key (disabled), and one whose port refuses connections (for failover).
 */
public class FakeOpenAiResource implements QuarkusTestResourceLifecycleManager {

    public static final String WRONG_KEY = "sk-wrong-key-ZYXWVUTSRQ987654";

    private FakeOpenAi fake;

    @Override
    public Map<String, String> start() {
        fake = FakeOpenAi.start();
        Map<String, String> c = new HashMap<>();
        c.put("gateway.auth.keys.test.sha256", TestKeys.sha256(TestKeys.GATEWAY_KEY));
        c.put("gateway.auth.keys.default.sha256", "");
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

        c.put("gateway.providers.openai-down.type", "openai");
        c.put("gateway.providers.openai-down.base-url", "http://127.0.0.1:" + closedPort() + "/v1");
        c.put("gateway.providers.openai-down.api-key", "sk-down-0000000000");
        c.put("gateway.models.text-embedding-3-large.providers", "openai-down,openai");

        // A model the adapter does not know, configured entirely in the catalogue.
        c.put("gateway.models.unknown-upstream.providers", "openai");
        c.put("gateway.models.unknown-upstream.dimensions", "64");
        return c;
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(fake, new TestInjector.AnnotatedAndMatchesType(InjectFake.class, FakeOpenAi.class));
    }

    @Override
    public void stop() {
        if (fake != null) {
            fake.close();
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
