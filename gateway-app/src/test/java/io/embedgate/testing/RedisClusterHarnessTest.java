package io.embedgate.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The Redis Cluster and Sentinel harnesses do what the gateway's integration tests rely on: a cluster
 * whose slot arithmetic matches Redis's, slots that move, masters that fail over, sentinels that
 * switch masters, and the password and TLS variants. One cluster serves the methods up to the one
 * that kills a master, which runs last.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisClusterHarnessTest {

    private static RedisCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = RedisCluster.start(3, 1);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void threeMastersEachWithAReplica() {
        assertEquals(6, cluster.nodes().size());
        assertEquals(3, cluster.masters().size());
        assertEquals(3, cluster.seedUrls().size());
        assertTrue(cluster.seedUrlsCsv().matches("redis://127\\.0\\.0\\.1:\\d+(,redis://127\\.0\\.0\\.1:\\d+){2}"), cluster.seedUrlsCsv());
        assertTrue(cluster.usedMemory(cluster.masters().get(0)) > 0);
    }

    @Test
    @Order(2)
    void slotIsRedisKeyslot() {
        RedisNode any = cluster.nodes().get(0);
        List<String> keys = List.of("foo", "embedgate:v1:emb:abc", "{user1000}.following", "{user1000}.followers", "foo{}{bar}",
                "foo{{bar}}zap", "foo{bar}{zap}", "{bar", "}{", "", "ключ");
        for (String key : keys) {
            assertEquals(any.call("CLUSTER", "KEYSLOT", key), (long) RedisCluster.slot(key), key);
        }
        byte[] binary = {(byte) 0xff, 0, '{', (byte) 0x80, '}', 7};
        assertEquals(any.call("CLUSTER", "KEYSLOT", binary), (long) RedisCluster.slot(binary));
        assertEquals(RedisCluster.slot("user1000"), RedisCluster.slot("{user1000}.following"));
        assertEquals(12182, RedisCluster.slot("foo"));
    }

    @Test
    @Order(3)
    void keysSpreadOverAllMasters() {
        Map<RedisNode, Long> before = cluster.keysPerMaster();
        for (int i = 0; i < 300; i++) {
            String key = "spread:" + i;
            assertEquals("OK", cluster.masterOfKey(key).call("SET", key, "v" + i));
        }
        Map<RedisNode, Long> after = cluster.keysPerMaster();
        long added = 0;
        for (Map.Entry<RedisNode, Long> e : after.entrySet()) {
            assertTrue(e.getValue() > before.get(e.getKey()), "no key on " + e.getKey() + ": " + after);
            added += e.getValue() - before.get(e.getKey());
        }
        assertEquals(300, added);
        // A master that does not own the key redirects.
        RedisNode other = otherMaster(cluster.masterOfKey("spread:0"));
        Object moved = other.call("GET", "spread:0");
        assertTrue(moved instanceof Resp.Error e && e.message().startsWith("MOVED " + RedisCluster.slot("spread:0")),
                String.valueOf(moved));
    }

    @Test
    @Order(4)
    void migratesASlotWithItsKeys() {
        String key = "migrate-me";
        int slot = RedisCluster.slot(key);
        RedisNode from = cluster.masterOfSlot(slot);
        RedisNode to = otherMaster(from);
        from.call("SET", key, "payload".getBytes(StandardCharsets.UTF_8));

        cluster.migrateSlot(slot, from, to);

        assertEquals(to, cluster.masterOfSlot(slot));
        assertArrayEquals("payload".getBytes(StandardCharsets.UTF_8), (byte[]) to.call("GET", key));
        assertTrue(((Resp.Error) from.call("GET", key)).message().startsWith("MOVED " + slot));
    }

    @Test
    @Order(5)
    void aHalfMovedSlotAnswersAsk() {
        String moved = "{half}:moved";
        String stays = "{half}:stays";
        int slot = RedisCluster.slot(moved);
        RedisNode from = cluster.masterOfSlot(slot);
        RedisNode to = otherMaster(from);
        from.call("SET", moved, "1");
        cluster.beginMigration(slot, from, to);
        try {
            assertEquals(1, cluster.migrateKeys(slot, from, to, 1));
            from.call("SET", stays, "2"); // ASK-redirected: the slot is migrating and the key is not here
            assertTrue(((Resp.Error) from.call("GET", moved)).message().startsWith("ASK " + slot),
                    "the moved key is asked for on the target");
            assertTrue(((Resp.Error) to.call("GET", moved)).message().startsWith("MOVED " + slot), "the target only answers after ASKING");
        } finally {
            cluster.finishMigration(slot, from, to);
        }
        assertEquals(to, cluster.masterOfSlot(slot));
        assertArrayEquals("1".getBytes(StandardCharsets.UTF_8), (byte[]) to.call("GET", moved));
        assertNull(to.call("GET", stays));
    }

    @Test
    @Order(6)
    void aKilledMasterFailsOverAndRejoinsAsReplica() {
        String key = "survives-failover";
        RedisNode killed = cluster.masterOfKey(key);
        killed.call("SET", key, "still here");
        assertEquals(1L, killed.call("WAIT", "1", "2000"), "replicated before the kill");

        killed.kill();
        cluster.awaitFailoverOf(killed, Duration.ofSeconds(20));

        RedisNode promoted = cluster.masterOfKey(key);
        assertNotEquals(killed, promoted);
        assertEquals(3, cluster.masters().size());
        assertArrayEquals("still here".getBytes(StandardCharsets.UTF_8), (byte[]) promoted.call("GET", key));

        killed.restart();
        cluster.awaitConsistent(Duration.ofSeconds(20));
        cluster.awaitReplicasInSync(Duration.ofSeconds(20));
        assertEquals("slave", killed.role());
    }

    @Test
    @Order(7)
    void sentinelsFailOver() {
        try (RedisSentinel sentinel = RedisSentinel.start("embedgate", 1, 3)) {
            assertEquals(3, sentinel.sentinelUrls().size());
            assertEquals(2, sentinel.dataNodes().size());
            RedisNode old = sentinel.master();
            assertEquals(sentinel.dataNodes().get(0), old);
            old.call("SET", "k", "v");
            assertEquals(1L, old.call("WAIT", "1", "2000"));

            sentinel.failover();

            RedisNode now = sentinel.master();
            assertNotEquals(old, now);
            assertTrue(now.isMaster());
            assertArrayEquals("v".getBytes(StandardCharsets.UTF_8), (byte[]) now.call("GET", "k"));
        }
    }

    @Test
    @Order(8)
    void passwordProtectedCluster() {
        try (RedisCluster secured = RedisCluster.start(3, 0, RedisTestOptions.withPassword("s3cret-pw"))) {
            RedisNode node = secured.nodes().get(0);
            assertEquals("PONG", node.call("PING"));
            assertTrue(((Resp.Error) Resp.call(node.port(), "GET", "x")).message().startsWith("NOAUTH"));
            assertEquals("PONG", Resp.callWithPassword(node.port(), "s3cret-pw", "PING"));
            // MIGRATE authenticates to the target with AUTH.
            assertMigrationCarries(secured, "secret-key");
        }
    }

    @Test
    @Order(9)
    void passwordProtectedSentinelsFailOverAKilledMaster() {
        try (RedisSentinel sentinel = RedisSentinel.start("secured", 1, 3, RedisTestOptions.withPassword("s3cret-pw"))) {
            RedisNode old = sentinel.master();
            assertEquals("OK", old.call("SET", "k", "v"));
            assertEquals(1L, old.call("WAIT", "1", "2000"));
            assertTrue(((Resp.Error) Resp.call(sentinel.sentinels().get(0).port(), "SENTINEL", "MASTERS")).message().startsWith("NOAUTH"));

            sentinel.killMaster();

            RedisNode now = sentinel.master();
            assertNotEquals(old, now);
            assertArrayEquals("v".getBytes(StandardCharsets.UTF_8), (byte[]) now.call("GET", "k"));
        }
    }

    @Test
    @Order(10)
    void tlsCluster() {
        try (RedisCluster tls = RedisCluster.start(3, 0, RedisTestOptions.withTls())) {
            assertTrue(tls.seedUrls().get(0).startsWith("rediss://127.0.0.1:"));
            assertTrue(TestCertificates.get().caCertPem().toFile().isFile());
            for (RedisNode n : tls.nodes()) {
                assertEquals("PONG", n.call("PING"));
            }
            assertMigrationCarries(tls, "tls-key");
        }
    }

    @Test
    @Order(11)
    void tlsSentinels() {
        try (RedisSentinel sentinel = RedisSentinel.start("tls", 1, 3, RedisTestOptions.withTls())) {
            assertTrue(sentinel.sentinelUrlsCsv().startsWith("rediss://127.0.0.1:"));
            assertEquals("PONG", sentinel.master().call("PING"));
            assertInstanceOf(List.class, sentinel.sentinels().get(0).call("SENTINEL", "MASTERS"));
        }
    }

    private static RedisNode otherMaster(RedisNode than) {
        return cluster.masters().stream().filter(m -> m != than).findFirst().orElseThrow();
    }

    /** Moves the slot of {@code key} to another master and checks the key went with it. */
    private static void assertMigrationCarries(RedisCluster cluster, String key) {
        int slot = RedisCluster.slot(key);
        RedisNode from = cluster.masterOfSlot(slot);
        from.call("SET", key, "x");
        RedisNode to = cluster.masters().stream().filter(m -> m != from).findFirst().orElseThrow();
        cluster.migrateSlot(slot, from, to);
        assertArrayEquals("x".getBytes(StandardCharsets.UTF_8), (byte[]) to.call("GET", key));
    }
}
