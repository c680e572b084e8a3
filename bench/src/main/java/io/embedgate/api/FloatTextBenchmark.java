package io.embedgate.api;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** Nanoseconds per float printed: ours against the JDK's shortest-representation Float.toString. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@OperationsPerInvocation(FloatTextBenchmark.N)
public class FloatTextBenchmark {

    static final int N = 1536;

    final float[] values = new float[N];
    final byte[] buf = new byte[N * FloatText.MAX_CHARS];

    {
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < N; i++) {
            values[i] = (float) ((r.nextDouble() * 2 - 1) / 20);
        }
    }

    @Benchmark
    public int floatText() {
        int pos = 0;
        for (float f : values) {
            pos = FloatText.write(f, buf, pos);
        }
        return pos;
    }

    @Benchmark
    public int jdkFloatToString() {
        int n = 0;
        for (float f : values) {
            n += Float.toString(f).length();
        }
        return n;
    }
}
