package io.embedgate.providers;

import static io.embedgate.testing.Api.embed;
import static io.embedgate.testing.Api.json;
import static io.embedgate.testing.Api.vector;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;

import io.embedgate.fakes.FakeAzureOpenAi;
import io.embedgate.fakes.FakeEntraId;
import io.embedgate.fakes.FakeOpenAi;
import io.embedgate.fakes.RecordedRequest;
import io.embedgate.testing.AzureEntraResource;
import io.embedgate.testing.EntraFakes;
import io.embedgate.testing.InjectFake;
import io.embedgate.testing.TestKeys;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/** The azure-openai type authenticated by Entra ID client credentials, against a fake Entra ID and a fake Azure OpenAI resource. */
@QuarkusTest
@WithTestResource(AzureEntraResource.class)
class AzureEntraProviderTest {

    static final String SMALL = "text-embedding-3-small";

    @InjectFake
    EntraFakes fakes;

    @TestHTTPResource("/v1")
    URL base;

    @BeforeEach
    void reset() {
        fakes.reset();
    }

    static String bearer(RecordedRequest r) {
        String auth = r.header("authorization");
        assertTrue(auth != null && auth.startsWith("Bearer eyJ"), String.valueOf(auth));
        return auth.substring("Bearer ".length());
    }

    /** Token requests the fake Entra ID received from one app registration. */
    static long tokenRequests(FakeEntraId entra, String clientId) {
        return entra.requests().stream().filter(r -> r.body().contains("client_id=" + clientId)).count();
    }

    @Test
    void embeddingsThroughAnEntraTokenWithoutTheKeyHeader() {
        JsonNode body = json(embed("{\"model\":\"entra-small\",\"input\":[\"alpha\",\"beta\"],\"dimensions\":256}").then()
                .statusCode(200).header("x-embedgate-provider", "azure-entra").extract().response());
        assertArrayEquals(FakeOpenAi.expectedVector(SMALL, "alpha", 256), vector(body, 0));
        assertArrayEquals(FakeOpenAi.expectedVector(SMALL, "beta", 256), vector(body, 1));
        RecordedRequest sent = fakes.azure().requests().get(0);
        assertEquals("/openai/deployments/text-embedding-3-small/embeddings?api-version=2024-06-01", sent.uri());
        assertNull(sent.header("api-key"), "one or the other, as Azure's SDKs send them");
        assertTrue(fakes.entra().accepts(bearer(sent), FakeEntraId.COGNITIVE_SERVICES), "a token the fake Entra ID issued");
    }

    @Test
    void theTokenIsFetchedOnceForManyRequests() {
        embed("{\"model\":\"entra-small\",\"input\":\"warm\"}").then().statusCode(200);
        long before = tokenRequests(fakes.entra(), FakeEntraId.CLIENT_ID);
        for (int i = 0; i < 12; i++) {
            embed("{\"model\":\"entra-small\",\"input\":\"text " + i + "\"}").then().statusCode(200);
        }
        assertEquals(before, tokenRequests(fakes.entra(), FakeEntraId.CLIENT_ID), "no fetch while the token is good");
        Set<String> tokens = fakes.azure().requests().stream().map(AzureEntraProviderTest::bearer).collect(Collectors.toSet());
        assertEquals(1, tokens.size(), "every call carried the same token");
    }

    /** Tokens of 38 s are used for 8 s (the cache's 30 s safety margin), then a new one is fetched. */
    @Test
    void aTokenIsReplacedNearItsExpiry() throws Exception {
        FakeEntraId entra = fakes.shortLived();
        embed("{\"model\":\"entra-short\",\"input\":\"a\"}").then().statusCode(200);
        String first = bearer(fakes.azure().requests().get(0));
        embed("{\"model\":\"entra-short\",\"input\":\"b\"}").then().statusCode(200);
        assertEquals(first, bearer(fakes.azure().requests().get(1)));
        Thread.sleep((AzureEntraResource.SHORT_LIFETIME - 30) * 1000L + 500);
        int issued = entra.tokensIssued();
        embed("{\"model\":\"entra-short\",\"input\":\"c\"}").then().statusCode(200);
        String second = bearer(fakes.azure().requests().get(2));
        assertNotEquals(first, second);
        assertEquals(issued + 1, entra.tokensIssued());
        assertTrue(entra.accepts(first, FakeEntraId.COGNITIVE_SERVICES), "replaced before Azure would have refused it");
    }

