package io.embedgate.testing;

import java.util.HashMap;
import java.util.Map;

import io.embedgate.fakes.FakeBedrock;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Starts a fake Bedrock Runtime on loopback and points the gateway's default {@code bedrock} instance
 * at it with SigV4 credentials (at most 4 calls of one request at once), plus instances with session
 * credentials, a Bedrock API key, a wrong secret, both kinds of credentials, and catalogue entries that
 * use them, an inference profile and an opaque ARN.
 */
public class BedrockResource implements QuarkusTestResourceLifecycleManager {

    public static final String WRONG_SECRET = "WrongBedrockSecret/ZYXWVUTSRQ9876543210abcdEF";
    public static final String PROVISIONED_ARN = "arn:aws:bedrock:us-east-1:123456789012:provisioned-model/abc123";
    public static final int MAX_CONCURRENT_CALLS = 4;

    private FakeBedrock bedrock;

    @Override
    public Map<String, String> start() {
        bedrock = FakeBedrock.start();
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

        sigV4("bedrock", FakeBedrock.ACCESS_KEY_ID, FakeBedrock.SECRET_ACCESS_KEY, c);
        c.put("gateway.providers.bedrock.api-key", "");
        c.put("gateway.providers.bedrock.max-concurrent-calls", Integer.toString(MAX_CONCURRENT_CALLS));

        c.put("gateway.providers.bedrock-session.type", "bedrock");
        sigV4("bedrock-session", FakeBedrock.SESSION_ACCESS_KEY_ID, FakeBedrock.SESSION_SECRET_ACCESS_KEY, c);
        c.put("gateway.providers.bedrock-session.settings.session-token", FakeBedrock.SESSION_TOKEN);
        model("titan-session", "bedrock-session", "amazon.titan-embed-text-v2:0", c);

        c.put("gateway.providers.bedrock-apikey.type", "bedrock");
        c.put("gateway.providers.bedrock-apikey.base-url", bedrock.baseUrl());
        c.put("gateway.providers.bedrock-apikey.api-key", FakeBedrock.API_KEY);
        model("cohere-apikey", "bedrock-apikey", "cohere.embed-english-v3", c);

        c.put("gateway.providers.bedrock-wrongsecret.type", "bedrock");
        sigV4("bedrock-wrongsecret", FakeBedrock.ACCESS_KEY_ID, WRONG_SECRET, c);
        model("titan-wrong-secret", "bedrock-wrongsecret", "amazon.titan-embed-text-v2:0", c);

        // Both kinds of credentials, the SigV4 ones wrong: the API key is the one used.
        c.put("gateway.providers.bedrock-both.type", "bedrock");
        sigV4("bedrock-both", FakeBedrock.ACCESS_KEY_ID, WRONG_SECRET, c);
        c.put("gateway.providers.bedrock-both.api-key", FakeBedrock.API_KEY);
        model("titan-both", "bedrock-both", "amazon.titan-embed-text-v2:0", c);

        model("cohere-v4-profile", "bedrock", "us.cohere.embed-v4:0", c);
        model("titan-provisioned", "bedrock", PROVISIONED_ARN, c);
        c.put("gateway.models.titan-provisioned.dimensions", "1024");
        return c;
    }

    private void sigV4(String name, String keyId, String secret, Map<String, String> c) {
        c.put("gateway.providers." + name + ".base-url", bedrock.baseUrl());
        c.put("gateway.providers." + name + ".settings.region", FakeBedrock.REGION);
        c.put("gateway.providers." + name + ".settings.access-key-id", keyId);
        c.put("gateway.providers." + name + ".settings.secret-access-key", secret);
    }

    private static void model(String id, String instance, String upstream, Map<String, String> c) {
        c.put("gateway.models." + id + ".providers", instance);
        c.put("gateway.models." + id + ".upstream-model", upstream);
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(bedrock, new TestInjector.AnnotatedAndMatchesType(InjectFake.class, FakeBedrock.class));
    }

    @Override
    public void stop() {
        if (bedrock != null) {
            bedrock.close();
        }
    }
}
