package io.embedgate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

import io.embedgate.cache.CacheKeys;

class CacheKeysTest {

    @Test
    void sameInputsSameKeyAndEveryFieldMatters() {
        CacheKeys k = CacheKeys.forRequest("m", "up", 256, "float", true, null, null);
        assertArrayEquals(k.text("hello"), CacheKeys.forRequest("m", "up", 256, "float", true, null, null).text("hello"));
        assertEquals(32, k.text("hello").length);
        byte[] base = k.text("hello");
        CacheKeys[] variants = {
                CacheKeys.forRequest("m2", "up", 256, "float", true, null, null),
                CacheKeys.forRequest("m", "up2", 256, "float", true, null, null),
                CacheKeys.forRequest("m", "up", 512, "float", true, null, null),
                CacheKeys.forRequest("m", "up", 256, "int8", true, null, null),
                CacheKeys.forRequest("m", "up", 256, "float", false, null, null),
                CacheKeys.forRequest("m", "up", 256, "float", true, "RETRIEVAL_QUERY", null),
                CacheKeys.forRequest("m", "up", 256, "float", true, null, "title"),
                // field boundaries cannot shift: ("ab","c") differs from ("a","bc")
                CacheKeys.forRequest("m", "up", 256, "float", true, "ab", "c") };
        for (CacheKeys v : variants) {
            assertFalse(Arrays.equals(base, v.text("hello")));
        }
        assertFalse(Arrays.equals(CacheKeys.forRequest("m", "up", 256, "float", true, "ab", "c").text("x"),
                CacheKeys.forRequest("m", "up", 256, "float", true, "a", "bc").text("x")));
        assertFalse(Arrays.equals(k.text("hello"), k.text("hello ")));
        assertFalse(Arrays.equals(k.tokens(new int[] { 1, 2 }), k.tokens(new int[] { 258 })));
        assertArrayEquals(k.tokens(new int[] { 1, 2 }), k.tokens(new int[] { 1, 2 }));
    }
}
