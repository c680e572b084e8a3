package io.embedgate.spi;

import java.util.Random;
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

/**
 * What the gateway computes per vector when a provider cannot: quantisation (binary packing, int8
 * scaling) and Matryoshka shortening (truncate, nomic's layer norm), for one vector of the given size.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class GatewayVectorWorkBenchmark {

    @Param({"768", "1536"})
    int dimensions;

    float[] vector;

    @Setup
    public void setUp() {
        Random r = new Random(42);
        vector = new float[dimensions];
        for (int i = 0; i < dimensions; i++) {
            vector[i] = (float) r.nextGaussian();
        }
        Float32.normalizeInPlace(vector);
    }

    @Benchmark
    public Embedding.Bytes binary() {
        return Quantization.quantize(vector, OutputDtype.BINARY);
    }

    @Benchmark
    public Embedding.Bytes int8() {
        return Quantization.quantize(vector, OutputDtype.INT8);
    }

    @Benchmark
    public float[] truncateToQuarter() {
        return Matryoshka.TRUNCATE.reduce(vector, dimensions / 4);
    }

    @Benchmark
    public float[] layerNormToQuarter() {
        return Matryoshka.LAYER_NORM.reduce(vector, dimensions / 4);
    }
}
