package io.embedgate.provider.bedrock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.embedgate.provider.support.AwsSigV4;
import io.embedgate.provider.support.UpstreamAuth;
import io.embedgate.spi.InputType;
import io.embedgate.spi.InstanceSettings;
import io.embedgate.spi.ModelCapabilities;

class BedrockAdapterTest {

    final BedrockAdapter adapter = new BedrockAdapter();

    static InstanceSettings instance(Optional<String> apiKey, Map<String, String> settings, Optional<URI> base) {
        return new InstanceSettings("bedrock", "bedrock", base, apiKey, Map.of(), null, 4, Optional.empty(), settings);
    }

    @Test
    void knownModelsProfilesAndArns() {
        ModelCapabilities v4 = adapter.knownModel("cohere.embed-v4:0").orElseThrow();
        assertEquals(v4, adapter.knownModel("us.cohere.embed-v4:0").orElseThrow());
        assertEquals(v4, adapter.knownModel("global.cohere.embed-v4:0").orElseThrow());
        assertEquals(v4, adapter.knownModel("arn:aws:bedrock:eu-west-1:123456789012:inference-profile/eu.cohere.embed-v4:0").orElseThrow());
        assertEquals(96, v4.maxInputsPerCall());
        ModelCapabilities titan = adapter.knownModel("amazon.titan-embed-text-v2:0").orElseThrow();
        assertEquals(1, titan.maxInputsPerCall());
        assertTrue(titan.allowsDimensions(256));
        assertFalse(titan.allowsDimensions(300));
        assertFalse(titan.normalized(), "normalize=false gives other lengths: the gateway normalises when asked");
        assertEquals(1536, adapter.knownModel("amazon.titan-embed-text-v1").orElseThrow().nativeDimensions());
        assertTrue(adapter.knownModel("arn:aws:bedrock:us-east-1:123456789012:provisioned-model/abc").isEmpty());
        assertEquals(1, adapter.maxInputsPerCall(instance(Optional.of("k"), Map.of(), Optional.empty())).getAsInt());
        assertEquals(96,
                adapter.maxInputsPerCall(instance(Optional.of("k"), Map.of("model-family", "cohere"), Optional.empty())).getAsInt());
    }

    @Test
    void inputTypeOnlyForCohere() {
        InstanceSettings s = instance(Optional.of("k"), Map.of(), Optional.empty());
        assertEquals("search_query", adapter.inputTypeValue(s, InputType.QUERY, "us.cohere.embed-v4:0").orElseThrow());
        assertEquals("clustering", adapter.inputTypeValue(s, InputType.SIMILARITY, "cohere.embed-english-v3").orElseThrow());
        assertTrue(adapter.inputTypeValue(s, InputType.QUERY, "amazon.titan-embed-text-v2:0").isEmpty());
    }

    @Test
    void credentialsAndRegionAreChecked() {
        assertEquals(List.of(), adapter.validate(instance(Optional.of("k"), Map.of(), Optional.empty())));
        assertEquals(List.of(), adapter.validate(instance(Optional.empty(),
                Map.of("access-key-id", "AKIDEXAMPLE", "secret-access-key", "s3cr3t", "region", "eu-central-1"), Optional.empty())));
        assertTrue(adapter.validate(instance(Optional.empty(), Map.of(), Optional.empty())).get(0).startsWith("no credentials"));
        assertTrue(adapter.validate(instance(Optional.empty(), Map.of("access-key-id", "AKIDEXAMPLE"), Optional.empty())).get(0)
                .contains("both"));
        assertTrue(adapter.validate(instance(Optional.of("k"), Map.of("region", "evil.com/x"), Optional.empty())).get(0)
                .contains("region"));
        assertTrue(adapter.validate(instance(Optional.of("k"), Map.of("model-family", "llama"), Optional.empty())).get(0)
                .contains("model-family"));
        assertEquals(URI.create("https://bedrock-runtime.eu-central-1.amazonaws.com"),
                BedrockAdapter.withBaseUrl(instance(Optional.of("k"), Map.of("region", "eu-central-1"), Optional.empty())).baseUrl()
                        .orElseThrow());
        // Empty settings (an unset variable's default) are absent.
        assertTrue(adapter.validate(instance(Optional.empty(), Map.of("access-key-id", "", "secret-access-key", ""), Optional.empty()))
                .get(0).startsWith("no credentials"));
        assertEquals("tok", BedrockAdapter.credentials(instance(Optional.empty(),
                Map.of("access-key-id", "AKIDEXAMPLE", "secret-access-key", "s", "session-token", "tok"), Optional.empty())).orElseThrow()
                .sessionToken().orElseThrow());
        URI vpc = URI.create("https://vpce-123.bedrock-runtime.us-east-1.vpce.amazonaws.com");
        assertEquals(vpc, BedrockAdapter.withBaseUrl(instance(Optional.of("k"), Map.of(), Optional.of(vpc))).baseUrl().orElseThrow());
    }

    /** The reference's regression vector (providers-more.md 1.6), signed through the adapter's signer. */
    @Test
    void signerProducesTheReferenceVector() {
        BedrockSigner signer = new BedrockSigner(
                new AwsSigV4.Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", Optional.empty()), "us-east-1",
                Clock.fixed(Instant.parse("2026-01-15T12:00:00Z"), ZoneOffset.UTC));
        Map<String, String> h = signer.headers(new UpstreamAuth.Request("POST", "bedrock-runtime.us-east-1.amazonaws.com",
                "/model/amazon.titan-embed-text-v2%3A0/invoke", Map.of("content-type", "application/json"),
                "{\"inputText\":\"hello world\",\"dimensions\":256,\"normalize\":true}".getBytes(StandardCharsets.UTF_8)))
                .await().indefinitely();
        assertEquals("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260115/us-east-1/bedrock/aws4_request, "
                + "SignedHeaders=content-type;host;x-amz-date, Signature=681a685bef767b027d902390a12a0926d5b74f2cbb8f17cc6054ed55d0b4de62",
                h.get("Authorization"));
        assertEquals("20260115T120000Z", h.get("X-Amz-Date"));
        assertFalse(signer.toString().contains("wJalr"));
        assertEquals("key [REDACTED] here", signer.redact("key wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY here"));
    }
}
