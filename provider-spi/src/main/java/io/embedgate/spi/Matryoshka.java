package io.embedgate.spi;

import java.util.Locale;
import java.util.Optional;

/**
 * How a Matryoshka-trained model's vector is shortened when its server cannot do it (TEI, Ollama): the
 * gateway asks for the full vector and applies the model's own documented recipe. Declared per
 * catalogue model ({@code gateway.models.<id>.matryoshka}); never applied to a model not declared so.
 */
public enum Matryoshka {

    /** Keep the first N values, then L2-normalise (OpenAI text-embedding-3, Jina v3, most MRL models). */
    TRUNCATE,
    /**
     * Layer-norm over the whole vector (no affine weights, epsilon 1e-5), keep the first N, then
     * L2-normalise: nomic-embed-text-v1.5's recipe. Layer norm ignores the vector's scale, so applying
     * it to the server's already-normalised vector gives the same result as to the pooled one.
     */
    LAYER_NORM;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static Optional<Matryoshka> fromWireName(String s) {
        for (Matryoshka m : values()) {
            if (m.wireName().equals(s)) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }

    /** The first {@code size} dimensions of {@code full} by this recipe, unit length. */
    public float[] reduce(float[] full, int size) {
        if (size < 1 || size > full.length) {
            throw new IllegalArgumentException("size " + size + " outside 1.." + full.length);
        }
        float[] out = new float[size];
        if (this == LAYER_NORM) {
            double mean = 0;
            for (float x : full) {
                mean += x;
            }
            mean /= full.length;
            double var = 0;
            for (float x : full) {
                var += (x - mean) * (x - mean);
            }
            var /= full.length;
            double inv = 1.0 / Math.sqrt(var + 1e-5);
            for (int i = 0; i < size; i++) {
                out[i] = (float) ((full[i] - mean) * inv);
            }
        } else {
            System.arraycopy(full, 0, out, 0, size);
        }
        return Float32.normalizeInPlace(out);
    }
}
