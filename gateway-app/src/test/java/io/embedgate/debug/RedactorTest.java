package io.embedgate.debug;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;

/** Masking and truncation rules of the debug trace, without a running gateway. */
class RedactorTest {

    static final String KEY = "my-own-provider-key-123";
    final Redactor redactor = new Redactor(List.of(KEY));

    @Test
    void headersNamedLikeCredentialsAreMasked() {
        Map<String, Object> h = redactor.headers(Map.of("Authorization", "Bearer abc", "x-goog-api-key", "AIzaXYZ", "api-key", "k",
                "Content-Type", "application/json", "X-Echo", "value " + KEY));
        assertEquals("[REDACTED]", h.get("Authorization"));
        assertEquals("[REDACTED]", h.get("x-goog-api-key"));
        assertEquals("[REDACTED]", h.get("api-key"));
        assertEquals("application/json", h.get("Content-Type"));
        assertEquals("value [REDACTED]", h.get("X-Echo"), "a configured key is masked in any header");
    }

    static Stream<Arguments> urls() {
        return Stream.of(
                Arguments.of("key parameter", "https://g.example/v1beta/models/m:embed?key=AIzaSyD-abcdefghijklmnopqrstuvwx&alt=json",
                        "https://g.example/v1beta/models/m:embed?key=[REDACTED]&alt=json"),
                Arguments.of("api_key parameter", "https://x.example/e?api_key=whatever", "https://x.example/e?api_key=[REDACTED]"),
                Arguments.of("configured key in the path", "https://x.example/" + KEY + "/e", "https://x.example/[REDACTED]/e"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("urls")
    void queryKeysAreMasked(String name, String url, String masked) {
        assertEquals(masked, redactor.url(url));
    }

    @Test
    void vectorsAndLongTextsAreTruncatedWithANote() {
        StringBuilder numbers = new StringBuilder("[");
        for (int i = 0; i < 1536; i++) {
            numbers.append(i == 0 ? "" : ",").append(i * 0.001);
        }
        String base64 = "A".repeat(8192);
        JsonNode n = redactor.body(("{\"data\":[{\"embedding\":" + numbers + "]},{\"embedding\":\"" + base64 + "\"}],\"note\":\"key is "
                + KEY + "\"}").getBytes(StandardCharsets.UTF_8));
        JsonNode floats = n.get("data").get(0).get("embedding");
        assertEquals(Redactor.MAX_NUMBERS + 1, floats.size());
        assertEquals("... 1528 more values (truncated)", floats.get(Redactor.MAX_NUMBERS).asText());
        String b = n.get("data").get(1).get("embedding").asText();
        assertTrue(b.endsWith("... (8192 characters, truncated)"), b);
        assertEquals("key is [REDACTED]", n.get("note").asText());
    }

    @Test
    void nonJsonBodiesAreTextRedacted() {
        JsonNode n = redactor.body(("<html>upstream says " + KEY + " and sk-abcdefghijklmnop</html>").getBytes(StandardCharsets.UTF_8));
        assertFalse(n.asText().contains(KEY));
        assertFalse(n.asText().contains("sk-abcdefghijklmnop"));
    }
}
