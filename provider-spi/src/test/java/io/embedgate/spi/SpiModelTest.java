package io.embedgate.spi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;

import org.junit.jupiter.api.Test;

class SpiModelTest {

    @Test
    void float32MatchesByteBufferLittleEndian() {
        float[] v = {0f, -0f, 1.5f, -3.25e-7f, Float.MAX_VALUE, Float.MIN_VALUE, 0.0023064255f};
        byte[] packed = Float32.toLittleEndian(v);
        ByteBuffer expected = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            expected.putFloat(f);
        }
        assertArrayEquals(expected.array(), packed);
        assertArrayEquals(v, Float32.fromLittleEndian(packed));
        assertThrows(IllegalArgumentException.class, () -> Float32.fromLittleEndian(new byte[5]));
    }

    @Test
    void retryAfterPrefersMillisecondsThenSecondsThenDate() {
        assertEquals(Duration.ofMillis(1500), RetryAfter.fromHeaders("1500", "9"));
        assertEquals(Duration.ofSeconds(9), RetryAfter.fromHeaders(null, "9"));
        assertEquals(Duration.ofMillis(2812), RetryAfter.fromHeaders(null, "2.812"));
        assertEquals(Duration.ofSeconds(9), RetryAfter.fromHeaders("garbage", "9"));
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now().plusSeconds(30));
        Duration d = RetryAfter.fromHeaders(null, date);
        assertTrue(d.getSeconds() > 25 && d.getSeconds() <= 30, d.toString());
        assertNull(RetryAfter.fromHeaders(null, "soon"));
        assertNull(RetryAfter.fromHeaders(null, null));
        assertEquals(Duration.ofSeconds(47), RetryAfter.fromProtoDuration("47s"));
        assertEquals(Duration.ofMillis(1500), RetryAfter.fromProtoDuration("1.5s"));
        assertNull(RetryAfter.fromProtoDuration("47"));
    }

    @Test
    void redactionRemovesTheKeyAndKeyShapes() {
        String key = "sk-test-1234567890abcdef";
        assertEquals("bad key [REDACTED] here", Secrets.redact("bad key " + key + " here", key));
        assertEquals("x [REDACTED] y", Secrets.redact("x sk-proj-abcdefghijkl y", null));
        assertEquals("x [REDACTED] y", Secrets.redact("x AIzaSyA1234567890abcdefghijklmn y", null));
        assertEquals("[REDACTED]", Secrets.redact("Bearer abcdefghijklmnop", null));
        assertEquals("plain text", Secrets.redact("plain text", "k"));
        // Cloud credentials, whoever echoes them: an Entra ID token (a JWT), a Google access token, an AWS
        // access key id, Bedrock API keys, an Entra client secret, a PEM private key (as in a key file's JSON).
        for (String secret : new String[]{"eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL2NvZ25p.c2lnbmF0dXJlLXBhcnQ",
                "ya29.a0AfH6SMBx3Kq-example_token", "AKIAIOSFODNN7EXAMPLE", "ASIAXYZ1234567890ABC",
                "bedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29t", "ABSKQmVkcm9ja0FQSUtleS1leGFtcGxlMTIzNDU2",
                "abc8Q~Zx1yW2vU3tS4rQ5pO6nM7lK8jI9hG0fE1d",
                "-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\\n-----END PRIVATE KEY-----"}) {
            assertEquals("x " + Secrets.MASK + " y", Secrets.redact("x " + secret + " y", null), secret);
        }
        assertEquals("ModelTimeoutException: AKIA-like words stay", Secrets.redact("ModelTimeoutException: AKIA-like words stay", null));
        assertTrue(Secrets.isSecretSetting("secret-access-key") && Secrets.isSecretSetting("session-token")
                && Secrets.isSecretSetting("client-secret") && Secrets.isSecretSetting("credentials-json")
                && Secrets.isSecretSetting("access-token"));
        assertFalse(Secrets.isSecretSetting("region") || Secrets.isSecretSetting("access-key-id") || Secrets.isSecretSetting("tenant-id"));
    }

    @Test
    void statusClassification() {
        assertEquals(UpstreamException.Kind.AUTHENTICATION, UpstreamException.fromStatus("p", 401, null, null, "m", null, null).kind());
        UpstreamException rl = UpstreamException.fromStatus("p", 429, "tokens", "rate_limit_exceeded", "m", Duration.ofSeconds(2), null);
        assertEquals(UpstreamException.Kind.RATE_LIMITED, rl.kind());
        assertTrue(rl.retryable());
        assertEquals(Duration.ofSeconds(2), rl.retryAfter().orElseThrow());
        UpstreamException quota = UpstreamException.fromStatus("p", 429, "insufficient_quota", "insufficient_quota", "m", null, null);
        assertEquals(UpstreamException.Kind.QUOTA_EXHAUSTED, quota.kind());
        assertFalse(quota.retryable());
        assertTrue(UpstreamException.fromStatus("p", 503, null, null, "m", null, null).retryable());
        assertFalse(UpstreamException.fromStatus("p", 503, null, null, "m", null, false).retryable());
        assertEquals(UpstreamException.Kind.BAD_REQUEST, UpstreamException.fromStatus("p", 422, null, null, "m", null, null).kind());
    }

    @Test
    void capabilitiesAndSlices() {
        ModelCapabilities fixed = ModelCapabilities.fixed(1536, 2048);
        assertTrue(fixed.allowsDimensions(1536));
        assertFalse(fixed.allowsDimensions(512));
        ModelCapabilities reducible = fixed.withReducible(true);
        assertTrue(reducible.allowsDimensions(1));
        assertFalse(reducible.allowsDimensions(1537));
        assertTrue(reducible.dtypes().contains(OutputDtype.FLOAT));
        EmbeddingInputs in = new EmbeddingInputs.Texts(List.of("a", "b", "c"));
        assertEquals(List.of("b", "c"), ((EmbeddingInputs.Texts) in.slice(1, 3)).values());
    }
}
