package io.embedgate.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.Map;

import io.embedgate.fakes.FakeAzureOpenAi;
import io.embedgate.fakes.FakeEntraId;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A fake Entra ID tenant (and a second one whose tokens live 38 s), a fake Azure OpenAI resource that
 * accepts their tokens, and azure-openai instances without an api-key that authenticate with client
 * credentials: working ones, one with a wrong secret, an unknown tenant, a token endpoint that is
 * down, and one missing its secret (disabled).
 */
public class AzureEntraResource implements QuarkusTestResourceLifecycleManager {

    /** An app registration of its own, so that its token requests can be told apart. */
    public static final String REVOKE_CLIENT = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee";
    public static final String REVOKE_SECRET = "Rv18Q~fakeEntraRevokeClientSecret.0123456";
    public static final String WRONG_SECRET = "Wr08Q~notTheSecretOfThisApp.0123456789abcd";
    /** The short-lived tenant's tokens: 8 s of use before the gateway's 30 s safety margin. */
    public static final int SHORT_LIFETIME = 38;

    private FakeEntraId entra;
    private FakeEntraId shortLived;
    private FakeAzureOpenAi azure;

    @Override
    public Map<String, String> start() {
        entra = FakeEntraId.start();
        entra.client(REVOKE_CLIENT, REVOKE_SECRET);
        shortLived = FakeEntraId.start();
        shortLived.expiresIn(SHORT_LIFETIME);
        azure = FakeAzureOpenAi.start();
        azure.acceptTokens(token -> entra.accepts(token, FakeEntraId.COGNITIVE_SERVICES)
                || shortLived.accepts(token, FakeEntraId.COGNITIVE_SERVICES));

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

        instance(c, "azure-entra", "entra-small", entra.authorityHost(), FakeEntraId.TENANT, FakeEntraId.CLIENT_ID,
                FakeEntraId.CLIENT_SECRET);
        instance(c, "azure-entra-short", "entra-short", shortLived.authorityHost(), FakeEntraId.TENANT, FakeEntraId.CLIENT_ID,
                FakeEntraId.CLIENT_SECRET);
        instance(c, "azure-entra-revoke", "entra-revoke", entra.authorityHost(), FakeEntraId.TENANT, REVOKE_CLIENT, REVOKE_SECRET);
        instance(c, "azure-entra-badsecret", "entra-badsecret", entra.authorityHost(), FakeEntraId.TENANT, FakeEntraId.CLIENT_ID,
                WRONG_SECRET);
        instance(c, "azure-entra-notenant", "entra-notenant", entra.authorityHost(), "fabrikam.onmicrosoft.com", FakeEntraId.CLIENT_ID,
                FakeEntraId.CLIENT_SECRET);
        instance(c, "azure-entra-down", "entra-down", "http://127.0.0.1:" + closedPort(), FakeEntraId.TENANT, FakeEntraId.CLIENT_ID,
                FakeEntraId.CLIENT_SECRET);
        instance(c, "azure-entra-partial", "entra-partial", entra.authorityHost(), FakeEntraId.TENANT, FakeEntraId.CLIENT_ID, null);
        return c;
    }

    private void instance(Map<String, String> c, String name, String model, String authority, String tenant, String client,
            String secret) {
        String p = "gateway.providers." + name + ".";
        c.put(p + "type", "azure-openai");
        c.put(p + "base-url", azure.baseUrl());
        c.put(p + "settings.authority-host", authority);
        c.put(p + "settings.tenant-id", tenant);
        c.put(p + "settings.client-id", client);
        if (secret != null) {
            c.put(p + "settings.client-secret", secret);
        }
        c.put("gateway.models." + model + ".providers", name);
        c.put("gateway.models." + model + ".upstream-model", "text-embedding-3-small");
    }

    /** A loopback port nothing listens on: a token endpoint that is down. */
    private static int closedPort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(new EntraFakes(entra, shortLived, azure),
                new TestInjector.AnnotatedAndMatchesType(InjectFake.class, EntraFakes.class));
    }

    @Override
    public void stop() {
        for (AutoCloseable f : new AutoCloseable[]{entra, shortLived, azure}) {
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
