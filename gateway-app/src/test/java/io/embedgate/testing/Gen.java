package io.embedgate.testing;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * A small seeded generator for randomised tests. Everything a run generates follows from one seed, so a
 * failure is replayed by running again with that seed; there is no shrinking, so generators should keep
 * their values small enough to read in a failure message.
 *
 * <p>The number generators favour edge and small values over a uniform draw, which would almost never
 * produce 0, -1 or {@code Integer.MAX_VALUE}, the values most likely to break a parser.
 */
public final class Gen {

    private final SplittableRandom random;

    private Gen(SplittableRandom random) {
        this.random = random;
    }

    /** The generator for one named stream of {@code seed}: two names give unrelated values for the same seed. */
    public static Gen seeded(long seed, String name) {
        return new Gen(new SplittableRandom(seed ^ 0x9E3779B97F4A7C15L * name.hashCode()));
    }

    /** A generator of its own, e.g. one per try, so that how much one try draws does not shift the tries after it. */
    public Gen split() {
        return new Gen(random.split());
    }

    // ---- choices ----

    /** True with probability {@code p}. */
    public boolean chance(double p) {
        return random.nextDouble() < p;
    }

    /** In {@code [0, 1)}. */
    public double fraction() {
        return random.nextDouble();
    }

    /** In {@code [min, max]}. */
    public int between(int min, int max) {
        return random.nextInt(min, max + 1);
    }

    /** In {@code [min, max]}. */
    public long between(long min, long max) {
        return random.nextLong(min, max + 1);
    }

    public <T> T oneOf(List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    @SafeVarargs
    public final <T> T oneOf(T... values) {
        return values[random.nextInt(values.length)];
    }

    /** The value of one of {@code generators}, each as likely. */
    @SafeVarargs
    public final <T> T anyOf(Supplier<? extends T>... generators) {
        return generators[random.nextInt(generators.length)].get();
    }

    /** A generator with its weight, for {@link #weighted}. */
    public record Weighted<T>(int weight, Supplier<? extends T> generator) {
    }

    public static <T> Weighted<T> w(int weight, Supplier<? extends T> generator) {
        return new Weighted<>(weight, generator);
    }

    /** The value of one of {@code choices}, picked in proportion to their weights. */
    @SafeVarargs
    public final <T> T weighted(Weighted<? extends T>... choices) {
        int total = 0;
        for (Weighted<? extends T> c : choices) {
            total += c.weight();
        }
        int r = random.nextInt(total);
        for (Weighted<? extends T> c : choices) {
            r -= c.weight();
            if (r < 0) {
                return c.generator().get();
            }
        }
        throw new AssertionError("unreachable");
    }

    /** {@code null} with probability {@code absent} (an optional part left out), else a value of {@code generator}. */
    public <T> T maybe(double absent, Supplier<? extends T> generator) {
        return chance(absent) ? null : generator.get();
    }

    /** {@code min} to {@code max} values of {@code generator}. */
    public <T> List<T> list(int min, int max, Supplier<? extends T> generator) {
        int n = between(min, max);
        List<T> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(generator.get());
        }
        return out;
    }

    /** {@code min} to {@code max} different values of {@code from}, in random order. */
    public <T> List<T> distinct(int min, int max, List<T> from) {
        List<T> pool = new ArrayList<>(from);
        int n = between(min, Math.min(max, pool.size()));
        for (int i = 0; i < n; i++) {
            int j = between(i, pool.size() - 1);
            pool.set(j, pool.set(i, pool.get(j)));
        }
        return List.copyOf(pool.subList(0, n));
    }

    // ---- text ----

    /** {@code min} to {@code max} characters, each of {@code alphabet}. */
    public String string(int min, int max, String alphabet) {
        int n = between(min, max);
        StringBuilder b = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            b.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return b.toString();
    }

    /** {@code min} to {@code max} characters in {@code [lo, hi]}. */
    public String string(int min, int max, char lo, char hi) {
        int n = between(min, max);
        StringBuilder b = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            b.append((char) between(lo, hi));
        }
        return b.toString();
    }

    /** {@code min} to {@code max} UTF-16 units of any value, lone surrogates included (see {@link #anyChar()}). */
    public String anyString(int min, int max) {
        int n = between(min, max);
        StringBuilder b = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            b.append(anyChar());
        }
        return b.toString();
    }

    /**
     * Any UTF-16 unit. Control characters, quotes, backslashes and surrogates are where escaping goes
     * wrong, and a uniform draw over 65,536 units would rarely pick them: they get a share of their own.
     */
    public char anyChar() {
        return switch (random.nextInt(8)) {
            case 0, 1 -> (char) random.nextInt(0x80);
            case 2 -> (char) between(0xd800, 0xdfff);
            case 3 -> oneOf('\u0000', '"', '\\', '\u007f', '\u0085', '\u2028', '\ufeff', '\ufffe', '\uffff');
            default -> (char) random.nextInt(0x10000);
        };
    }

    public static final String ALPHA = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    public static final String DIGITS = "0123456789";

    // ---- numbers and bytes ----

    public int anyInt() {
        return switch (random.nextInt(5)) {
            case 0 -> oneOf(0, 1, -1, 2, Integer.MAX_VALUE, Integer.MIN_VALUE, Integer.MAX_VALUE - 1, Integer.MIN_VALUE + 1);
            case 1, 2 -> between(-1_000, 1_000);
            default -> random.nextInt();
        };
    }

    public long anyLong() {
        return switch (random.nextInt(5)) {
            case 0 -> oneOf(0L, 1L, -1L, Long.MAX_VALUE, Long.MIN_VALUE, Long.MAX_VALUE - 1, Long.MIN_VALUE + 1,
                    (long) Integer.MAX_VALUE + 1, (long) Integer.MIN_VALUE - 1);
            case 1 -> between(-1_000L, 1_000L);
            default -> random.nextLong();
        };
    }

    /** Any finite double: edge values, short decimals, and raw bit patterns (huge, tiny and subnormal ones). */
    public double anyDouble() {
        return switch (random.nextInt(5)) {
            case 0 -> oneOf(0.0, -0.0, 1.0, -1.0, 0.01, -0.01, Double.MIN_VALUE, -Double.MIN_VALUE, Double.MAX_VALUE,
                    -Double.MAX_VALUE, Double.MIN_NORMAL);
            case 1, 2 -> Math.round(random.nextDouble(-1e6, 1e6) * 100) / 100.0;
            default -> {
                double d;
                do {
                    d = Double.longBitsToDouble(random.nextLong());
                } while (!Double.isFinite(d));
                yield d;
            }
        };
    }

    /** An integer of up to {@code maxDigits} decimal digits, either sign. */
    public BigInteger bigInteger(int maxDigits) {
        BigInteger n = new BigInteger(string(1, maxDigits, DIGITS));
        return chance(0.5) ? n.negate() : n;
    }

    public byte anyByte() {
        return (byte) random.nextInt(256);
    }

    /** {@code min} to {@code max} bytes of any value. */
    public byte[] bytes(int min, int max) {
        byte[] b = new byte[between(min, max)];
        for (int i = 0; i < b.length; i++) {
            b[i] = anyByte();
        }
        return b;
    }
}