    @Test
    void aRevokedTokenIsReplacedAndTheCallSentOnceMore() {
        embed("{\"model\":\"entra-revoke\",\"input\":\"a\"}").then().statusCode(200);
        String revoked = bearer(fakes.azure().requests().get(0));
        fakes.entra().revoke(revoked);
        long fetches = tokenRequests(fakes.entra(), AzureEntraResource.REVOKE_CLIENT);

        // Azure refuses the revoked token; the gateway drops it, fetches a new one and sends the call
        // again: the client never sees the rotation.
        embed("{\"model\":\"entra-revoke\",\"input\":\"b\"}").then().statusCode(200);
        assertEquals(revoked, bearer(fakes.azure().requests().get(1)), "Azure really refused the revoked token");
        String fresh = bearer(fakes.azure().requests().get(2));
        assertNotEquals(revoked, fresh);
        assertEquals(fetches + 1, tokenRequests(fakes.entra(), AzureEntraResource.REVOKE_CLIENT));
        RecordedRequest fetch = fakes.entra().requests().get(fakes.entra().requests().size() - 1);
        assertEquals("/" + FakeEntraId.TENANT + "/oauth2/v2.0/token", fetch.uri());
        assertEquals("application/x-www-form-urlencoded", fetch.header("content-type"));
        assertEquals("grant_type=client_credentials&client_id=" + AzureEntraResource.REVOKE_CLIENT + "&client_secret="
                + AzureEntraResource.REVOKE_SECRET.replace("~", "%7E") + "&scope=https%3A%2F%2Fcognitiveservices.azure.com%2F.default",
                fetch.body());

        // Requests arriving together afterwards share the new token: no further fetch.
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<CompletableFuture<Integer>> together = IntStream.range(0, 6).mapToObj(i -> CompletableFuture
                    .supplyAsync(() -> embed("{\"model\":\"entra-revoke\",\"input\":\"c" + i + "\"}").statusCode(), pool)).toList();
            assertEquals(List.of(200, 200, 200, 200, 200, 200), together.stream().map(CompletableFuture::join).toList());
        } finally {
            pool.shutdown();
        }
        assertEquals(Set.of(fresh),
                fakes.azure().requests().stream().skip(2).map(AzureEntraProviderTest::bearer).collect(Collectors.toSet()));
        assertEquals(fetches + 1, tokenRequests(fakes.entra(), AzureEntraResource.REVOKE_CLIENT));

