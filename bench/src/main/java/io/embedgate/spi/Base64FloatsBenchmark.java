package io.embedgate.spi;

import java.util.Base64;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import io.embedgate.bench.Inputs;

/**
 * One 1536-float vector from OpenAI's base64 to {@code float[]}, as every vector of a float client's
 * answer is decoded, and checked without decoding, as for a base64 client: with {@link Float32}'s
 * tables, and with the JDK's decoder. Which one
 * {@link Float32#fromBase64} uses depends on the JDK (the JDK's is a SIMD intrinsic on x86 from JDK
 * 21): run this on each JDK to see why.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class Base64FloatsBenchmark {

    @Param({"true", "false"})
    boolean tables;

    byte[] text;

    @Setup
    public void setUp() {
        float[] vector = ((Embedding.Floats) Inputs.vectors(1).get(0)).values();
        text = Base64.getEncoder().encode(Float32.toLittleEndian(vector));
    }

    @Benchmark
    public float[] decode() {
        return Float32.fromBase64(text, 0, text.length, tables);
    }

    /** The check every vector a base64 client gets passes (finite, not all zero), without decoding it into floats. */
    @Benchmark
    public Float32.Validity validity() {
        return Float32.validityOfBase64(text, 0, text.length, tables);
    }
}
