package io.embedgate.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.HashMap;
import java.util.Map;

import io.embedgate.fakes.FakeGoogleToken;
import io.embedgate.fakes.FakeVertex;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Starts a fake Vertex AI and a fake Google token endpoint on loopback, with a fresh RSA key pair
 * (generated here: no key is committed) and a service account key file for it in a temp file. Instances:
 * {@code vertex} (the module's default instance: the key file), {@code vertex-json} (the same key as
 * {@code settings.credentials-json}), {@code vertex-static} (a plain access token) and
 * {@code vertex-badkey} (a key the token endpoint refuses: another key pair under the same account).
 */
public class VertexResource implements QuarkusTestResourceLifecycleManager {

    public static final String PROJECT = "test-proj";
    public static final String LOCATION = "europe-west4";
    public static final String EMAIL = "embedgate-test@test-proj.iam.gserviceaccount.com";

    /** The credentials the tests must never see leak, injected into {@code @InjectFake VertexResource.Secrets} fields. */
    public record Secrets(String keyJson, String badKeyJson, String privateKeyPem, String badPrivateKeyPem) {

        @Override
        public String toString() {
            return "Secrets[***]";
        }
    }

    private FakeGoogleToken tokens;
    private FakeVertex vertex;
    private Path keyFile;
    private Secrets secrets;

    @Override
    public Map<String, String> start() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            KeyPair pair = g.generateKeyPair();
            KeyPair other = g.generateKeyPair();
            tokens = FakeGoogleToken.start(pair.getPublic(), EMAIL);
            vertex = FakeVertex.start(tokens, FakeVertex.STATIC_TOKEN);
            String json = tokens.serviceAccountJson(pair.getPrivate(), PROJECT);
            String badJson = tokens.serviceAccountJson(other.getPrivate(), PROJECT);
            keyFile = Files.createTempFile("vertex-sa", ".json");
            Files.writeString(keyFile, json);
            secrets = new Secrets(json, badJson, pem(pair), pem(other));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
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

        instance(c, "vertex");
        c.put("gateway.providers.vertex.settings.credentials-file", keyFile.toString());

        instance(c, "vertex-json");
        c.put("gateway.providers.vertex-json.settings.credentials-json", secrets.keyJson());
        model(c, "vertex-json-005", "vertex-json", "text-embedding-005");

        instance(c, "vertex-static");
        c.put("gateway.providers.vertex-static.settings.access-token", FakeVertex.STATIC_TOKEN);
        model(c, "vertex-static-005", "vertex-static", "text-embedding-005");

        instance(c, "vertex-badkey");
        c.put("gateway.providers.vertex-badkey.settings.credentials-json", secrets.badKeyJson());
        model(c, "vertex-badkey-005", "vertex-badkey", "text-embedding-005");

        // A model Vertex does not have (404 from the fake).
        model(c, "vertex-missing", "vertex", "text-embedding-004x");
        c.put("gateway.models.vertex-missing.dimensions", "768");
        return c;
    }

    private void instance(Map<String, String> c, String name) {
        c.put("gateway.providers." + name + ".type", "vertex");
        c.put("gateway.providers." + name + ".base-url", vertex.baseUrl());
        c.put("gateway.providers." + name + ".settings.project", PROJECT);
        c.put("gateway.providers." + name + ".settings.location", LOCATION);
    }

    private static void model(Map<String, String> c, String id, String instance, String upstream) {
        c.put("gateway.models." + id + ".providers", instance);
        c.put("gateway.models." + id + ".upstream-model", upstream);
    }

    private static String pem(KeyPair pair) {
        return "-----BEGIN PRIVATE KEY-----\n" + java.util.Base64.getMimeEncoder(64, new byte[]{'\n'})
                .encodeToString(pair.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n";
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(vertex, new TestInjector.AnnotatedAndMatchesType(InjectFake.class, FakeVertex.class));
        injector.injectIntoFields(tokens, new TestInjector.AnnotatedAndMatchesType(InjectFake.class, FakeGoogleToken.class));
        injector.injectIntoFields(secrets, new TestInjector.AnnotatedAndMatchesType(InjectFake.class, Secrets.class));
    }

    @Override
    public void stop() {
        for (AutoCloseable f : new AutoCloseable[]{vertex, tokens}) {
            try {
                if (f != null) {
                    f.close();
                }
            } catch (Exception ignored) {
                // best effort
            }
        }
        try {
            if (keyFile != null) {
                Files.deleteIfExists(keyFile);
            }
        } catch (Exception ignored) {
            // best effort
        }
    }
}
