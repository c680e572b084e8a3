package io.embedgate.provider.azure;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import org.junit.jupiter.api.Test;

import io.embedgate.spi.Deadline;
import io.embedgate.spi.Embedding;
import io.embedgate.spi.EmbeddingCall;
import io.embedgate.spi.EmbeddingInputs;
import io.embedgate.spi.EmbeddingResult;
import io.embedgate.spi.Float32;
import io.embedgate.spi.InstanceSettings;
import io.embedgate.spi.OutputDtype;
import io.embedgate.spi.UpstreamException;

class AzureWireTest {

    static final String KEY = "0123456789abcdef0123456789abcdef";

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static EmbeddingCall call(String deployment, int n, OptionalInt dims) {
        List<String> texts = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            texts.add("t" + i);
        }
        return new EmbeddingCall(deployment, new EmbeddingInputs.Texts(texts), dims, OutputDtype.FLOAT, Map.of(), Optional.of("u-1"),
                Deadline.after(Duration.ofSeconds(1)));
    }

    @Test
    void classicRouteNamesTheDeploymentInThePathWithTheApiVersion() {
        var wire = AzureWire.wire(AzureWire.Route.DEPLOYMENTS, "2024-06-01");
        assertEquals("/openai/deployments/prod-small/embeddings?api-version=2024-06-01", wire.path().apply(call("prod-small", 1,
                OptionalInt.empty())));
        assertEquals("/openai/deployments/my%20dep%2Fx/embeddings?api-version=2024-02-15-preview",
                AzureWire.path(AzureWire.Route.DEPLOYMENTS, "my dep/x", "2024-02-15-preview"));
        assertEquals("{\"input\":[\"t0\",\"t1\"],\"encoding_format\":\"base64\",\"dimensions\":256,\"user\":\"u-1\"}",
                new String(wire.request().encode(call("prod-small", 2, OptionalInt.of(256))), StandardCharsets.UTF_8));
    }

    @Test
    void v1RouteSendsTheDeploymentAsModel() {
        var wire = AzureWire.wire(AzureWire.Route.V1, "2024-06-01");
        assertEquals("/openai/v1/embeddings", wire.path().apply(call("prod-small", 1, OptionalInt.empty())));
        assertEquals("{\"model\":\"prod-small\",\"input\":[\"t0\"],\"encoding_format\":\"base64\",\"user\":\"u-1\"}",
                new String(wire.request().encode(call("prod-small", 1, OptionalInt.empty())), StandardCharsets.UTF_8));
    }

    @Test
    void answersAndErrorsCarryTheRemainingCounts() {
        var wire = AzureWire.wire(AzureWire.Route.DEPLOYMENTS, "2024-06-01");
        float[] v = {0.5f, -0.25f};
        String body = "{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":0,\"embedding\":\""
                + Base64.getEncoder().encodeToString(Float32.toLittleEndian(v)) + "\"}],\"model\":\"text-embedding-3-small\","
                + "\"usage\":{\"prompt_tokens\":3,\"total_tokens\":3}}";
        Map<String, String> headers = Map.of("x-ratelimit-remaining-requests", "119", "x-ratelimit-remaining-tokens", "0");
        EmbeddingResult r = wire.response().decode(utf8(body), headers::get, call("prod-small", 1, OptionalInt.of(2)), "azure-openai");
        assertEquals(java.util.OptionalLong.of(119), r.quota().requests().remaining());
        assertEquals(java.util.OptionalLong.of(0), r.quota().tokens().remaining());
        assertTrue(r.quota().tokens().limit().isEmpty());
        UpstreamException e = wire.errors().decode(429, utf8("{\"error\":{\"code\":\"429\",\"message\":\"slow down\"}}"),
                headers::get, Duration.ofSeconds(55), null, "azure-openai", KEY);
        assertEquals(UpstreamException.Kind.RATE_LIMITED, e.kind());
        assertEquals(java.util.OptionalLong.of(0), e.quota().tokens().remaining());
    }

    @Test
    void decodesOpenAiAnswersAndChecksCountAndSize() {
        float[] v = {0.5f, -0.25f};
        String body = "{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":0,\"embedding\":\""
                + Base64.getEncoder().encodeToString(Float32.toLittleEndian(v)) + "\"}],\"model\":\"text-embedding-3-small\","
                + "\"usage\":{\"prompt_tokens\":3,\"total_tokens\":3}}";
        EmbeddingResult r = AzureWire.response(utf8(body), call("prod-small", 1, OptionalInt.of(2)), "azure-openai");
        assertArrayEquals(v, ((Embedding.Floats) r.embeddings().get(0)).values());
        assertEquals(3, r.usage().promptTokens());
        assertEquals("text-embedding-3-small", r.upstreamModel());
        assertEquals(UpstreamException.Kind.INVALID_RESPONSE,
                assertThrows(UpstreamException.class, () -> AzureWire.response(utf8(body), call("d", 2, OptionalInt.empty()), "az"))
                        .kind());
        assertThrows(UpstreamException.class, () -> AzureWire.response(utf8(body), call("d", 1, OptionalInt.of(3)), "az"));
    }

    @Test
    void mapsEveryAzureErrorShape() {
        UpstreamException denied = AzureWire.error(401, utf8("{\"error\":{\"code\":\"401\",\"message\":\"Access denied due to invalid "
                + "subscription key or wrong API endpoint. Key " + KEY + "\"}}"), null, null, "azure-openai", KEY);
        assertEquals(UpstreamException.Kind.AUTHENTICATION, denied.kind());
        assertEquals("401", denied.errorCode().orElseThrow());
        assertFalse(denied.getMessage().contains(KEY));

        UpstreamException missing = AzureWire.error(404, utf8("{\"error\":{\"code\":\"DeploymentNotFound\",\"message\":\"The API "
                + "deployment for this resource does not exist.\"}}"), null, null, "azure-openai", KEY);
        assertEquals(UpstreamException.Kind.NOT_FOUND, missing.kind());
        assertEquals("DeploymentNotFound", missing.errorCode().orElseThrow());

        UpstreamException route = AzureWire.error(404, utf8("{\"error\":{\"code\":\"404\",\"message\":\"Resource not found\"}}"), null,
                null, "azure-openai", KEY);
        assertEquals("Resource not found", route.getMessage());

        UpstreamException limited = AzureWire.error(429, utf8("{\"error\":{\"code\":\"429\",\"message\":\"Requests to the "
                + "Embeddings_Create Operation ... Please retry after 55 seconds.\"}}"), Duration.ofMillis(55_000), null, "azure-openai",
                KEY);
        assertEquals(UpstreamException.Kind.RATE_LIMITED, limited.kind());
        assertTrue(limited.retryable());
        assertEquals(Duration.ofSeconds(55), limited.retryAfter().orElseThrow());

        UpstreamException entra = AzureWire.error(401, utf8("{\"statusCode\":401,\"message\":\"Unauthorized. Access token is missing, "
                + "invalid, audience is incorrect (https://cognitiveservices.azure.com), or have expired.\"}"), null, null, "azure-openai",
                KEY);
        assertEquals(UpstreamException.Kind.AUTHENTICATION, entra.kind());
        assertTrue(entra.getMessage().startsWith("Unauthorized. Access token is missing"));

        UpstreamException tooMany = AzureWire.error(400,
                utf8("{\"error\":{\"message\":\"Too many inputs. The max number of inputs is 16.\","
                        + "\"type\":\"invalid_request_error\",\"param\":null,\"code\":null}}"),
                null, null, "azure-openai", KEY);
        assertEquals(UpstreamException.Kind.BAD_REQUEST, tooMany.kind());
        assertEquals("invalid_request_error", tooMany.errorType().orElseThrow());
    }

    static InstanceSettings instance(Map<String, String> settings) {
        return new InstanceSettings("az", AzureAdapter.TYPE, Optional.of(URI.create("https://res.openai.azure.com")), Optional.of(KEY),
                Map.of(), Duration.ofSeconds(1), 1, Optional.empty(), settings);
    }

    @Test
    void deploymentCapabilitiesFromTheModelSettingOrTheDeploymentName() {
        AzureAdapter a = new AzureAdapter();
        InstanceSettings s = instance(Map.of("model.prod-small", "text-embedding-3-small", "model.legacy.v2", "text-embedding-ada-002"));
        assertTrue(a.knownModel(s, "prod-small").orElseThrow().reducible());
        assertFalse(a.knownModel(s, "legacy.v2").orElseThrow().reducible());
        assertEquals(3072, a.knownModel(s, "text-embedding-3-large").orElseThrow().nativeDimensions());
        assertTrue(a.knownModel(s, "someones-deployment").isEmpty());
        assertEquals(2048, a.knownModel(s, "prod-small").orElseThrow().maxInputsPerCall());
        assertEquals(List.of(), a.validate(s));
    }

    @Test
    void validateNamesBadSettings() {
        AzureAdapter a = new AzureAdapter();
        List<String> p = a.validate(instance(Map.of("api", "v2", "model.x", "gpt-4o", "deployment", "y")));
        assertEquals(3, p.size(), p.toString());
        assertTrue(p.stream().anyMatch(s -> s.contains("settings.api=v2 must be deployments or v1")), p.toString());
        assertTrue(p.stream().anyMatch(s -> s.contains("settings.model.x=gpt-4o")), p.toString());
        assertTrue(p.stream().anyMatch(s -> s.contains("settings.deployment is not a setting")), p.toString());
        InstanceSettings none = new InstanceSettings("az", AzureAdapter.TYPE, Optional.empty(), Optional.empty(), Map.of(),
                Duration.ofSeconds(1), 1);
        assertEquals(List.of("no base-url configured", "no api-key or Entra ID client credentials configured"), a.validate(none));
        assertEquals(List.of(), a.validate(instance(Map.of("api", "v1", "api-version", "2024-02-01"))));
    }
}
