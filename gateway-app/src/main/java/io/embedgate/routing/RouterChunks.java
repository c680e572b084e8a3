package io.embedgate.routing;

import java.util.ArrayList;
import java.util.List;

import io.embedgate.spi.EmbeddingInputs;
import io.embedgate.spi.TokenEstimate;

/**
 * Batch splitting for every provider, driven by each model's capabilities: the router sends the
 * chunks concurrently and reassembles them in input order.
 */
public final class RouterChunks {

    private RouterChunks() {
    }

    /**
     * [from, to) ranges of at most {@code maxInputs} inputs and, when the provider caps tokens per
     * request, at most {@code maxTokens} estimated tokens (a deliberately high estimate for texts,
     * the exact count for token ids). An input larger than the budget goes alone.
     */
    public static List<int[]> of(EmbeddingInputs inputs, int maxInputs, int maxTokens) {
        int n = inputs.size();
        List<int[]> out = new ArrayList<>();
        if (maxTokens <= 0) {
            for (int from = 0; from < n; from += maxInputs) {
                out.add(new int[]{from, Math.min(n, from + maxInputs)});
            }
            return out;
        }
        int from = 0;
        long tokens = 0;
        for (int i = 0; i < n; i++) {
            long t = inputs instanceof EmbeddingInputs.Texts texts ? TokenEstimate.upperBound(texts.values().get(i))
                    : ((EmbeddingInputs.TokenIds) inputs).values().get(i).length;
            if (i > from && (i - from == maxInputs || tokens + t > maxTokens)) {
                out.add(new int[]{from, i});
                from = i;
                tokens = 0;
            }
            tokens += t;
        }
        out.add(new int[]{from, n});
        return out;
    }

}
