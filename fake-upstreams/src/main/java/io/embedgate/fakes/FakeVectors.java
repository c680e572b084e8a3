package io.embedgate.fakes;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Deterministic stand-in vectors: the same (model, input) always gives the same vector, different
 * inputs give unrelated ones. Tests compute the expected vectors with the same functions.
 */
public final class FakeVectors {

    private FakeVectors() {
    }

    /** A unit-length vector of {@code dims} values for a text input. */
    public static float[] unit(String model, String text, int dims) {
        return normalize(raw(seed(model, text), dims));
    }

    /** A unit-length vector for a token-id input. */
    public static float[] unit(String model, int[] tokens, int dims) {
        return normalize(raw(seed(model, tokens), dims));
    }

    /**
     * OpenAI's documented behaviour for shortened vectors: the first {@code dims} values of the full
     * vector, renormalised to unit length.
     */
    public static float[] shortened(float[] full, int dims) {
        float[] out = new float[dims];
        System.arraycopy(full, 0, out, 0, dims);
        return normalize(out);
    }

    /** Raw (not normalised) values, e.g. for Gemini's unnormalised prefixes. */
    public static float[] raw(long seed, int dims) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[dims];
        for (int i = 0; i < dims; i++) {
            v[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return v;
    }

    public static float[] normalize(float[] v) {
        double sum = 0;
        for (float f : v) {
            sum += (double) f * f;
        }
        double n = Math.sqrt(sum);
        if (n == 0) {
            return v;
        }
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (v[i] / n);
        }
        return v;
    }

    public static long seed(String model, String text) {
        long h = 0xcbf29ce484222325L;
        h = fnv(h, model.getBytes(StandardCharsets.UTF_8));
        h = (h ^ 0xff) * 0x100000001b3L;
        return fnv(h, text.getBytes(StandardCharsets.UTF_8));
    }

    public static long seed(String model, int[] tokens) {
        long h = 0x84222325cbf29ce4L;
        h = fnv(h, model.getBytes(StandardCharsets.UTF_8));
        for (int t : tokens) {
            h = (h ^ t) * 0x100000001b3L;
        }
        return h;
    }

    private static long fnv(long h, byte[] bytes) {
        for (byte b : bytes) {
            h = (h ^ (b & 0xff)) * 0x100000001b3L;
        }
        return h;
    }

    /**
     * The fakes' token estimate: one token per four UTF-8 bytes, at least one. Real tokenizers differ;
     * the fakes only need a stable count to enforce per-input and per-request limits.
     */
    public static int tokens(String text) {
        int bytes = text.getBytes(StandardCharsets.UTF_8).length;
        return Math.max(1, (bytes + 3) / 4);
    }
}