        // Refused again with the fresh token: that second 401 is the answer, not a loop of fetches.
        fakes.azure().enqueue(FakeAzureOpenAi.entraUnauthorized(), FakeAzureOpenAi.entraUnauthorized());
        Response refused = embed("{\"model\":\"entra-revoke\",\"input\":\"d\"}");
        refused.then().statusCode(502).body("error.code", equalTo("provider_auth_failed"))
                .body("error.message", containsString("azure-entra-revoke"));
        assertEquals(11, fakes.azure().requests().size(), "the refused call and one more try");
        assertEquals(fetches + 2, tokenRequests(fakes.entra(), AzureEntraResource.REVOKE_CLIENT));
        assertFalse((refused.asString() + refused.headers()).contains(fresh));
    }

    /** A principal without the data-plane role: Azure's 403 names it; the token itself is good and stays in use. */
    @Test
    void aPermissionDeniedKeepsTheToken() {
        embed("{\"model\":\"entra-small\",\"input\":\"a\"}").then().statusCode(200);
        String token = bearer(fakes.azure().requests().get(0));
        long fetches = tokenRequests(fakes.entra(), FakeEntraId.CLIENT_ID);
        fakes.azure().enqueue(FakeAzureOpenAi.permissionDenied("7d3c2b1a-0000-4000-8000-123456789abc"));
        embed("{\"model\":\"entra-small\",\"input\":\"b\"}").then().statusCode(502)
                .body("error.code", equalTo("provider_permission_denied"))
                .body("error.message", containsString("lacks the required data action"));
        embed("{\"model\":\"entra-small\",\"input\":\"c\"}").then().statusCode(200);
        assertEquals(token, bearer(fakes.azure().requests().get(2)));
        assertEquals(fetches, tokenRequests(fakes.entra(), FakeEntraId.CLIENT_ID));
    }

    static final String DEBUG = ",\"debug\":{\"enabled\":true}}";

    /**
     * The client sees the gateway's AUTHENTICATION envelope (the operator must act); the operator's
     * debug trace keeps Entra's AADSTS code and message, which say what to fix, without Entra's trace ids.
     */
    @Test
    void aWrongClientSecretIsAnAuthenticationErrorWithEntrasCodeButNeitherSecretNorTraceIds() {
        Response r = embed("{\"model\":\"entra-badsecret\",\"input\":\"x\"}");
        r.then().statusCode(502).body("error.type", equalTo("upstream_error")).body("error.code", equalTo("provider_auth_failed"))
                .body("error.message", containsString("'azure-entra-badsecret'"));
        assertEquals(0, fakes.azure().callCount(), "no call to Azure without a token");
        assertEquals(1, fakes.entra().callCount(), "the fake Entra ID really refused it");
        assertTrue(fakes.entra().requests().get(0).body().contains("client_secret=Wr08Q%7EnotTheSecretOfThisApp"));
        Response traced = embed("{\"model\":\"entra-badsecret\",\"input\":\"x\"" + DEBUG);
        traced.then().statusCode(502);
        String trace = traced.asString();
        assertTrue(trace.contains("AADSTS7000215: Invalid client secret provided."), trace);
        assertTrue(trace.contains("invalid_client"), trace);
        assertFalse(trace.contains("Trace ID") || trace.contains("Correlation ID"), trace);
        for (String all : List.of(r.asString() + r.headers(), trace + traced.headers())) {
            assertFalse(all.contains(AzureEntraResource.WRONG_SECRET));
            assertFalse(all.contains(FakeEntraId.CLIENT_SECRET));
        }
    }

    @Test
    void anUnknownTenantIsRefusedWithEntrasCode() {
        Response r = embed("{\"model\":\"entra-notenant\",\"input\":\"x\"" + DEBUG);
        r.then().statusCode(502).body("error.code", equalTo("provider_auth_failed"))
                .body("error.message", containsString("azure-entra-notenant"));
        assertTrue(r.asString().contains("AADSTS90002: Tenant 'fabrikam.onmicrosoft.com' not found."), r.asString());
        assertEquals("/fabrikam.onmicrosoft.com/oauth2/v2.0/token", fakes.entra().requests().get(0).uri());
        assertEquals(0, fakes.azure().callCount());
    }

    @Test
    void aTokenEndpointThatIsDownIs502NamingTheProvider() {
        Response r = embed("{\"model\":\"entra-down\",\"input\":\"x\"}");
        r.then().statusCode(502).body("error.type", equalTo("upstream_error")).body("error.message", containsString("azure-entra-down"));
        assertFalse((r.asString() + r.headers()).contains(FakeEntraId.CLIENT_SECRET));
        assertEquals(0, fakes.azure().callCount());
    }

    /** Its start-up warning: {@code io.embedgate.catalog.EntraPartialConfigLogTest}. */
    @Test
    void aPartialConfigurationDisablesTheInstanceNamingTheMissingSetting() {
        String why = "Entra ID client credentials are incomplete: gateway.providers.azure-entra-partial.settings.client-secret not set";
        embed("{\"model\":\"entra-partial\",\"input\":\"x\"}").then().statusCode(404).body("error.code", equalTo("model_not_found"))
                .body("error.message", containsString(why));
        assertEquals(0, fakes.azure().callCount());
        assertEquals(0, fakes.entra().callCount());
    }

    @Test
    void officialOpenAiSdkThroughEntra() {
        OpenAIClient client = OpenAIOkHttpClient.builder().apiKey(TestKeys.GATEWAY_KEY).baseUrl(base.toString()).maxRetries(0).build();
        try {
            CreateEmbeddingResponse r = client.embeddings().create(EmbeddingCreateParams.builder().model("entra-small")
                    .inputOfArrayOfStrings(List.of("one", "two")).dimensions(128).build());
            assertEquals(2, r.data().size());
            List<Float> got = r.data().get(1).embedding();
            float[] expected = FakeOpenAi.expectedVector(SMALL, "two", 128);
            assertEquals(expected.length, got.size());
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], got.get(i), "value " + i);
            }
            assertTrue(r.usage().promptTokens() > 0);
        } finally {
            client.close();
        }
        assertTrue(fakes.entra().accepts(bearer(fakes.azure().requests().get(0)), FakeEntraId.COGNITIVE_SERVICES));
    }
}
