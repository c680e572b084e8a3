package io.embedgate.provider.vertex;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
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
import io.embedgate.spi.InstanceSettings;
import io.embedgate.spi.OutputDtype;
import io.embedgate.spi.UpstreamException;

class VertexWireTest {

    static EmbeddingCall call(List<String> texts, Integer dims, Map<String, Object> options) {
        return new EmbeddingCall("text-embedding-005", new EmbeddingInputs.Texts(texts),
                dims == null ? OptionalInt.empty() : OptionalInt.of(dims), OutputDtype.FLOAT, options, Optional.empty(),
                Deadline.after(Duration.ofSeconds(10)));
    }

    static String body(EmbeddingCall c) {
        return new String(VertexWire.request(c), StandardCharsets.UTF_8);
    }

    @Test
    void requestCarriesTaskTypeTitleAndParameters() {
        assertEquals("{\"instances\":[{\"content\":\"a\",\"task_type\":\"RETRIEVAL_DOCUMENT\",\"title\":\"T\"},"
                + "{\"content\":\"b\",\"task_type\":\"RETRIEVAL_DOCUMENT\",\"title\":\"T\"}],"
                + "\"parameters\":{\"autoTruncate\":false,\"outputDimensionality\":256}}",
                body(call(List.of("a", "b"), 256, Map.of("task_type", "RETRIEVAL_DOCUMENT", "title", "T", "auto_truncate", false))));
        assertEquals("{\"instances\":[{\"content\":\"q\"}]}", body(call(List.of("q"), null, Map.of())));
        // A title alone makes the text a retrieval document.
        assertTrue(body(call(List.of("q"), null, Map.of("title", "T"))).contains("\"task_type\":\"RETRIEVAL_DOCUMENT\",\"title\":\"T\""));
    }

    @Test
    void aTitleWithAnotherTaskTypeIsAProblemBeforeAnyCall() {
        assertTrue(VertexWire.problem(Map.of("title", "T", "task_type", "RETRIEVAL_QUERY")).orElseThrow().contains("title"));
        assertTrue(VertexWire.problem(Map.of("title", "T")).isEmpty());
        assertEquals(1, new VertexAdapter().validateOptions(Map.of("title", "T", "task_type", "CLUSTERING")).size());
        assertTrue(new VertexAdapter().validateOptions(Map.of("title", "T", "task_type", "RETRIEVAL_DOCUMENT")).isEmpty());
    }

    @Test
    void pathNamesProjectLocationAndModel() {
        assertEquals("/v1/projects/my-proj/locations/europe-west4/publishers/google/models/text-embedding-005:predict",
                VertexWire.wire("my-proj", "europe-west4").path().apply(call(List.of("a"), null, Map.of())));
    }

    @Test
    void responseVectorsAndUsageFromTokenCounts() {
        String reply = """
                {"predictions":[{"embeddings":{"values":[0.5,-0.25],"statistics":{"truncated":false,"token_count":6}}},
                {"embeddings":{"statistics":{"token_count":4.0,"truncated":true},"values":[1,0]}}],"metadata":{"billableCharacterCount":9}}""";
        EmbeddingResult r = VertexWire.response(reply.getBytes(StandardCharsets.UTF_8), call(List.of("a", "b"), 2, Map.of()), "vertex");
        assertEquals(2, r.embeddings().size());
        assertEquals(-0.25f, ((Embedding.Floats) r.embeddings().get(0)).values()[1]);
        assertEquals(10, r.usage().promptTokens());
        assertFalse(r.usage().estimated());
        String noStats = "{\"predictions\":[{\"embeddings\":{\"values\":[0.5,-0.25]}}]}";
        assertTrue(VertexWire.response(noStats.getBytes(StandardCharsets.UTF_8), call(List.of("abcd"), null, Map.of()), "vertex").usage()
                .estimated());
    }

