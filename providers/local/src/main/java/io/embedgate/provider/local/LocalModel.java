package io.embedgate.provider.local;

import java.util.Objects;

/**
 * One model of the local catalogue, as its model card and LangChain4j's packaging define it. Each is
 * a vector space of its own: a quantised variant's vectors are close to, not the same as, the full
 * model's.
 *
 * @param id         the model's name in the catalogue and in calls; also the base name of its ONNX file
 *                   and tokenizer ({@code <id>.onnx}, {@code <id>-tokenizer.json}) in its Maven artifact
 * @param artifact   the Maven artifact that carries it, for error messages
 * @param dimensions the vector size
 * @param maxTokens  the model's sequence length, special tokens included; longer inputs are truncated
 *                   (as sentence-transformers does) or rejected
 * @param pooling    how token vectors become one sentence vector
 * @param quantised  int8 weights: about a quarter of the size, slightly different vectors
 * @param bytes      the size of its ONNX file (memory it takes once loaded, roughly)
 */
record LocalModel(String id, String artifact, int dimensions, int maxTokens, Pooling pooling, boolean quantised, long bytes) {

    /** How a sentence vector is made from the token vectors (then L2-normalised, for every model). */
    enum Pooling {
        /** the mean over the attention mask (sentence-transformers' MiniLM, E5) */
        MEAN,
        /** the first token's ([CLS]) vector (BGE) */
        CLS
    }

    LocalModel {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(artifact, "artifact");
        Objects.requireNonNull(pooling, "pooling");
        if (dimensions < 1 || maxTokens < 3) {
            throw new IllegalArgumentException("dimensions and maxTokens must be positive");
        }
    }

    String modelResource() {
        return id + ".onnx";
    }

    String tokenizerResource() {
        return id + "-tokenizer.json";
    }
}
