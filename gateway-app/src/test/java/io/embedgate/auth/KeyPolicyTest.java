package io.embedgate.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.OptionalInt;

import org.junit.jupiter.api.Test;

/** Model globs and the input cap, without a running gateway. */
class KeyPolicyTest {

    @Test
    void globsMatchWholeIdsWithStarsOnlyAsWildcards() {
        KeyPolicy p = new KeyPolicy("k", List.of("text-embedding-3-*", "vertex/*", "*-v4.0", "embed.v3"), List.of(), OptionalInt.empty());
        assertTrue(p.allowsModel("text-embedding-3-small"));
        assertTrue(p.allowsModel("vertex/text-embedding-005"));
        assertTrue(p.allowsModel("embed-v4.0"));
        assertTrue(p.allowsModel("embed.v3"));
        assertFalse(p.allowsModel("embedXv3"), "a dot is a dot");
        assertFalse(p.allowsModel("my-text-embedding-3-small"), "anchored at the start");
        assertFalse(p.allowsModel("embed-v4.0-preview"), "anchored at the end");
        assertTrue(new KeyPolicy("k", List.of("*"), List.of(), OptionalInt.empty()).allowsModel("anything"));
        assertTrue(KeyPolicy.open("k").allowsModel("anything"));
    }

    @Test
    void theKeysCapNeverRaisesTheGatewaysLimit() {
        assertEquals(4, new KeyPolicy("k", List.of(), List.of(), OptionalInt.of(4)).maxInputs(2048));
        assertEquals(2048, new KeyPolicy("k", List.of(), List.of(), OptionalInt.of(5000)).maxInputs(2048));
        assertEquals(2048, KeyPolicy.open("k").maxInputs(2048));
    }
}