    @Test
    void invalidResponsesAreRefused() {
        EmbeddingCall two = call(List.of("a", "b"), 2, Map.of());
        for (String bad : new String[]{"{\"predictions\":[{\"embeddings\":{\"values\":[0.5,0.1]}}]}", // one short
                "{\"predictions\":[{\"embeddings\":{\"values\":[0.5]}},{\"embeddings\":{\"values\":[0.5]}}]}", // wrong size
                "{\"predictions\":[{\"embeddings\":{\"values\":[0.5,\"x\"]}},{\"embeddings\":{\"values\":[0.5,1]}}]}",
                "{\"predictions\":[{\"embeddings\":{}},{\"embeddings\":{\"values\":[0.5,1]}}]}", "[1]", "{\"predictions\":[{"}) {
            UpstreamException e = assertThrows(UpstreamException.class,
                    () -> VertexWire.response(bad.getBytes(StandardCharsets.UTF_8), two, "vertex"), bad);
            assertEquals(UpstreamException.Kind.INVALID_RESPONSE, e.kind(), bad);
        }
    }

    static UpstreamException error(int status, String body) {
        return VertexWire.error(status, body.getBytes(StandardCharsets.UTF_8), null, "vertex", "ya29.secretTokenValue123");
    }

    @Test
    void googleErrorEnvelope() {
        String quota = "{\"error\":{\"code\":429,\"message\":\"Quota exceeded for aiplatform.googleapis.com/online_prediction_requests_per_base_model\","
                + "\"status\":\"RESOURCE_EXHAUSTED\",\"details\":[{\"@type\":\"type.googleapis.com/google.rpc.RetryInfo\",\"retryDelay\":\"12s\"}]}}";
        UpstreamException e = error(429, quota);
        assertEquals(UpstreamException.Kind.RATE_LIMITED, e.kind());
        assertEquals(Duration.ofSeconds(12), e.retryAfter().orElseThrow());
        assertTrue(e.retryable());
        assertEquals(UpstreamException.Kind.AUTHENTICATION,
                error(401,
                        "{\"error\":{\"code\":401,\"message\":\"Request had invalid authentication credentials.\",\"status\":\"UNAUTHENTICATED\"}}")
                        .kind());
        assertEquals(UpstreamException.Kind.PERMISSION,
                error(403,
                        "{\"error\":{\"code\":403,\"message\":\"Permission 'aiplatform.endpoints.predict' denied\",\"status\":\"PERMISSION_DENIED\","
                                + "\"details\":[{\"@type\":\"type.googleapis.com/google.rpc.ErrorInfo\",\"reason\":\"IAM_PERMISSION_DENIED\"}]}}")
                        .kind());
        assertEquals(UpstreamException.Kind.NOT_FOUND,
                error(404, "{\"error\":{\"code\":404,\"message\":\"not found\",\"status\":\"NOT_FOUND\"}}").kind());
        UpstreamException bad = error(400,
                "{\"error\":{\"code\":400,\"message\":\"Unable to submit request because the model does not support "
                        + "the title parameter unless the task_type is RETRIEVAL_DOCUMENT.\",\"status\":\"INVALID_ARGUMENT\"}}");
        assertEquals(UpstreamException.Kind.BAD_REQUEST, bad.kind());
        assertEquals("INVALID_ARGUMENT", bad.errorType().orElseThrow());
        assertEquals(UpstreamException.Kind.SERVER_ERROR, error(500, "{\"error\":{\"code\":500,\"status\":\"INTERNAL\"}}").kind());
        assertEquals(UpstreamException.Kind.SERVER_ERROR, error(503, "<html>Service Unavailable</html>").kind());
        UpstreamException echoed = error(401, "{\"error\":{\"code\":401,\"message\":\"token ya29.secretTokenValue123 expired\"}}");
        assertFalse(echoed.getMessage().contains("secretTokenValue"));
    }

