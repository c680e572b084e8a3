package io.embedgate.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

/** The slots Redis Cluster's specification gives (its CRC16 check value, its hash-tag examples). */
class HashSlotTest {

    @Test
    void crc16OfTheSpecification() {
        // CRC16/XMODEM("123456789") = 0x31C3
        assertEquals(0x31C3 % 16384, HashSlot.of("123456789"));
        assertEquals(0, HashSlot.of(""));
    }

    @Test
    void hashTags() {
        assertEquals(HashSlot.of("user1000"), HashSlot.of("{user1000}.following"));
        assertEquals(HashSlot.of("{user1000}.following"), HashSlot.of("{user1000}.followers"));
        // An empty tag does not count: the whole key is hashed.
        assertNotEquals(HashSlot.of("bar"), HashSlot.of("foo{}{bar}"));
        assertEquals(HashSlot.of("{bar"), HashSlot.of("foo{{bar}}zap"));
        assertEquals(HashSlot.of("bar"), HashSlot.of("foo{bar}{zap}"));
        // The rate limiter's and the usage ledger's keys of one key id share a slot.
        assertEquals(HashSlot.of("embedgate:v1:ratelimit:{team-a}:rpm"), HashSlot.of("embedgate:v1:usage:{team-a}:2026-12-06"));
    }

    @Test
    void bytesAboveAsciiAreUnsigned() {
        assertEquals(HashSlot.of(new byte[]{(byte) 0xC3, (byte) 0xA9}), HashSlot.of("é"));
    }
}
