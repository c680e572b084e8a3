package io.embedgate.cache;

import static io.embedgate.cache.RedisClusterTest.awaitCached;
import static io.embedgate.cache.RedisClusterTest.body;
import static io.embedgate.cache.RedisClusterTest.inputs;
import static io.embedgate.testing.Api.embed;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.embedgate.testing.FakeUpstreamsResource;
import io.embedgate.testing.LogCapture;
import io.embedgate.testing.RedisNode;
import io.embedgate.testing.RedisTestOptions;
import io.embedgate.testing.TestCertificates;
import io.embedgate.testing.TestKeys;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * One server over TLS whose gateway account is an ACL user allowed the gateway's own keys only
 * ({@code ~embedgate:*}): the gateway logs in as that user (settings, not the URL), and everything it
 * does (cache, a limited key's script, the usage ledger) stays within its keys.
 */
@QuarkusTest
@TestProfile(RedisAclUserTest.AsAnAclUser.class)
@WithTestResource(FakeUpstreamsResource.class)
@WithTestResource(RedisAclUserTest.AclServer.class)
class RedisAclUserTest {

    static final String ADMIN_PASSWORD = "admin-Pa55";
    static final String USER = "embedgate-gw";
    static final String PASSWORD = "gw-Pa55:w/rd@x";
    static final String LIMITED = "eg-test-acl-limited-5566778899";

    public static class AclServer implements QuarkusTestResourceLifecycleManager {

        static volatile RedisNode server;

        @Override
        public Map<String, String> start() {
            server = RedisNode.standalone(new RedisTestOptions(ADMIN_PASSWORD, true));
            server.ok("ACL", "SETUSER", USER, "on", ">" + PASSWORD, "~embedgate:*", "+@all", "-@dangerous");
            return Map.of("gateway.cache.redis.url", server.url(), "gateway.cache.redis.user", USER, "gateway.cache.redis.password",
                    PASSWORD,
                    "gateway.cache.redis.tls.trust-certificates", TestCertificates.get().caCertPem().toString());
        }

        @Override
        public void stop() {
            if (server != null) {
                server.kill();
                RedisNode.deleteTree(server.dir());
            }
        }
    }

    public static class AsAnAclUser implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gateway.cache.max-bytes", "0", "gateway.cache.enabled-by-default", "true", "gateway.cache.redis.timeout", "1s",
                    "gateway.auth.keys.limited.sha256", TestKeys.sha256(LIMITED), "gateway.auth.keys.limited.requests-per-minute", "2");
        }
    }

    @Test
    void theGatewayWorksAsItsAclUserWithinItsOwnKeys() throws InterruptedException {
        try (LogCapture log = LogCapture.of("io.embedgate")) {
            List<String> inputs = inputs("acl", 10);
            embed(body(inputs)).then().statusCode(200);
            awaitCached(inputs, Duration.ofSeconds(5));
            // A limited key: its admission is a script on keys under the prefix.
            for (int i = 0; i < 3; i++) {
                given().header("Authorization", "Bearer " + LIMITED).contentType("application/json").body(body(List.of("acl limited " + i)))
                        .post("/v1/embeddings").then().statusCode(i < 2 ? 200 : 429);
            }
            // Every connection of the gateway is the ACL user's, and Redis refused it nothing.
            String clients = new String((byte[]) AclServer.server.ok("CLIENT", "LIST"), java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(clients.contains("user=" + USER), clients);
            for (String line : clients.split("\n")) {
                assertTrue(line.contains("user=" + USER) || line.contains("cmd=client"), "only the gateway's user is connected: " + line);
            }
            Object denied = AclServer.server.ok("ACL", "LOG");
            assertEquals(List.of(), denied, "no command or key was denied: " + denied);
            for (LogCapture.Line line : log.lines()) {
                assertFalse(line.message().contains(PASSWORD), "a log line holds the password: " + line.message());
                assertFalse(line.message().contains("unreachable") || line.message().contains("cannot be reached"), line.message());
            }
        }
    }
}
