package io.embedgate.bench;

import java.io.IOException;
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

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;

import io.embedgate.api.EmbeddingRequest;
import io.embedgate.api.StrictJson;

/** Parsing a client request body into the request record, with the gateway's Jackson settings. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RequestParsingBenchmark {

    @Param({"1", "16", "256"})
    int inputs;

    byte[] body;
    ObjectReader reader;

    @Setup
    public void setUp() {
        ObjectMapper mapper = new ObjectMapper();
        new StrictJson().customize(mapper);
        reader = mapper.readerFor(EmbeddingRequest.class);
        body = Inputs.requestJson(inputs, "float");
    }

    @Benchmark
    public EmbeddingRequest parse() throws IOException {
        return reader.readValue(body);
    }
}
