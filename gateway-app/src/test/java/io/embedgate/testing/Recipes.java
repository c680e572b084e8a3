package io.embedgate.testing;

/** Matryoshka recipes written out for tests, independently of the gateway's {@code Matryoshka}. */
public final class Recipes {

    private Recipes() {
    }

    /** nomic-embed-text-v1.5's recipe, written out here and not taken from the gateway: layer norm (eps 1e-5), first n, L2. */
    public static float[] layerNormThenSlice(float[] full, int n) {
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
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) ((full[i] - mean) / Math.sqrt(var + 1e-5));
        }
        return unit(out);
    }

    public static float[] unit(float[] v) {
        double sum = 0;
        for (float x : v) {
            sum += (double) x * x;
        }
        double norm = Math.sqrt(sum);
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) (v[i] / norm);
        }
        return out;
    }
}
