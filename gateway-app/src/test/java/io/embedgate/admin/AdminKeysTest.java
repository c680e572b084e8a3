package io.embedgate.admin;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.embedgate.fakes.FakeOpenAi;
import io.embedgate.redis.HashSlot;
import io.embedgate.redis.SharedRedis;
import io.embedgate.testing.FakeUpstreamsResource;
import io.embedgate.testing.InjectFake;
import io.embedgate.testing.RedisServerResource;
import io.embedgate.testing.TestKeys;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Request;

/**
 * The admin API over real HTTP with a real redis-server: its own credential, creating a key that is
 * shown once and works at once with its policy, rotation (with and without a grace), revocation,
 * policy changes, configuration keys read-only, strict bodies, and a key written by another replica
 * reaching this one through the store.
 */
@QuarkusTest
@TestProfile(AdminKeysTest.Admin.class)
@WithTestResource(FakeUpstreamsResource.class)
@WithTestResource(RedisServerResource.class)
class AdminKeysTest {

    static final String ADMIN = "eg-test-admin-credential-7c6b5a4938271605";

    public static class Admin implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gateway.admin.key-sha256", TestKeys.sha256(ADMIN),
                    "gateway.auth.keys.other.sha256", TestKeys.sha256(TestKeys.OTHER_KEY));
        }
    }

    @InjectFake
    FakeOpenAi openai;
    @Inject
    SharedRedis redis;

    @BeforeEach
    void reset() {
        openai.reset();
    }

    static RequestSpecification admin() {
        return RestAssured.given().header("Authorization", "Bearer " + ADMIN).contentType("application/json");
    }

    static Response embed(String key, String model) {
        return RestAssured.given().header("Authorization", "Bearer " + key).contentType("application/json")
                .body("{\"model\":\"" + model + "\",\"input\":\"hello\"}").post("/v1/embeddings");
    }

    static String create(String body) {
        return admin().body(body).post("/admin/keys").then().statusCode(201).extract().path("key");
    }

    @Test
    void onlyTheAdminCredentialOpensTheAdminApiAndItIsNoGatewayKey() {
        RestAssured.given().get("/admin/keys").then().statusCode(401).body("error.code", equalTo("invalid_admin_key"));
        // A gateway key, even one that may do everything, is refused.
        RestAssured.given().header("Authorization", TestKeys.BEARER).get("/admin/keys").then().statusCode(401)
                .body("error.code", equalTo("invalid_admin_key")).body("error.message", containsString("gateway keys do not open"));
        RestAssured.given().header("Authorization", "Bearer not-the-admin").get("/admin/keys/anything").then().statusCode(401);
        // The admin credential is not a gateway key.
        embed(ADMIN, "text-embedding-3-small").then().statusCode(401).body("error.code", equalTo("invalid_api_key"));
        admin().get("/admin/keys").then().statusCode(200).body("object", equalTo("list"));
    }

    @Test
    void aCreatedKeyIsShownOnceWorksAtOnceWithItsPolicyAndOnlyItsHashIsStored() {
        Response created = admin().body("{\"id\":\"search-team\",\"description\":\"Search ingestion\",\"policy\":{"
                + "\"allowed_models\":[\"text-embedding-3-*\"],\"max_inputs_per_request\":2}}").post("/admin/keys");
        created.then().statusCode(201).body("id", equalTo("search-team")).body("source", equalTo("runtime"))
                .body("status", equalTo("active")).body("description", equalTo("Search ingestion"))
                .body("policy.allowed_models", hasItem("text-embedding-3-*")).body("policy.max_inputs_per_request", equalTo(2));
        String key = created.path("key");
        assertTrue(key.startsWith("eg_") && key.length() > 40, key);

        embed(key, "text-embedding-3-small").then().statusCode(200);
        embed(key, "text-embedding-ada-002").then().statusCode(403).body("error.code", equalTo("model_not_allowed"))
                .body("error.message", containsString("'search-team'")).body("error.message", not(containsString(key)));
        RestAssured.given().header("Authorization", "Bearer " + key).contentType("application/json")
                .body("{\"model\":\"text-embedding-3-small\",\"input\":[\"a\",\"b\",\"c\"]}").post("/v1/embeddings").then().statusCode(400);

        // Never shown again: not in the list, not in the key's own record.
        String list = admin().get("/admin/keys").then().statusCode(200).extract().asString();
        assertFalse(list.contains(key), list);
        admin().get("/admin/keys/search-team").then().statusCode(200).body("key", nullValue()).body("sha256", nullValue());
        // Redis holds the hash, never the key.
        String stored = redis
                .send(HashSlot.of("{admin-keys}"), Request.cmd(Command.HGET).arg("embedgate:v1:keys:{admin-keys}").arg("search-team"))
                .await()
                .atMost(Duration.ofSeconds(5)).toString();
        assertTrue(stored.contains("\"sha256\":\"" + TestKeys.sha256(key) + "\""), stored);
        assertFalse(stored.contains(key), stored);

        // The id is taken for good.
        admin().body("{\"id\":\"search-team\"}").post("/admin/keys").then().statusCode(409).body("error.code", equalTo("key_exists"));
    }

    @Test
    void rotationReplacesTheKeyAtOnceOrAfterAGrace() {
        String first = create("{\"id\":\"rotating\"}");
        embed(first, "text-embedding-3-small").then().statusCode(200);

        Response rotated = admin().post("/admin/keys/rotating/rotate");
        rotated.then().statusCode(200).body("id", equalTo("rotating")).body("rotated_at", not(nullValue()))
                .body("previous_key_valid_until", nullValue());
        String second = rotated.path("key");
        embed(first, "text-embedding-3-small").then().statusCode(401);
        embed(second, "text-embedding-3-small").then().statusCode(200);

        Response graced = admin().body("{\"grace_seconds\":600}").post("/admin/keys/rotating/rotate");
        graced.then().statusCode(200);
        Instant until = Instant.parse(graced.path("previous_key_valid_until"));
        assertTrue(until.isAfter(Instant.now().plusSeconds(590)), until.toString());
        String third = graced.path("key");
        embed(second, "text-embedding-3-small").then().statusCode(200); // within its grace
        embed(third, "text-embedding-3-small").then().statusCode(200);
        embed(first, "text-embedding-3-small").then().statusCode(401); // only the latest predecessor keeps a grace

        admin().body("{\"grace_seconds\":-1}").post("/admin/keys/rotating/rotate").then().statusCode(400)
                .body("error.param", equalTo("grace_seconds"));
        admin().post("/admin/keys/no-such-key/rotate").then().statusCode(404).body("error.code", equalTo("key_not_found"));
    }

    @Test
    void aRevokedKeyStopsAtOnceWithItsPredecessorAndCannotBeRotated() {
        String old = create("{\"id\":\"leaving\"}");
        String current = admin().body("{\"grace_seconds\":600}").post("/admin/keys/leaving/rotate").then().statusCode(200).extract()
                .path("key");
        embed(old, "text-embedding-3-small").then().statusCode(200);

        admin().delete("/admin/keys/leaving").then().statusCode(200).body("status", equalTo("revoked"))
                .body("revoked_at", not(nullValue()));
        embed(current, "text-embedding-3-small").then().statusCode(401);
        embed(old, "text-embedding-3-small").then().statusCode(401);
        admin().delete("/admin/keys/leaving").then().statusCode(200).body("status", equalTo("revoked")); // idempotent
        admin().post("/admin/keys/leaving/rotate").then().statusCode(409).body("error.code", equalTo("key_revoked"));
        admin().get("/admin/keys").then().statusCode(200).body("data.find { it.id == 'leaving' }.status", equalTo("revoked"));
    }

    @Test
    void aChangedPolicyHoldsForTheNextRequest() {
        String key = create("{\"id\":\"throttled\"}");
        embed(key, "text-embedding-3-small").then().statusCode(200);
        embed(key, "text-embedding-3-small").then().statusCode(200);
        admin().body("{\"description\":\"one a minute\",\"policy\":{\"requests_per_minute\":1}}").put("/admin/keys/throttled").then()
                .statusCode(200).body("policy.requests_per_minute", equalTo(1)).body("description", equalTo("one a minute"));
        embed(key, "text-embedding-3-small").then().statusCode(200).header("x-ratelimit-limit-requests", "1");
        embed(key, "text-embedding-3-small").then().statusCode(429).body("error.code", equalTo("rate_limit_exceeded"))
                .body("error.message", containsString("'throttled'"));
    }

    @Test
    void anAnswerFromTheSharedCacheIsStillHeldToTheKeysLimit() throws Exception {
        String key = create("{\"id\":\"cached-but-limited\",\"policy\":{\"requests_per_minute\":2}}");
        String body = "{\"model\":\"text-embedding-3-small\",\"input\":\"limited and cached\","
                + "\"orq\":{\"cache\":{\"type\":\"exact_match\",\"ttl\":600}}}";
        RestAssured.given().header("Authorization", "Bearer " + key).contentType("application/json").body(body).post("/v1/embeddings")
                .then().statusCode(200).header("x-embedgate-cache", "hits=0; misses=1");
        RestAssured.given().header("Authorization", "Bearer " + key).contentType("application/json").body(body).post("/v1/embeddings")
                .then().statusCode(200).header("x-embedgate-cache", "hits=1; misses=0").header("x-ratelimit-remaining-requests", "0");
        // The limit is checked beside the cache's lookup, and the hit is not served past it.
        RestAssured.given().header("Authorization", "Bearer " + key).contentType("application/json").body(body).post("/v1/embeddings")
                .then().statusCode(429).body("error.code", equalTo("rate_limit_exceeded")).header("x-embedgate-cache", nullValue());
        assertEquals(1, openai.callCount());
    }

    @Test
    void theAdminSeesEveryKeysUsageAndEachKeyOnlyItsOwn() throws Exception {
        String key = create("{\"id\":\"metered\"}");
        for (int i = 0; i < 3; i++) {
            embed(key, "text-embedding-3-small").then().statusCode(200);
        }
        embed(TestKeys.OTHER_KEY, "text-embedding-3-small").then().statusCode(200);
        // The ledger reaches Redis once a second: poll, do not sleep a fixed time.
        Response mine = null;
        for (int i = 0; i < 100; i++) {
            mine = admin().queryParam("key_id", "metered").get("/admin/usage");
            if (mine.statusCode() == 200 && mine.path("data[0].total.requests") != null
                    && ((Integer) mine.path("data[0].total.requests")) == 3) {
                break;
            }
            Thread.sleep(50);
        }
        mine.then().statusCode(200).body("object", equalTo("list")).body("data.size()", equalTo(1))
                .body("data[0].key_id", equalTo("metered")).body("data[0].data[0].model", equalTo("text-embedding-3-small"))
                .body("data[0].total.requests", equalTo(3)).body("data[0].total.inputs", equalTo(3));
        for (int i = 0; i < 100; i++) {
            if (admin().get("/admin/usage").path("data.key_id").toString().contains("other")) {
                break;
            }
            Thread.sleep(50);
        }
        admin().get("/admin/usage").then().statusCode(200).body("data.key_id", hasItem("metered")).body("data.key_id", hasItem("other"));
        // A key sees its own usage only, and never the admin route.
        RestAssured.given().header("Authorization", "Bearer " + key).get("/v1/usage").then().statusCode(200)
                .body("key_id", equalTo("metered")).body("total.requests", equalTo(3));
        RestAssured.given().header("Authorization", "Bearer " + key).get("/admin/usage").then().statusCode(401);
        admin().queryParam("start", "yesterday").get("/admin/usage").then().statusCode(400).body("error.param", equalTo("start"));
    }

    @Test
    void aKeyWithItsOwnCachePartitionSharesNoEntryWithOtherKeys() {
        String own = create("{\"id\":\"apart\",\"policy\":{\"cache_partitioned\":true}}");
        String shared = create("{\"id\":\"together\"}");
        String body = "{\"model\":\"text-embedding-3-small\",\"input\":\"cached per key\","
                + "\"orq\":{\"cache\":{\"type\":\"exact_match\",\"ttl\":600}}}";
        RestAssured.given().header("Authorization", TestKeys.BEARER).contentType("application/json").body(body).post("/v1/embeddings")
                .then().statusCode(200).header("x-embedgate-cache", "hits=0; misses=1");
        // A key without its own partition is served the entry; the partitioned one is not, until it made its own.
        RestAssured.given().header("Authorization", "Bearer " + shared).contentType("application/json").body(body).post("/v1/embeddings")
                .then().statusCode(200).header("x-embedgate-cache", "hits=1; misses=0");
        RestAssured.given().header("Authorization", "Bearer " + own).contentType("application/json").body(body).post("/v1/embeddings")
                .then().statusCode(200).header("x-embedgate-cache", "hits=0; misses=1");
        RestAssured.given().header("Authorization", "Bearer " + own).contentType("application/json").body(body).post("/v1/embeddings")
                .then().statusCode(200).header("x-embedgate-cache", "hits=1; misses=0");
        assertEquals(2, openai.callCount());
        admin().get("/admin/keys/apart").then().body("policy.cache_partitioned", equalTo(true));
    }

    @Test
    void configurationKeysAreListedButChangedOnlyInConfiguration() {
        admin().get("/admin/keys").then().statusCode(200).body("data.find { it.id == 'other' }.source", equalTo("config"));
        admin().get("/admin/keys/other").then().statusCode(200).body("source", equalTo("config"));
        admin().delete("/admin/keys/other").then().statusCode(409).body("error.code", equalTo("config_key"));
        admin().post("/admin/keys/other/rotate").then().statusCode(409).body("error.code", equalTo("config_key"));
        admin().body("{\"id\":\"other\"}").post("/admin/keys").then().statusCode(409).body("error.code", equalTo("key_exists"));
        embed(TestKeys.OTHER_KEY, "text-embedding-3-small").then().statusCode(200);
    }

    @Test
    void bodiesAreReadStrictlyAndNameTheWrongField() {
        admin().body("{\"policy\":{\"requests_per_minut\":5}}").post("/admin/keys").then().statusCode(400)
                .body("error.param", equalTo("policy.requests_per_minut")).body("error.message", containsString("requests_per_minute"));
        admin().body("{\"policy\":{\"requests_per_minute\":0}}").post("/admin/keys").then().statusCode(400)
                .body("error.param", equalTo("policy.requests_per_minute"));
        admin().body("{\"policy\":{\"requests_per_minute\":\"5\"}}").post("/admin/keys").then().statusCode(400)
                .body("error.param", equalTo("policy.requests_per_minute"));
        admin().body("{\"policy\":{\"cost_budget_per_day\":-1}}").post("/admin/keys").then().statusCode(400)
                .body("error.param", equalTo("policy.cost_budget_per_day"));
        admin().body("{\"policy\":{\"allowed_models\":\"text-embedding-3-small\"}}").post("/admin/keys").then().statusCode(400)
                .body("error.param", equalTo("policy.allowed_models"));
        admin().body("{\"id\":\"no spaces\"}").post("/admin/keys").then().statusCode(400).body("error.param", equalTo("id"));
        admin().body("{\"name\":\"x\"}").post("/admin/keys").then().statusCode(400).body("error.param", equalTo("name"));
        admin().body("[]").post("/admin/keys").then().statusCode(400);
        admin().body("{\"id\":\"a\"").post("/admin/keys").then().statusCode(400);
    }

    @Test
    void aKeyWrittenByAnotherReplicaIsSeenWithinTheSyncInterval() throws Exception {
        // Another replica's admin write, as it lands in Redis: the record and the version bump.
        String key = "eg_written-elsewhere-0123456789abcdef0123456789";
        String record = "{\"id\":\"elsewhere\",\"sha256\":\"" + TestKeys.sha256(key) + "\",\"status\":\"active\","
                + "\"created_at\":\"2026-12-01T00:00:00Z\",\"policy\":{\"allowed_models\":[\"text-embedding-3-small\"]}}";
        RedisServerResource server = RedisServerResource.current();
        assertEquals(":1", server.command("EVAL \"redis.call('HSET',KEYS[1],ARGV[1],ARGV[2]) return redis.call('INCR',KEYS[2])*0+1\" 2 "
                + "embedgate:v1:keys:{admin-keys} embedgate:v1:keys:{admin-keys}:version elsewhere '" + record + "'"));
        long began = System.nanoTime();
        int status = 0;
        while (status != 200 && System.nanoTime() - began < 5_000_000_000L) {
            status = embed(key, "text-embedding-3-small").statusCode();
            Thread.sleep(50);
        }
        assertEquals(200, status, "a key stored by another replica authenticates here");
        embed(key, "text-embedding-ada-002").then().statusCode(403);

        // A malformed record (Redis is outside the process) is left out, and the other keys keep working.
        server.command("EVAL \"redis.call('HSET',KEYS[1],'broken','{not json') return redis.call('INCR',KEYS[2])*0+1\" 2 "
                + "embedgate:v1:keys:{admin-keys} embedgate:v1:keys:{admin-keys}:version");
        Thread.sleep(1200);
        embed(key, "text-embedding-3-small").then().statusCode(200);
        admin().get("/admin/keys").then().statusCode(200).body("data.id", not(hasItem("broken")));
    }
}
