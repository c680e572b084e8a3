package io.embedgate.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SlotMapTest {

    /** As Redis 7 prints it: a failed master whose replica took over, a slot being migrated, a node in handshake. */
    static final String NODES = """
            e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca 127.0.0.1:7001@17001 myself,master - 0 0 1 connected 0-5460
            67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1 127.0.0.1:7002@17002,host2 master - 0 1426238316232 2 connected 5461-10921 10922 [10922->-292f8b365bb7edb5e285caf0b7e6ddc7265d2f4f]
            292f8b365bb7edb5e285caf0b7e6ddc7265d2f4f 127.0.0.1:7003@17003 master - 0 1426238318243 3 connected 10923-16383 [10922-<-67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1]
            07c37dfeb235213a872192d90877d0cd55635b91 127.0.0.1:7004@17004 master,fail - 1426238316232 1426238316232 4 disconnected
            6ec23923021cf3ffec47632106199cb7f496ce01 127.0.0.1:7005@17005 slave 292f8b365bb7edb5e285caf0b7e6ddc7265d2f4f 0 1426238316232 3 connected
            824fe116063bc5fcf9f4ffd895bc17aee7731ac3 :0@0 handshake - 0 0 0 disconnected
            """;

    @Test
    void ownersRolesAndStates() {
        SlotMap m = SlotMap.parse(NODES);
        assertEquals("127.0.0.1:7001", m.owner(0).address());
        assertEquals("127.0.0.1:7001", m.owner(5460).address());
        assertEquals("127.0.0.1:7002", m.owner(5461).address());
        // Being migrated, a slot still belongs to its current owner (which answers ASK for keys already moved).
        assertEquals("127.0.0.1:7002", m.owner(10922).address());
        assertEquals("127.0.0.1:7003", m.owner(16383).address());
        assertEquals(5, m.nodes().size());
        SlotMap.Node failed = m.nodes().stream().filter(n -> n.address().endsWith(":7004")).findFirst().orElseThrow();
        assertFalse(failed.up());
        assertEquals("master", failed.role());
        SlotMap.Node replica = m.nodes().stream().filter(n -> n.address().endsWith(":7005")).findFirst().orElseThrow();
        assertTrue(replica.up());
        assertEquals("replica", replica.role());
        assertEquals(5462, m.nodes().get(1).slots()); // 5461-10921 and 10922
    }

    @Test
    void uncoveredSlotsHaveNoOwner() {
        SlotMap m = SlotMap.parse("e7d1 127.0.0.1:7001@17001 myself,master - 0 0 1 connected 0-100\n");
        assertEquals("127.0.0.1:7001", m.owner(100).address());
        assertNull(m.owner(101));
    }

    @Test
    void aMapWithoutServedSlotsIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> SlotMap.parse("garbage\n"));
        assertThrows(IllegalArgumentException.class, () -> SlotMap.parse("e7d1 127.0.0.1:7001@17001 myself,master - 0 0 1 connected\n"));
    }
}
