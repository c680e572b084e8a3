package io.embedgate.routing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.embedgate.spi.EmbeddingInputs;

class RouterChunksTest {

    @Test
    void splitsByInputsThenByTokenBudget() {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            texts.add("t" + i);
        }
        List<int[]> byCount = RouterChunks.of(new EmbeddingInputs.Texts(texts), 100, 0);
        assertEquals(3, byCount.size());
        assertArrayEquals(new int[]{200, 250}, byCount.get(2));
        // 2,000-byte texts are budgeted at 1,000 tokens: 16 fit in 16,384.
        List<String> big = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            big.add("x".repeat(2000));
        }
        List<int[]> byTokens = RouterChunks.of(new EmbeddingInputs.Texts(big), 512, 16384);
        assertEquals(3, byTokens.size());
        assertArrayEquals(new int[]{0, 16}, byTokens.get(0));
        // one input over the budget goes alone; token ids count exactly
        assertEquals(2, RouterChunks.of(new EmbeddingInputs.Texts(List.of("x".repeat(100_000), "y")), 512, 16384).size());
        assertEquals(2, RouterChunks.of(new EmbeddingInputs.TokenIds(List.of(new int[10], new int[10])), 512, 15).size());
    }
}
