package io.embedgate.bench;

import java.util.List;
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
import org.openjdk.jmh.infra.Blackhole;

import io.embedgate.cache.CacheKeys;

/** Cache keys for a whole request: one shared prefix plus one hash per input. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CacheKeyBenchmark {

    @Param({"1", "16", "256"})
    int inputs;

    List<String> texts;

    @Setup
    public void setUp() {
        texts = Inputs.texts(inputs);
    }

    @Benchmark
    public void keysForRequest(Blackhole bh) {
        CacheKeys keys = CacheKeys.forRequest("text-embedding-3-small", "text-embedding-3-small", 1536, "float", true, null, null);
        for (String t : texts) {
            bh.consume(keys.text(t));
        }
    }
}
