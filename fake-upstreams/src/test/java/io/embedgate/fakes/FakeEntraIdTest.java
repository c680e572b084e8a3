package io.embedgate.fakes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

class FakeEntraIdTest {

    static final String SCOPE = "https://cognitiveservices.azure.com/.default";
    static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static FakeEntraId entra;
    static FakeAzureOpenAi azure;

    @BeforeAll
    static void start() {
        entra = FakeEntraId.start();
        azure = FakeAzureOpenAi.start();
        azure.acceptTokens(entra.verifier(FakeEntraId.COGNITIVE_SERVICES));
    }

    @AfterAll
    static void stop() {
        entra.close();
        azure.close();
    }

    static Map<String, String> good() {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("grant_type", "client_credentials");
        f.put("client_id", FakeEntraId.CLIENT_ID);
        f.put("client_secret", FakeEntraId.CLIENT_SECRET);
        f.put("scope", SCOPE);
        return f;
    }

    static HttpResponse<String> token(String tenant, Map<String, String> form) throws Exception {
        StringJoiner body = new StringJoiner("&");
        form.forEach((k, v) -> body.add(k + "=" + URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return http.send(HttpRequest.newBuilder(URI.create(entra.authorityHost() + "/" + tenant + "/oauth2/v2.0/token"))
                .header("content-type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> embed(String bearer) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(azure.baseUrl() + "/openai/deployments/text-embedding-3-small/embeddings"
                + "?api-version=2024-06-01")).header("content-type", "application/json").header("authorization", "Bearer " + bearer)
                .POST(HttpRequest.BodyPublishers.ofString("{\"input\":\"x\"}")).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void issuesJwtShapedTokensForTheCognitiveServicesAudienceThatAzureAccepts() throws Exception {
        int before = entra.tokensIssued();
        HttpResponse<String> r = token(FakeEntraId.TENANT, good());
        assertEquals(200, r.statusCode(), r.body());
        JsonNode body = FakeHttp.json(r);
        assertEquals("Bearer", body.get("token_type").asText());
        assertEquals(3599, body.get("expires_in").asInt());
        String token = body.get("access_token").asText();
        String[] parts = token.split("\\.");
        assertEquals(3, parts.length);
        assertTrue(token.startsWith("eyJ"));
        JsonNode claims = FakeHttp.JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
        assertEquals("https://cognitiveservices.azure.com", claims.get("aud").asText());
        assertEquals(FakeEntraId.TENANT, claims.get("tid").asText());
        assertTrue(claims.get("exp").asLong() > System.currentTimeMillis() / 1000);
        assertEquals(before + 1, entra.tokensIssued());
        assertEquals(token, entra.issuedTokens().get(entra.issuedTokens().size() - 1));

        assertEquals(200, embed(token).statusCode());
        assertEquals("Bearer " + token, azure.requests().get(azure.requests().size() - 1).header("authorization"));
        entra.revoke(token);
        HttpResponse<String> refused = embed(token);
        assertEquals(401, refused.statusCode());
        assertEquals(FakeAzureOpenAi.ENTRA_UNAUTHORIZED, refused.body());
        assertEquals(401, embed("eyJnot.a-token.at-all").statusCode());
    }

    @Test
    void expiresInIsConfigurableAndAnExpiredTokenIsRefused() throws Exception {
        entra.expiresIn(1);
        try {
            JsonNode body = FakeHttp.json(token(FakeEntraId.TENANT, good()));
            assertEquals(1, body.get("expires_in").asInt());
            String token = body.get("access_token").asText();
            assertTrue(entra.accepts(token, FakeEntraId.COGNITIVE_SERVICES));
            Thread.sleep(1100);
            assertFalse(entra.accepts(token, FakeEntraId.COGNITIVE_SERVICES));
            assertEquals(401, embed(token).statusCode());
        } finally {
            entra.expiresIn(3599);
        }
    }

    @Test
    void wrongSecretIsEntrasInvalidClient() throws Exception {
        Map<String, String> f = good();
        f.put("client_secret", "not-the-secret");
        HttpResponse<String> r = token(FakeEntraId.TENANT, f);
        assertEquals(401, r.statusCode());
        JsonNode body = FakeHttp.json(r);
        assertEquals("invalid_client", body.get("error").asText());
        String d = body.get("error_description").asText();
        assertTrue(d.startsWith("AADSTS7000215: Invalid client secret provided."), d);
        assertTrue(d.contains("for a secret added to app '" + FakeEntraId.CLIENT_ID + "'"), d);
        assertTrue(d.contains("Trace ID: ") && d.contains("Correlation ID: ") && d.contains("Timestamp: "), d);
        assertEquals(7000215, body.get("error_codes").get(0).asInt());
        assertFalse(r.body().contains("not-the-secret"));
    }

    @Test
    void everyOtherRefusalHasItsAadstsCode() throws Exception {
        assertRefused(token("11111111-2222-3333-4444-555555555555", good()), 400, "invalid_request", 90002);
        Map<String, String> f = good();
        f.put("grant_type", "password");
        assertRefused(token(FakeEntraId.TENANT, f), 400, "unsupported_grant_type", 70003);
        f = good();
        f.put("client_id", "99999999-0000-0000-0000-000000000000");
        assertRefused(token(FakeEntraId.TENANT, f), 400, "unauthorized_client", 700016);
        f = good();
        f.remove("client_secret");
        assertRefused(token(FakeEntraId.TENANT, f), 401, "invalid_client", 7000216);
        f = good();
        f.put("scope", "https://cognitiveservices.azure.com");
        assertRefused(token(FakeEntraId.TENANT, f), 400, "invalid_scope", 1002012);
        f = good();
        f.put("scope", "https://unknown.example.com/.default");
        assertRefused(token(FakeEntraId.TENANT, f), 400, "invalid_resource", 500011);
        f = good();
        f.remove("scope");
        assertRefused(token(FakeEntraId.TENANT, f), 400, "invalid_request", 90014);
    }

    @Test
    void aTokenForAnotherAudienceIsRefusedByAzure() throws Exception {
        FakeEntraId other = FakeEntraId.start();
        try {
            String token = FakeHttp.json(token(FakeEntraId.TENANT, good())).get("access_token").asText();
            assertTrue(entra.accepts(token, FakeEntraId.COGNITIVE_SERVICES));
            assertFalse(entra.accepts(token, "https://management.azure.com"));
            assertFalse(other.accepts(token, FakeEntraId.COGNITIVE_SERVICES), "another tenant's fake never issued it");
            assertNotEquals(token, FakeHttp.json(token(FakeEntraId.TENANT, good())).get("access_token").asText());
        } finally {
            other.close();
        }
    }

    static void assertRefused(HttpResponse<String> r, int status, String error, int code) throws Exception {
        assertEquals(status, r.statusCode(), r.body());
        JsonNode body = FakeHttp.json(r);
        assertEquals(error, body.get("error").asText());
        assertTrue(body.get("error_description").asText().startsWith("AADSTS" + code + ": "), body.toString());
        assertEquals(code, body.get("error_codes").get(0).asInt());
    }
}
