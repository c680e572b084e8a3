package io.embedgate.cache;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.embedgate.fakes.FakeOpenAi;
import io.embedgate.testing.FakeUpstreamsResource;
import io.embedgate.testing.InjectFake;
import io.embedgate.testing.TestKeys;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** With gateway.cache.partition-by-key, one key's entries are never served to another key. */
@QuarkusTest
@TestProfile(CacheTenancyTest.Partitioned.class)
@WithTestResource(FakeUpstreamsResource.class)
class CacheTenancyTest {

    public static class Partitioned implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gateway.cache.partition-by-key", "true", "gateway.cache.enabled-by-default", "true");
        }
    }

    @InjectFake
    FakeOpenAi a;

    static void embedAs(String key, String hits) {
        given().header("Authorization", "Bearer " + key).contentType("application/json")
                .body("{\"model\":\"text-embedding-3-small\",\"input\":\"tenant text\"}").post("/v1/embeddings")
                .then().statusCode(200).header("x-embedgate-cache", hits);
    }

    @Test
    void keysDoNotShareEntries() {
        a.reset();
        embedAs(TestKeys.GATEWAY_KEY, "hits=0; misses=1"); // on by default in this profile
        embedAs(TestKeys.GATEWAY_KEY, "hits=1; misses=0");
        embedAs(TestKeys.OTHER_KEY, "hits=0; misses=1");
        embedAs(TestKeys.OTHER_KEY, "hits=1; misses=0");
        assertEquals(2, a.callCount());
    }
}
