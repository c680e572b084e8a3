package io.embedgate.fakes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

class FakeVertexTest {

    static final String EMAIL = "sa@proj.iam.gserviceaccount.com";
    static final String PATH = "/v1/projects/proj/locations/us-central1/publishers/google/models/";
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
            .build();
    static KeyPair pair;
    static KeyPair other;
    static FakeGoogleToken tokens;
    static FakeVertex vertex;

    @BeforeAll
    static void start() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        pair = g.generateKeyPair();
        other = g.generateKeyPair();
        tokens = FakeGoogleToken.start(pair.getPublic(), EMAIL);
        vertex = FakeVertex.start(tokens, FakeVertex.STATIC_TOKEN);
    }

    @AfterAll
    static void stop() {
        vertex.close();
        tokens.close();
    }

    @BeforeEach
    void reset() {
        vertex.reset();
        tokens.reset();
    }

    static String jwt(PrivateKey key, String aud, long iat, long exp) throws Exception {
        Base64.Encoder b = Base64.getUrlEncoder().withoutPadding();
        String input = b.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b.encodeToString(
                        ("{\"iss\":\"" + EMAIL + "\",\"scope\":\"" + FakeGoogleToken.SCOPE + "\",\"aud\":\"" + aud + "\",\"iat\":"
                                + iat + ",\"exp\":" + exp + "}").getBytes(StandardCharsets.UTF_8));
        Signature s = Signature.getInstance("SHA256withRSA");
        s.initSign(key);
        s.update(input.getBytes(StandardCharsets.US_ASCII));
        return input + "." + b.encodeToString(s.sign());
    }

    static HttpResponse<String> token(String assertion) throws Exception {
        String form = "grant_type=" + URLEncoder.encode(FakeGoogleToken.GRANT_TYPE, StandardCharsets.UTF_8) + "&assertion=" + assertion;
        return HTTP.send(HttpRequest.newBuilder(URI.create(tokens.tokenUri())).header("content-type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static String issue() throws Exception {
        long now = Instant.now().getEpochSecond();
        HttpResponse<String> r = token(jwt(pair.getPrivate(), tokens.tokenUri(), now, now + 3600));
        assertEquals(200, r.statusCode(), r.body());
        return FakeHttp.json(r).get("access_token").asText();
    }

    static HttpResponse<String> predict(String model, String body, String token) throws Exception {
        return FakeHttp.post(vertex.baseUrl() + PATH + model + ":predict", body, token);
    }

    @Test
    void tokenEndpointChecksTheAssertion() throws Exception {
        long now = Instant.now().getEpochSecond();
        String t = issue();
        assertTrue(t.startsWith("ya29."));
        assertTrue(tokens.valid(t));
        HttpResponse<String> bad = token(jwt(other.getPrivate(), tokens.tokenUri(), now, now + 3600));
        assertEquals(400, bad.statusCode());
        assertEquals("invalid_grant", FakeHttp.json(bad).get("error").asText());
        assertEquals("Invalid JWT Signature.", FakeHttp.json(bad).get("error_description").asText());
        assertEquals(400, token(jwt(pair.getPrivate(), "https://elsewhere/token", now, now + 3600)).statusCode());
        assertEquals(400, token(jwt(pair.getPrivate(), tokens.tokenUri(), now, now + 7200)).statusCode());
        assertEquals(400, token(jwt(pair.getPrivate(), tokens.tokenUri(), now - 7200, now - 3600)).statusCode());
        assertEquals(1, tokens.issuedCount());
    }

    @Test
    void predictReturnsVectorsAndTokenCounts() throws Exception {
        String t = issue();
        HttpResponse<String> r = predict("text-embedding-005", """
                {"instances":[{"content":"hello world!","task_type":"RETRIEVAL_DOCUMENT","title":"T"},{"content":"b"}],
                "parameters":{"outputDimensionality":64}}""", t);
        assertEquals(200, r.statusCode(), r.body());
        JsonNode p = FakeHttp.json(r).get("predictions");
        assertEquals(2, p.size());
        assertArrayEquals(FakeVertex.expectedVector("text-embedding-005", "RETRIEVAL_DOCUMENT", "T", "hello world!", 64),
                FakeHttp.floats(p.get(0).get("embeddings").get("values")));
        assertEquals(3, p.get(0).get("embeddings").get("statistics").get("token_count").asInt());
        assertEquals(13, FakeHttp.json(r).get("metadata").get("billableCharacterCount").asInt());
        assertEquals(200, predict("gemini-embedding-001", "{\"instances\":[{\"content\":\"x\"}]}", FakeVertex.STATIC_TOKEN).statusCode());
    }

    @Test
    void limitsAndRules() throws Exception {
        String t = issue();
        HttpResponse<String> two = predict("gemini-embedding-001", "{\"instances\":[{\"content\":\"a\"},{\"content\":\"b\"}]}", t);
        assertEquals(400, two.statusCode());
        assertTrue(two.body().contains("batchSize must be 1"), two.body());
        StringBuilder many = new StringBuilder("{\"instances\":[");
        for (int i = 0; i < 251; i++) {
            many.append(i == 0 ? "" : ",").append("{\"content\":\"x").append(i).append("\"}");
        }
        assertEquals(400, predict("text-embedding-005", many.append("]}").toString(), t).statusCode());
        HttpResponse<String> title = predict("text-embedding-005",
                "{\"instances\":[{\"content\":\"a\",\"task_type\":\"RETRIEVAL_QUERY\",\"title\":\"T\"}]}", t);
        assertEquals(400, title.statusCode());
        assertEquals(FakeVertex.TITLE_REFUSED, FakeHttp.json(title).get("error").get("message").asText());
        HttpResponse<String> unknown = predict("text-embedding-004x", "{\"instances\":[{\"content\":\"a\"}]}", t);
        assertEquals(404, unknown.statusCode());
        assertEquals("NOT_FOUND", FakeHttp.json(unknown).get("error").get("status").asText());
        assertEquals(400,
                predict("gemini-embedding-001", "{\"instances\":[{\"content\":\"a\"}],\"parameters\":{\"outputDimensionality\":64}}",
                        t).statusCode());
    }

    @Test
    void unknownRevokedAndExpiredTokensAre401() throws Exception {
        assertEquals(401, predict("text-embedding-005", "{\"instances\":[{\"content\":\"a\"}]}", "ya29.unknown").statusCode());
        HttpResponse<String> none = predict("text-embedding-005", "{\"instances\":[{\"content\":\"a\"}]}", null);
        assertEquals("UNAUTHENTICATED", FakeHttp.json(none).get("error").get("status").asText());
        String t = issue();
        tokens.revokeAll();
        assertEquals(401, predict("text-embedding-005", "{\"instances\":[{\"content\":\"a\"}]}", t).statusCode());
        tokens.expiresIn(1);
        String shortLived = issue();
        assertEquals(200, predict("text-embedding-005", "{\"instances\":[{\"content\":\"a\"}]}", shortLived).statusCode());
        Thread.sleep(1100);
        assertEquals(401, predict("text-embedding-005", "{\"instances\":[{\"content\":\"a\"}]}", shortLived).statusCode());
    }

    @Test
    void scriptedFaults() throws Exception {
        vertex.enqueue(FakeVertex.rateLimited("20s"), FakeVertex.unavailable());
        HttpResponse<String> r = predict("text-embedding-005", "{\"instances\":[{\"content\":\"a\"}]}", FakeVertex.STATIC_TOKEN);
        assertEquals(429, r.statusCode());
        assertTrue(r.body().contains("\"retryDelay\":\"20s\""));
        assertEquals(503, predict("text-embedding-005", "{\"instances\":[{\"content\":\"a\"}]}", FakeVertex.STATIC_TOKEN).statusCode());
    }
}
