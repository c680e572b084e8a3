package io.embedgate.provider.azure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.embedgate.spi.InstanceSettings;
import io.embedgate.spi.UpstreamException;

/** Which credentials an Azure instance uses, what validate() says of partial Entra ID settings, and the token request. */
class EntraCredentialsTest {

    static final String TENANT = "0b6f4a3e-7c1d-4e2f-9a8b-5c6d7e8f9a0b";
    static final String CLIENT = "3f2e1d0c-b9a8-4766-8554-433221100fed";
    static final String SECRET = "Xk38Q~fakeEntraClientSecret.0123456789ab";
    static final String PREFIX = "gateway.providers.az.settings.";

    static InstanceSettings instance(String key, Map<String, String> settings) {
        return new InstanceSettings("az", AzureAdapter.TYPE, Optional.of(URI.create("https://res.openai.azure.com")),
                Optional.ofNullable(key), Map.of(), Duration.ofSeconds(1), 1, Optional.empty(), settings);
    }

    static Map<String, String> entra() {
        Map<String, String> s = new HashMap<>();
        s.put("tenant-id", TENANT);
        s.put("client-id", CLIENT);
        s.put("client-secret", SECRET);
        return s;
    }

    static List<String> problems(String key, Map<String, String> settings) {
        List<String> p = new AzureAdapter().validate(instance(key, settings));
        for (String line : p) {
            assertFalse(line.contains(SECRET), line);
        }
        return p;
    }

    @Test
    void completeCredentialsOrAKeyAreValidAndNeitherIsNot() {
        assertEquals(List.of(), problems(null, entra()));
        assertEquals(List.of(), problems("k".repeat(32), Map.of()));
        // A key wins: Entra variables set for something else (a partial set) do not disable the instance.
        assertEquals(List.of(), problems("k".repeat(32), Map.of("client-id", CLIENT)));
        assertEquals(List.of("no api-key or Entra ID client credentials configured"), problems(null, Map.of()));
        // The module's defaults give every instance an authority host and a scope: they alone are not Entra ID.
        assertEquals(List.of("no api-key or Entra ID client credentials configured"),
                problems(null, Map.of("authority-host", EntraCredentials.DEFAULT_AUTHORITY, "scope", EntraCredentials.DEFAULT_SCOPE,
                        "client-secret", " ")));
    }

    @Test
    void partialCredentialsNameWhatIsMissingNeverTheSecret() {
        Map<String, String> s = entra();
        s.remove("client-secret");
        assertEquals(List.of("Entra ID client credentials are incomplete: " + PREFIX + "client-secret not set"), problems(null, s));
        assertEquals(List.of("Entra ID client credentials are incomplete: " + PREFIX + "tenant-id, " + PREFIX + "client-id not set"),
                problems(null, Map.of("client-secret", SECRET)));
    }

    @Test
    void tenantClientAuthorityAndScopeAreChecked() {
        for (String tenant : List.of("contoso.onmicrosoft.com", "contoso.com", TENANT.toUpperCase())) {
            Map<String, String> s = entra();
            s.put("tenant-id", tenant);
            assertEquals(List.of(), problems(null, s), tenant);
        }
        for (String tenant : List.of("../evil", "a/b", "common?x=1", "nodots", "%2e%2e", "x y.com")) {
            Map<String, String> s = entra();
            s.put("tenant-id", tenant);
            List<String> p = problems(null, s);
            assertEquals(1, p.size(), tenant);
            assertTrue(p.get(0).startsWith(PREFIX + "tenant-id must be a tenant id (a GUID) or a domain name"), p.get(0));
            assertFalse(p.get(0).contains(tenant), "no value is printed");
        }
        Map<String, String> swapped = entra();
        swapped.put("client-id", SECRET); // a secret in the wrong setting is refused without being printed
        assertEquals(List.of(PREFIX + "client-id must be an application (client) id, a GUID"), problems(null, swapped));
        for (String ok : List.of("https://login.microsoftonline.us", "https://login.chinacloudapi.cn/", "http://127.0.0.1:8123",
                "http://localhost:1")) {
            Map<String, String> s = entra();
            s.put("authority-host", ok);
            assertEquals(List.of(), problems(null, s), ok);
        }
        for (String bad : List.of("http://login.example.com", "ftp://x", "login.microsoftonline.com", "https://h/?q=1", "https://u:p@h")) {
            Map<String, String> s = entra();
            s.put("authority-host", bad);
            List<String> p = problems(null, s);
            assertEquals(1, p.size(), bad);
            assertTrue(p.get(0).startsWith(PREFIX + "authority-host "), p.get(0));
        }
        Map<String, String> s = entra();
        s.put("scope", "https://cognitiveservices.azure.com");
        assertEquals(List.of(PREFIX + "scope must be a resource's /.default scope, e.g. https://cognitiveservices.azure.com/.default"),
                problems(null, s));
    }

    @Test
    void entraSettingsAreKnownSettings() {
        Map<String, String> s = entra();
        s.put("authority-host", "https://login.microsoftonline.com");
        s.put("scope", "https://cognitiveservices.azure.com/.default");
        s.put("client-secrte", "typo");
        List<String> p = problems(null, s);
        assertEquals(1, p.size());
        assertTrue(p.get(0).startsWith(PREFIX + "client-secrte is not a setting of type azure-openai; known: api, api-version, "
                + "model.<deployment>, tenant-id, client-id, client-secret, authority-host, scope"), p.get(0));
    }

    @Test
    void tokenRequestAndToString() {
        Map<String, String> s = entra();
        s.put("authority-host", "https://login.microsoftonline.us/");
        EntraCredentials c = EntraCredentials.of(instance(null, s));
        assertEquals(URI.create("https://login.microsoftonline.us/" + TENANT + "/oauth2/v2.0/token"), c.tokenUrl());
        assertEquals("grant_type=client_credentials&client_id=" + CLIENT + "&client_secret=Xk38Q%7EfakeEntraClientSecret.0123456789ab"
                + "&scope=https%3A%2F%2Fcognitiveservices.azure.com%2F.default", new String(c.form(), StandardCharsets.UTF_8));
        assertFalse(c.toString().contains(SECRET));
        assertTrue(c.toString().contains(CLIENT));
    }

    @Test
    void entrasTraceIdsAreDroppedAndItsAadstsCodeKept() {
        UpstreamException e = new UpstreamException("az", UpstreamException.Kind.AUTHENTICATION, 401, "authentication_error",
                "invalid_client", "could not obtain an access token (token endpoint answered 401: invalid_client: AADSTS7000215: Invalid "
                        + "client secret provided. Trace ID: 0b6f4a3e-7c1d Correlation ID: 1234 Timestamp: 2026-01-01 10:00:00Z)",
                false, null, null);
        assertEquals("could not obtain an access token (token endpoint answered 401: invalid_client: AADSTS7000215: Invalid client secret "
                + "provided.)", EntraToken.withoutTraceIds(e).getMessage());
        assertEquals(UpstreamException.Kind.AUTHENTICATION, EntraToken.withoutTraceIds(e).kind());
    }
}
