package io.embedgate.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import io.embedgate.spi.Float32;
import io.embedgate.spi.OutputDtype;
import io.vertx.core.buffer.Buffer;

/** The shared tier's values: what is written reads back, and nothing that does not fit the request is used. */
class RedisValueTest {

    static final long NOW = 1_750_000_000_000L;
    static final float[] UNIT8 = {0.5f, -0.5f, 0.5f, -0.5f, 0f, 0f, 0f, 0f};
    static final VectorShape FLOAT8 = VectorShape.of(OutputDtype.FLOAT, 8);

    @Test
    void theExpectedLengthFollowsTheElementType() {
        assertEquals(32, VectorShape.of(OutputDtype.FLOAT, 8).bytes());
        assertEquals(8, VectorShape.of(OutputDtype.INT8, 8).bytes());
        assertEquals(8, VectorShape.of(OutputDtype.UINT8, 8).bytes());
        assertEquals(1, VectorShape.of(OutputDtype.BINARY, 8).bytes());
        assertEquals(2, VectorShape.of(OutputDtype.UBINARY, 9).bytes(), "packed bits round up to a whole byte");
    }

    @Test
    void aFloatEntryReadsBackWithTheTimeItHasLeft() {
        CachedVector v = new CachedVector(Float32.toLittleEndian(UNIT8), OutputDtype.FLOAT, 7, 0);
        RedisValue.Decoded d = RedisValue.decode(Buffer.buffer(RedisValue.encode(v, NOW + 60_000)), FLOAT8, NOW);
        assertNull(d.problem());
        assertArrayEquals(v.bytes(), d.entry().bytes());
        assertEquals(OutputDtype.FLOAT, d.entry().dtype());
        assertEquals(7, d.entry().tokens());
        assertEquals(TimeUnit.SECONDS.toNanos(60), d.entry().ttlNanos());
    }

    @ParameterizedTest
    @EnumSource(value = OutputDtype.class, names = {"INT8", "UINT8", "BINARY", "UBINARY"})
    void quantisedEntriesReadBackWhateverTheirBytes(OutputDtype dtype) {
        VectorShape shape = VectorShape.of(dtype, 16);
        byte[] bytes = new byte[shape.bytes()]; // all zero: any byte is a valid quantised value
        CachedVector v = new CachedVector(bytes, dtype, 0, 0);
        RedisValue.Decoded d = RedisValue.decode(Buffer.buffer(RedisValue.encode(v, NOW + 1)), shape, NOW);
        assertNotNull(d.entry(), dtype + ": " + d.problem());
        assertEquals(dtype, d.entry().dtype());
    }

    static Stream<Arguments> garbage() {
        byte[] good = floatValue(UNIT8, NOW + 60_000);
        return Stream.of(
                Arguments.of("empty", new byte[0]),
                Arguments.of("header only", header(OutputDtype.FLOAT, 1, NOW + 60_000).array()),
                Arguments.of("length not whole floats", concat(header(OutputDtype.FLOAT, 1, NOW + 60_000).array(), new byte[31])),
                Arguments.of("2 floats for 8 dimensions", floatValue(new float[]{0.6f, 0.8f}, NOW + 60_000)),
                Arguments.of("one byte too many", concat(good, new byte[1])),
                Arguments.of("1 MB", concat(header(OutputDtype.FLOAT, 1, NOW + 60_000).array(), new byte[1 << 20])),
                Arguments.of("int8 type byte, right length for float", withByte(good, 0, (byte) OutputDtype.INT8.ordinal())),
                Arguments.of("unknown type byte", withByte(good, 0, (byte) 0x7f)),
                Arguments.of("negative tokens", withLong(good, 1, -1)),
                Arguments.of("expired", floatValue(UNIT8, NOW)),
                Arguments.of("expiry that would overflow", floatValue(UNIT8, Long.MIN_VALUE)),
                Arguments.of("NaN", floatValue(new float[]{0.5f, Float.NaN, 0, 0, 0, 0, 0, 0}, NOW + 60_000)),
                Arguments.of("infinity", floatValue(new float[]{0, 0, 0, 0, 0, 0, 0, Float.NEGATIVE_INFINITY}, NOW + 60_000)),
                Arguments.of("all zeros", floatValue(new float[8], NOW + 60_000)),
                Arguments.of("negative zeros", floatValue(new float[]{-0f, -0f, -0f, -0f, -0f, -0f, -0f, -0f}, NOW + 60_000)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("garbage")
    void aValueThatDoesNotFitIsNotUsed(String name, byte[] value) {
        RedisValue.Decoded d = RedisValue.decode(Buffer.buffer(value), FLOAT8, NOW);
        assertNull(d.entry(), name);
        assertNotNull(d.problem(), name);
    }

    @Test
    void aFloatValueIsNotUsedForAQuantisedRequestOfTheSameLength() {
        // 8 float32 values are 32 bytes, as are 32 int8 values: only the type byte tells them apart.
        RedisValue.Decoded d = RedisValue.decode(Buffer.buffer(floatValue(UNIT8, NOW + 60_000)), VectorShape.of(OutputDtype.INT8, 32), NOW);
        assertNull(d.entry());
        assertEquals("element type float, expected int8", d.problem());
    }

    @Test
    void theProblemNamesTheLengthsButNeverTheBytes() {
        RedisValue.Decoded d = RedisValue.decode(Buffer.buffer(floatValue(new float[]{0.6f, 0.8f}, NOW + 60_000)), FLOAT8, NOW);
        assertEquals("25 bytes, expected 49 for 32 bytes of float", d.problem());
    }

    static byte[] floatValue(float[] v, long expiresAt) {
        return RedisValue.encode(new CachedVector(Float32.toLittleEndian(v), OutputDtype.FLOAT, 1, 0), expiresAt);
    }

    static ByteBuffer header(OutputDtype dtype, long tokens, long expiresAt) {
        return ByteBuffer.allocate(RedisValue.HEADER).put((byte) dtype.ordinal()).putLong(tokens).putLong(expiresAt);
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    static byte[] withByte(byte[] value, int at, byte b) {
        byte[] out = value.clone();
        out[at] = b;
        return out;
    }

    static byte[] withLong(byte[] value, int at, long l) {
        byte[] out = value.clone();
        ByteBuffer.wrap(out).putLong(at, l);
        return out;
    }
}
