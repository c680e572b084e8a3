package io.embedgate.api;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

class RequestIdsTest {

    @Test
    void idsAreWellFormedAndDistinct() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String id = RequestIds.next();
            assertTrue(id.matches("req_[0-9a-f]{32}"), id);
            assertTrue(seen.add(id), id);
            assertTrue(HttpEdge.acceptable(id), id);
        }
    }

    /** Instances restored from one snapshot share their random state; the number redrawn on restore tells them apart. */
    @Test
    void aRestoreDrawsANewNumber() {
        long before = RequestIds.salt();
        RequestIds.redraw();
        assertNotEquals(before, RequestIds.salt());
    }
}
