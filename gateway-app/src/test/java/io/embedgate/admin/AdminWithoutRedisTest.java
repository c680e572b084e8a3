package io.embedgate.admin;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.embedgate.testing.FakeUpstreamsResource;
import io.embedgate.testing.TestKeys;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;

/** Without a shared Redis the admin API lists the configured keys and refuses to create keys that would vanish at restart. */
@QuarkusTest
@TestProfile(AdminWithoutRedisTest.NoRedis.class)
@WithTestResource(FakeUpstreamsResource.class)
class AdminWithoutRedisTest {

    public static class NoRedis implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gateway.admin.key-sha256", TestKeys.sha256(AdminKeysTest.ADMIN));
        }
    }

    @Test
    void configuredKeysAreListedAndRuntimeKeysNeedRedis() {
        RestAssured.given().header("Authorization", "Bearer " + AdminKeysTest.ADMIN).get("/admin/keys").then().statusCode(200)
                .body("data.id", hasItem("test")).body("data.source", hasItem("config"));
        RestAssured.given().header("Authorization", "Bearer " + AdminKeysTest.ADMIN).contentType("application/json").body("{}")
                .post("/admin/keys").then().statusCode(409).body("error.code", equalTo("runtime_keys_need_redis"));
    }
}
