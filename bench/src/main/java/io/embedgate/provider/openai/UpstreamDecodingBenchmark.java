package io.embedgate.provider.openai;

import java.util.OptionalInt;
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
import io.embedgate.spi.EmbeddingResult;

/** Decoding an upstream OpenAI answer with base64 float32 vectors into float[] (1536 dims). */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class UpstreamDecodingBenchmark {

    @Param({"1", "16", "256"})
    int inputs;

    byte[] body;

    @Setup
    public void setUp() {
        body = Inputs.upstreamBase64Response(inputs);
    }

    @Benchmark
    public EmbeddingResult decodeBase64Response() {
        return OpenAiWire.response(body, inputs, OptionalInt.empty(), "openai", "text-embedding-3-small");
    }
}