    static KeyPair keyPair() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        return g.generateKeyPair();
    }

    static String keyJson(KeyPair kp, String tokenUri) {
        String pem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, new byte[]{'\n'}).encodeToString(kp.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        return "{\"type\":\"service_account\",\"project_id\":\"key-proj\",\"private_key_id\":\"kid123\",\"private_key\":\""
                + pem.replace("\n", "\\n") + "\",\"client_email\":\"sa@key-proj.iam.gserviceaccount.com\",\"token_uri\":\"" + tokenUri
                + "\"}";
    }

    @Test
    void assertionIsAnRs256JwtWithGooglesClaims() throws Exception {
        KeyPair kp = keyPair();
        ServiceAccountKey key = ServiceAccountKey.parse(keyJson(kp, "https://oauth2.googleapis.com/token"));
        String jwt = key.assertion(Instant.ofEpochSecond(1_700_000_000L));
        String[] parts = jwt.split("\\.");
        assertEquals(3, parts.length);
        Base64.Decoder d = Base64.getUrlDecoder();
        assertEquals("{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"kid123\"}", new String(d.decode(parts[0]), StandardCharsets.UTF_8));
        assertEquals("{\"iss\":\"sa@key-proj.iam.gserviceaccount.com\",\"scope\":\"https://www.googleapis.com/auth/cloud-platform\","
                + "\"aud\":\"https://oauth2.googleapis.com/token\",\"iat\":1700000000,\"exp\":1700003600}",
                new String(d.decode(parts[1]), StandardCharsets.UTF_8));
        Signature v = Signature.getInstance("SHA256withRSA");
        v.initVerify(kp.getPublic());
        v.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        assertTrue(v.verify(d.decode(parts[2])));
        assertFalse(key.toString().contains("PRIVATE"));
    }

    static VertexSettings.Resolved resolve(Map<String, String> settings) {
        return VertexSettings.resolve(instance(settings));
    }

    static InstanceSettings instance(Map<String, String> settings) {
        return new InstanceSettings("vertex", "vertex", Optional.empty(), Optional.empty(), Map.of(), Duration.ofSeconds(1), 4,
                Optional.empty(), settings);
    }

    @Test
    void settingsProblemsNameTheSettingNeverTheKey() throws Exception {
        KeyPair kp = keyPair();
        String good = keyJson(kp, "https://oauth2.googleapis.com/token");
        VertexSettings s = resolve((Map.of("credentials-json", good))).settings().orElseThrow();
        assertEquals("key-proj", s.project()); // from the key when settings.project is not set
        assertEquals("https://us-central1-aiplatform.googleapis.com", s.instance().baseUrl().orElseThrow().toString());
        assertEquals("https://aiplatform.googleapis.com", resolve((Map.of("credentials-json", good, "location",
                "global"))).settings().orElseThrow().instance().baseUrl().orElseThrow().toString());
        // The access token wins over a key.
        assertTrue(resolve((Map.of("credentials-json", good, "access-token", "ya29.abc", "project", "p")))
                .settings().orElseThrow().credentials() instanceof VertexSettings.AccessToken);
        Map<String, String> bad = Map.of(
                "{\"type\":\"authorized_user\"}", "not a service account",
                good.replace("http" + "s://oauth2.googleapis.com", "http://oauth2.example.com"), "token_uri",
                good.replace("MII", "XXX"), "private_key",
                "{not json " + good, "not valid JSON");
        bad.forEach((json, expected) -> {
            List<String> problems = resolve((Map.of("credentials-json", json, "project", "p"))).problems();
            assertEquals(1, problems.size(), problems.toString());
            assertTrue(problems.get(0).startsWith("settings.credentials-json") && problems.get(0).contains(expected), problems.toString());
            assertFalse(problems.get(0).contains("MII") || problems.get(0).contains("BEGIN"), problems.toString());
        });
        assertTrue(resolve((Map.of("credentials-file", "/nonexistent/key.json", "project", "p"))).problems().get(0)
                .startsWith("settings.credentials-file"));
        assertTrue(resolve((Map.of())).problems().toString().contains("no credentials"));
        assertTrue(resolve((Map.of("access-token", "ya29.x"))).problems().toString().contains("settings.project"));
        // A location names the regional endpoint.
        assertEquals("https://asia-east1-aiplatform.googleapis.com", resolve(Map.of("access-token", "ya29.x", "project", "p",
                "location", "asia-east1")).settings().orElseThrow().instance().baseUrl().orElseThrow().toString());
        // http is fine on loopback (tests), never elsewhere
        assertTrue(resolve((Map.of("credentials-json", keyJson(kp, "http://127.0.0.1:9/token")))).problems()
                .isEmpty());
    }
}
