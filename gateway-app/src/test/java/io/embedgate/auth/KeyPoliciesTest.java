package io.embedgate.auth;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.embedgate.api.EmbeddingsResource;
import io.embedgate.fakes.FakeMistral;
import io.embedgate.fakes.FakeOpenAi;
import io.embedgate.testing.FakeUpstreamsResource;
import io.embedgate.testing.InjectFake;
import io.embedgate.testing.TestKeys;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.response.Response;

/** Per-key policies over real HTTP: which models, which provider instances, how many inputs. */
@QuarkusTest
@TestProfile(KeyPoliciesTest.Policies.class)
@WithTestResource(FakeUpstreamsResource.class)
class KeyPoliciesTest {

    static final String SEARCH_KEY = "eg-test-search-team-5a4b3c2d1e0f";
    static final String MISTRAL_KEY = "eg-test-mistral-only-0a1b2c3d4e5f";
    static final String B_ONLY_KEY = "eg-test-b-only-9f8e7d6c5b4a";

    public static class Policies implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "gateway.auth.keys.search-team.sha256", TestKeys.sha256(SEARCH_KEY),
                    "gateway.auth.keys.search-team.allowed-models", "text-embedding-3-*,routed-small",
                    "gateway.auth.keys.search-team.max-inputs-per-request", "4",
                    "gateway.auth.keys.mistral-only.sha256", TestKeys.sha256(MISTRAL_KEY),
                    "gateway.auth.keys.mistral-only.allowed-providers", "mistral",
                    "gateway.auth.keys.b-only.sha256", TestKeys.sha256(B_ONLY_KEY),
                    "gateway.auth.keys.b-only.allowed-providers", "openai-b");
        }
    }

    @InjectFake
    FakeOpenAi openai;
    @InjectFake
    FakeMistral mistral;

    @BeforeEach
    void reset() {
        openai.reset();
        mistral.reset();
    }

    static Response embed(String key, String body) {
        return RestAssured.given().header("Authorization", "Bearer " + key).contentType("application/json").body(body)
                .post("/v1/embeddings");
    }

    @Test
    void aKeyUsesTheModelsItsGlobsAllowAndGetsA403NamingItsIdForOthers() {
        embed(SEARCH_KEY, "{\"model\":\"text-embedding-3-small\",\"input\":\"a\"}").then().statusCode(200);
        Response refused = embed(SEARCH_KEY, "{\"model\":\"mistral-embed\",\"input\":\"a\"}");
        refused.then().statusCode(403).body("error.code", equalTo("model_not_allowed")).body("error.type", equalTo("permission_error"))
                .body("error.param", equalTo("model")).body("error.message", containsString("'search-team'"))
                .body("error.message", not(containsString(SEARCH_KEY)));
        assertEquals(0, mistral.callCount(), "refused before any call");
        // The same model for a key without a policy.
        RestAssured.given().header("Authorization", TestKeys.BEARER).contentType("application/json")
                .body("{\"model\":\"mistral-embed\",\"input\":\"a\"}").post("/v1/embeddings").then().statusCode(200);
    }

    @Test
    void fallbacksAndLoadBalancerEntriesAreHeldToThePolicyToo() {
        embed(SEARCH_KEY, "{\"model\":\"text-embedding-3-small\",\"input\":\"a\",\"orq\":{\"fallbacks\":[{\"model\":\"mistral-embed\"}]}}")
                .then().statusCode(403).body("error.code", equalTo("model_not_allowed")).body("error.param", containsString("fallbacks"));
        assertEquals(0, openai.callCount());
    }

    @Test
    void aKeyIsRoutedOnlyToTheInstancesItMayUse() {
        // routed-small is served by openai, openai-b and openai-alpha; this key may use openai-b only.
        for (int i = 0; i < 4; i++) {
            embed(B_ONLY_KEY, "{\"model\":\"routed-small\",\"input\":\"r" + i + "\",\"provider\":{\"include_alpha\":true}}").then()
                    .statusCode(200).header(EmbeddingsResource.PROVIDER_HEADER, equalTo("openai-b"));
        }
        // Pinned to an instance the key may not use: refused, whatever the request prefers.
        embed(B_ONLY_KEY, "{\"model\":\"openai-alpha/routed-small\",\"input\":\"a\"}").then().statusCode(403)
                .body("error.code", equalTo("model_not_allowed")).body("error.message", containsString("openai-alpha"));
        // A key limited to one provider type: models served elsewhere only are refused.
        embed(MISTRAL_KEY, "{\"model\":\"codestral-embed\",\"input\":\"a\"}").then().statusCode(200)
                .header(EmbeddingsResource.PROVIDER_HEADER, equalTo("mistral"));
        embed(MISTRAL_KEY, "{\"model\":\"text-embedding-3-small\",\"input\":\"a\"}").then().statusCode(403)
                .body("error.message", containsString("may not use any provider serving model 'text-embedding-3-small'"));
    }

    @Test
    void aKeysInputCapIsA400NamingTheKeyAndTheCap() {
        embed(SEARCH_KEY, "{\"model\":\"text-embedding-3-small\",\"input\":[\"a\",\"b\",\"c\",\"d\"]}").then().statusCode(200);
        embed(SEARCH_KEY, "{\"model\":\"text-embedding-3-small\",\"input\":[\"a\",\"b\",\"c\",\"d\",\"e\"]}").then().statusCode(400)
                .body("error.param", equalTo("input")).body("error.message", containsString("'search-team' may send at most 4"));
        assertEquals(1, openai.callCount());
    }

    @Test
    void theModelListShowsWhatTheKeyMayUse() {
        List<String> ids = RestAssured.given().header("Authorization", "Bearer " + SEARCH_KEY).get("/v1/models").then().statusCode(200)
                .extract().jsonPath().getList("data.id");
        assertTrue(ids.contains("text-embedding-3-small") && ids.contains("routed-small"), ids.toString());
        assertTrue(ids.stream().allMatch(id -> id.startsWith("text-embedding-3-") || id.equals("routed-small")), ids.toString());
        List<String> routedVia = RestAssured.given().header("Authorization", "Bearer " + B_ONLY_KEY).get("/v1/models/routed-small").then()
                .statusCode(200).extract().jsonPath().getList("providers.id");
        assertEquals(List.of("openai-b"), routedVia);
        RestAssured.given().header("Authorization", "Bearer " + SEARCH_KEY).get("/v1/models/mistral-embed").then().statusCode(403);
    }

    @Test
    void withoutAnAdminCredentialTheAdminApiIsOff() {
        RestAssured.given().header("Authorization", TestKeys.BEARER).get("/admin/keys").then().statusCode(403)
                .body("error.code", equalTo("admin_disabled"));
    }
}
