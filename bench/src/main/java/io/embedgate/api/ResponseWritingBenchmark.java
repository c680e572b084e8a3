package io.embedgate.api;

import java.io.OutputStream;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
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
import io.embedgate.spi.Embedding;
import io.embedgate.spi.Usage;

/** Streaming the client response: float text vs base64, per vector count (1536 dims). */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ResponseWritingBenchmark {

    @Param({"1", "16", "256"})
    int inputs;

    List<Embedding> vectors;
    final CountingSink sink = new CountingSink();

    @Setup
    public void setUp() {
        vectors = Inputs.vectors(inputs);
    }

    @Benchmark
    public long floatText() {
        return print(new EmbeddingsResponse(vectors, "text-embedding-3-small", new Usage(5, 5, false), null, false, null), null);
    }

    /** The second half of a large response printed by the common pool, as the gateway does it. */
    @Benchmark
    public long floatTextTwoThreads() {
        return print(new EmbeddingsResponse(vectors, "text-embedding-3-small", new Usage(5, 5, false), null, false, null),
                ForkJoinPool.commonPool());
    }

    @Benchmark
    public long base64() {
        return print(new EmbeddingsResponse(vectors, "text-embedding-3-small", new Usage(5, 5, false), null, true, null), null);
    }

    /** The whole response, chunk by chunk into one reused buffer, as the gateway prints it. */
    private long print(EmbeddingsResponse r, java.util.concurrent.Executor side) {
        ResponseText text = new ResponseText(r, side);
        boolean complete;
        do {
            buffer.clear();
            complete = text.fill(buffer, ResponseStream.CHUNK);
            sink.write(buffer.buf, 0, buffer.pos);
        } while (!complete);
        return sink.count;
    }

    final TextBuffer buffer = new TextBuffer(64 * 1024);

    /** Counts bytes, like a socket that never blocks. */
    static final class CountingSink extends OutputStream {

        long count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            count += len;
        }
    }
}
