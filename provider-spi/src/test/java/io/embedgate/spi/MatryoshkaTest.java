package io.embedgate.spi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;

import org.junit.jupiter.api.Test;

class MatryoshkaTest {

    /** nomic-embed-text-v1.5's recipe written out in doubles: layer norm over all values, slice, L2. */
    static float[] nomic(float[] full, int n) {
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
        double[] ln = new double[n];
        double norm = 0;
        for (int i = 0; i < n; i++) {
            ln[i] = (full[i] - mean) / Math.sqrt(var + 1e-5);
            norm += ln[i] * ln[i];
        }
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) (ln[i] / Math.sqrt(norm));
        }
        return out;
    }

    @Test
    void layerNormRecipeMatchesTheModelCard() {
        float[] pooled = new float[768];
        Random r = new Random(7);
        for (int i = 0; i < pooled.length; i++) {
            pooled[i] = (float) (r.nextGaussian() * 0.3 + 0.05);
        }
        float[] served = Float32.normalizeInPlace(pooled.clone()); // what the server returns
        float[] reduced = Matryoshka.LAYER_NORM.reduce(served, 256);
        assertEquals(256, reduced.length);
        // From the server's unit vector, the same as from the pooled vector: layer norm ignores scale.
        assertArrayEquals(nomic(pooled, 256), reduced, 1e-5f);
        // And not what plain truncation gives: the mean is not zero.
        float[] truncated = Matryoshka.TRUNCATE.reduce(served, 256);
        double diff = 0;
        for (int i = 0; i < 256; i++) {
            diff += Math.abs(truncated[i] - reduced[i]);
        }
        assertEquals(true, diff > 0.05, "layer norm changes the vector: " + diff);
    }

    @Test
    void truncateKeepsThePrefixAtUnitLength() {
        float[] v = {3, 4, 12, 84};
        assertArrayEquals(new float[]{0.6f, 0.8f}, Matryoshka.TRUNCATE.reduce(v, 2), 1e-6f);
        assertThrows(IllegalArgumentException.class, () -> Matryoshka.TRUNCATE.reduce(v, 5));
        assertEquals(Matryoshka.LAYER_NORM, Matryoshka.fromWireName("layer-norm").orElseThrow());
    }
}
