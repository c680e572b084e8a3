package io.embedgate.cache;

import static io.embedgate.testing.Api.embed;
import static io.embedgate.testing.Api.json;
import static io.embedgate.testing.Api.vector;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;

import io.embedgate.fakes.FakeOpenAi;
import io.embedgate.testing.FakeUpstreamsResource;
import io.embedgate.testing.InjectFake;
import io.embedgate.testing.RedisServerResource;
import io.embedgate.testing.RedisTierOnly;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * A shared Redis is input from outside the process. A real entry is cached, its value in Redis is
 * overwritten with garbage, and the same request is sent again: the garbage is a miss (the upstream
 * answers, correctly), it is counted, and the fresh answer replaces it in Redis.
 */
@QuarkusTest
@TestProfile(RedisTierOnly.class)
@WithTestResource(FakeUpstreamsResource.class)
@WithTestResource(RedisServerResource.class)
class RedisGarbageValuesTest {

    static final String SMALL = "text-embedding-3-small";
    static final int DIMS = 8;
    /** dtype (1) + tokens (8) + expiry epoch millis (8), then float32 little-endian. */
    static final int HEADER = 17;

    @InjectFake
    FakeOpenAi a;
    @Inject
    RedisTier redis;

    static Stream<Arguments> garbage() {
        return Stream.of(
                Arguments.of("length not a multiple of 4", (UnaryOperator<byte[]>) v -> Arrays.copyOf(v, v.length - 1)),
                Arguments.of("2 floats for dimensions 8", (UnaryOperator<byte[]>) v -> withVector(v, floats(0.6f, 0.8f))),
                Arguments.of("1 MB", (UnaryOperator<byte[]>) v -> withVector(v, floats(filled(262_144, 0.001f)))),
                Arguments.of("int8 type byte on a float request", (UnaryOperator<byte[]>) v -> withByte(v, 0, (byte) 1)),
                Arguments.of("NaN", (UnaryOperator<byte[]>) v -> withFloat(v, 3, Float.NaN)),
                Arguments.of("infinity", (UnaryOperator<byte[]>) v -> withFloat(v, 0, Float.POSITIVE_INFINITY)),
                Arguments.of("all zeros", (UnaryOperator<byte[]>) v -> withVector(v, new byte[DIMS * 4])),
                Arguments.of("header only", (UnaryOperator<byte[]>) v -> Arrays.copyOf(v, HEADER)),
                Arguments.of("expired", (UnaryOperator<byte[]>) v -> withLong(v, 9, System.currentTimeMillis() - 60_000)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("garbage")
    void aBadValueIsAMissThatTheFreshAnswerReplaces(String name, UnaryOperator<byte[]> spoil) throws Exception {
        RedisServerResource server = RedisServerResource.current();
        assertEquals("OK", server.call("FLUSHALL"));
        a.reset();
        String text = "garbage case: " + name;
        String body = "{\"model\":\"" + SMALL + "\",\"input\":[\"" + text + "\"],\"dimensions\":" + DIMS
                + ",\"orq\":{\"cache\":{\"type\":\"exact_match\",\"ttl\":600}}}";
        float[] expected = FakeOpenAi.expectedVector(SMALL, text, DIMS);

        embed(body).then().statusCode(200).header("x-embedgate-cache", "hits=0; misses=1");
        byte[] key = onlyKey(server);
        byte[] good = awaitValue(server, key, null);
        assertEquals(HEADER + DIMS * 4, good.length, "a real entry was cached");
        byte[] bad = spoil.apply(good);
        assertEquals("OK", server.call("SET", key, bad, "PX", "600000"));
        long invalidBefore = redis.invalidValues();
        double metricBefore = invalidMetric();

        JsonNode r = json(embed(body).then().statusCode(200).header("x-embedgate-cache", "hits=0; misses=1").extract().response());
        assertArrayEquals(expected, vector(r, 0), "the upstream's vector, not the garbage");
        assertEquals(2, a.callCount(), "the garbage was a miss: the upstream was called again");
        assertEquals(1, redis.invalidValues() - invalidBefore, "the bad value was counted");
        assertEquals(1, invalidMetric() - metricBefore, "and exposed");

        byte[] replaced = awaitValue(server, key, bad);
        assertEquals(good.length, replaced.length);
        assertEquals(good[0], replaced[0], "float type byte");
        assertArrayEquals(Arrays.copyOfRange(good, HEADER, good.length), Arrays.copyOfRange(replaced, HEADER, replaced.length),
                "the fresh vector replaced the garbage");
        JsonNode hit = json(embed(body).then().statusCode(200).header("x-embedgate-cache", "hits=1; misses=0").extract().response());
        assertArrayEquals(expected, vector(hit, 0));
        assertEquals(2, a.callCount(), "the replaced entry is served from Redis");
    }

    static double invalidMetric() {
        String text = given().get("/q/metrics").then().statusCode(200).extract().asString();
        for (String line : text.split("\n")) {
            if (line.startsWith("embedgate_cache_redis_invalid_total")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        throw new AssertionError("embedgate_cache_redis_invalid_total is not exposed");
    }

    /** The one key under the gateway's prefix (the test flushed Redis before its request). */
    static byte[] onlyKey(RedisServerResource server) throws InterruptedException {
        for (int i = 0; i < 250; i++) {
            List<byte[]> keys = server.cacheKeys();
            if (!keys.isEmpty()) {
                assertEquals(1, keys.size());
                return keys.get(0);
            }
            Thread.sleep(20); // writes are asynchronous
        }
        throw new AssertionError("the entry was never written to Redis");
    }

    /** The key's value, once it is present and differs from {@code not}. */
    static byte[] awaitValue(RedisServerResource server, byte[] key, byte[] not) throws InterruptedException {
        Object v = null;
        for (int i = 0; i < 250; i++) {
            v = server.call("GET", key);
            if (v instanceof byte[] b && (not == null || !Arrays.equals(b, not))) {
                return b;
            }
            Thread.sleep(20);
        }
        assertInstanceOf(byte[].class, v, "no value under the key");
        throw new AssertionError("the value was never replaced");
    }

    static byte[] withVector(byte[] value, byte[] vector) {
        byte[] out = Arrays.copyOf(value, HEADER + vector.length);
        System.arraycopy(vector, 0, out, HEADER, vector.length);
        return out;
    }

    static byte[] withByte(byte[] value, int at, byte b) {
        byte[] out = value.clone();
        out[at] = b;
        return out;
    }

    static byte[] withFloat(byte[] value, int index, float f) {
        byte[] out = value.clone();
        ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).putFloat(HEADER + 4 * index, f);
        return out;
    }

    static byte[] withLong(byte[] value, int at, long l) {
        byte[] out = value.clone();
        ByteBuffer.wrap(out).putLong(at, l);
        return out;
    }

    static byte[] floats(float... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : values) {
            b.putFloat(f);
        }
        return b.array();
    }

    static float[] filled(int n, float value) {
        float[] out = new float[n];
        Arrays.fill(out, value);
        return out;
    }
}
