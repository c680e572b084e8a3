package io.embedgate.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.embedgate.fakes.FakeOpenAi;
import io.embedgate.testing.Api;
import io.embedgate.testing.FakeUpstreamsResource;
import io.embedgate.testing.RawHttp;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;

/**
 * Large responses under concurrency, over real sockets: every 200 is exact (each vector bit for bit
 * what the provider sent), whatever the clients' pace, and a client that stops reading is cut off
 * (without a complete-looking response) and gives its memory back, while others are served.
 */
@QuarkusTest
@WithTestResource(FakeUpstreamsResource.class)
@TestProfile(LargeResponsesTest.ShortWriteIdle.class)
class LargeResponsesTest {

    public static class ShortWriteIdle implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gateway.limits.write-idle-timeout", "1s");
        }
    }

    static final int INPUTS = 384;
    static final String MODEL = "text-embedding-3-large";

    static String body(String prefix) {
        StringBuilder b = new StringBuilder("{\"model\":\"openai/" + MODEL + "\",\"input\":[");
        for (int i = 0; i < INPUTS; i++) {
            b.append(i == 0 ? "" : ",").append('"').append(prefix).append(i).append('"');
        }
        return b.append("]}").toString();
    }

    /** Checks one reply: complete JSON, one vector per input, each exactly the provider's. */
    static void assertExact(RawHttp.Reply reply, String prefix) throws Exception {
        assertEquals(200, reply.status(), reply.head());
        assertTrue(reply.complete(), "a 200 arrived whole");
        JsonNode json = Api.JSON.readTree(reply.body());
        assertEquals(INPUTS, json.get("data").size());
        for (int i = 0; i < INPUTS; i++) {
            float[] expected = FakeOpenAi.expectedVector(MODEL, prefix + i, null);
            float[] got = Api.vector(json, i);
            assertEquals(expected.length, got.length);
            for (int k = 0; k < expected.length; k++) {
                if (Float.floatToRawIntBits(expected[k]) != Float.floatToRawIntBits(got[k])) {
                    throw new AssertionError("vector " + i + " value " + k + ": " + got[k] + " instead of " + expected[k]);
                }
            }
        }
    }

    @Test
    void concurrentLargeResponsesAreExactForFastAndSlowReaders() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> all = new ArrayList<>();
            for (int c = 0; c < 4; c++) {
                String prefix = "client" + c + "-";
                boolean slow = c % 2 == 1;
                all.add(pool.submit(() -> {
                    try (RawHttp exchange = RawHttp.post(RestAssured.port, "/v1/embeddings", body(prefix), 16 * 1024)) {
                        // A slow reader pauses 50 ms every 256 KB: far below the idle timeout, many times over.
                        assertExact(exchange.readAll(slow ? 256 * 1024 : 0, 50), prefix);
                    }
                    return null;
                }));
            }
            for (Future<?> f : all) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aClientThatNeverReadsIsCutOffWhileOthersAreServedAndItsMemoryComesBack() throws Exception {
        try (RawHttp stalled = RawHttp.post(RestAssured.port, "/v1/embeddings", body("stalled-"), 4 * 1024)) {
            for (int i = 0; i < 10; i++) {
                Api.embed("{\"model\":\"text-embedding-3-small\",\"input\":\"meanwhile " + i + "\"}").then().statusCode(200);
            }
            // The stalled response holds its share of the memory budget until the idle timeout cuts it off.
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            double inflight;
            do {
                Thread.sleep(200);
                inflight = inflightBytes();
            } while (inflight > 0 && System.nanoTime() < until);
            assertEquals(0.0, inflight, "every request's memory was given back");
            RawHttp.Reply cut = stalled.readAll(0, 0);
            assertEquals(200, cut.status(), "the head had gone out before the client stopped reading");
            assertFalse(cut.complete(), "the client sees a cut-off response, not a short complete one");
        }
    }

    static double inflightBytes() {
        String metrics = RestAssured.get("/q/metrics").asString();
        for (String line : metrics.split("\n")) {
            if (line.startsWith("embedgate_inflight_bytes ")) {
                return Double.parseDouble(line.substring(line.indexOf(' ') + 1).trim());
            }
        }
        throw new AssertionError("no embedgate_inflight_bytes in /q/metrics");
    }
}
