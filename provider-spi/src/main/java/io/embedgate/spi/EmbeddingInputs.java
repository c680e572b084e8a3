package io.embedgate.spi;

import java.util.List;

/** The inputs of one call: texts, or token-id arrays (one array per input). */
public sealed interface EmbeddingInputs permits EmbeddingInputs.Texts, EmbeddingInputs.TokenIds {

    int size();

    /** A sub-range, used when a batch is split to the model's per-call limit. */
    EmbeddingInputs slice(int from, int to);

    /** The inputs at these positions, in this order (e.g. a batch's cache misses). */
    EmbeddingInputs pick(int[] positions);

    record Texts(List<String> values) implements EmbeddingInputs {

        public Texts {
            values = List.copyOf(values);
        }

        @Override
        public int size() {
            return values.size();
        }

        @Override
        public Texts slice(int from, int to) {
            return new Texts(values.subList(from, to));
        }

        @Override
        public Texts pick(int[] positions) {
            String[] out = new String[positions.length];
            for (int i = 0; i < positions.length; i++) {
                out[i] = values.get(positions[i]);
            }
            return new Texts(List.of(out));
        }
    }

    /** Token ids as produced by the model's tokenizer (cl100k for OpenAI). Arrays are not copied. */
    record TokenIds(List<int[]> values) implements EmbeddingInputs {

        public TokenIds {
            values = List.copyOf(values);
        }

        @Override
        public int size() {
            return values.size();
        }

        @Override
        public TokenIds slice(int from, int to) {
            return new TokenIds(values.subList(from, to));
        }

        @Override
        public TokenIds pick(int[] positions) {
            int[][] out = new int[positions.length][];
            for (int i = 0; i < positions.length; i++) {
                out[i] = values.get(positions[i]);
            }
            return new TokenIds(List.of(out));
        }
    }
}
