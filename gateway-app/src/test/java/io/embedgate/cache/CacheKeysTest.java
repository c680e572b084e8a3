package io.embedgate.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Arrays;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CacheKeysTest {

    @Test
    void sameInputsSameKey() {
        CacheKeys k = CacheKeys.forRequest("m", "up", 256, "float", true, null, null);
        assertArrayEquals(k.text("hello"), CacheKeys.forRequest("m", "up", 256, "float", true, null, null).text("hello"));
        assertEquals(32, k.text("hello").length);
        assertFalse(Arrays.equals(k.text("hello"), k.text("hello ")));
        assertFalse(Arrays.equals(k.tokens(new int[]{1, 2}), k.tokens(new int[]{258})));
        assertArrayEquals(k.tokens(new int[]{1, 2}), k.tokens(new int[]{1, 2}));
    }

    /** The request ("m", "up", 256, "float", normalised, no task type, no title) with one field changed. */
    static Stream<Arguments> variants() {
        return Stream.of(
                Arguments.of("model", CacheKeys.forRequest("m2", "up", 256, "float", true, null, null)),
                Arguments.of("upstream model", CacheKeys.forRequest("m", "up2", 256, "float", true, null, null)),
                Arguments.of("dimensions", CacheKeys.forRequest("m", "up", 512, "float", true, null, null)),
                Arguments.of("dtype", CacheKeys.forRequest("m", "up", 256, "int8", true, null, null)),
                Arguments.of("normalisation", CacheKeys.forRequest("m", "up", 256, "float", false, null, null)),
                Arguments.of("task type", CacheKeys.forRequest("m", "up", 256, "float", true, "RETRIEVAL_QUERY", null)),
                Arguments.of("title", CacheKeys.forRequest("m", "up", 256, "float", true, null, "title")),
                Arguments.of("task type and title", CacheKeys.forRequest("m", "up", 256, "float", true, "ab", "c")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void everyFieldIsInTheKey(String field, CacheKeys variant) {
        byte[] base = CacheKeys.forRequest("m", "up", 256, "float", true, null, null).text("hello");
        assertFalse(Arrays.equals(base, variant.text("hello")));
    }

    @Test
    void fieldBoundariesCannotShift() {
        // ("ab","c") differs from ("a","bc")
        assertFalse(Arrays.equals(CacheKeys.forRequest("m", "up", 256, "float", true, "ab", "c").text("x"),
                CacheKeys.forRequest("m", "up", 256, "float", true, "a", "bc").text("x")));
    }

    @Test
    void aLoneSurrogateNeverSharesAKeyWithWhatUtf8WouldMakeOfIt() throws Exception {
        CacheKeys k = CacheKeys.forRequest("m", "up", 256, "float", true, null, null);
        // UTF-8 encodes a lone surrogate as '?': the text "probe?" must not get the key of "probe\ud800".
        assertFalse(Arrays.equals(k.text("probe?"), k.text("probe\ud800")));
        assertFalse(Arrays.equals(k.text("probe\udc00"), k.text("probe\ud800")));
        assertFalse(Arrays.equals(k.text("\ud800\ud800"), k.text("??")));
        assertFalse(Arrays.equals(CacheKeys.forRequest("m", "up", 256, "float", true, null, "t\ud800").text("x"),
                CacheKeys.forRequest("m", "up", 256, "float", true, null, "t?").text("x")));
        // Well-formed text, a surrogate pair (an emoji) included, keeps the key format it always had
        // (length-prefixed UTF-8 fields, then 'T' and the UTF-8 text): existing cache entries stay valid.
        java.security.MessageDigest d = java.security.MessageDigest.getInstance("SHA-256");
        for (String field : new String[]{"embedgate-cache-v1", "m", "up", "256", "float", "1", "", ""}) {
            byte[] b = field.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            d.update(new byte[]{(byte) (b.length >>> 24), (byte) (b.length >>> 16), (byte) (b.length >>> 8), (byte) b.length});
            d.update(b);
        }
        d.update((byte) 'T');
        d.update("smile \ud83d\ude00".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertArrayEquals(d.digest(), k.text("smile \ud83d\ude00"));
    }
}
