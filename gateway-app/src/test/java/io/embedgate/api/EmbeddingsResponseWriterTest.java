package io.embedgate.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.embedgate.spi.Embedding;
import io.embedgate.spi.Float32;
import io.embedgate.spi.Usage;

class EmbeddingsResponseWriterTest {

    static List<Embedding> vectors(int count, int dims, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<Embedding> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            float[] v = new float[dims];
            for (int k = 0; k < dims; k++) {
                v[k] = (float) ((r.nextDouble() * 2 - 1) / 25);
            }
            if (i % 2 == 0) {
                out.add(Embedding.Floats.of(v));
            } else { // as a provider's base64 text, decoded lazily by whichever thread prints it
                byte[] text = Base64.getEncoder().encode(Float32.toLittleEndian(v));
                out.add(Embedding.Floats.ofBase64(text, 0, text.length));
            }
        }
        return out;
    }

    static byte[] write(List<Embedding> data, Executor side) {
        return write(new EmbeddingsResponse(data, "text-embedding-3-small", new Usage(7, 7, false), null, false, null), side,
                ResponseStream.CHUNK);
    }

    /** The whole text, printed chunk by chunk as the streaming writer does. */
    static byte[] write(EmbeddingsResponse r, Executor side, int chunk) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ResponseText text = new ResponseText(r, side);
        TextBuffer buf = new TextBuffer(16);
        boolean complete;
        do {
            buf.clear();
            complete = text.fill(buf, chunk);
            assertTrue(complete || buf.pos >= chunk, "a chunk is full unless it is the last");
            out.write(buf.buf, 0, buf.pos);
        } while (!complete);
        return out.toByteArray();
    }

    @Test
    void aLargeFloatResponseIsTheSameTextWhoeverPrintsTheSecondHalf() throws Exception {
        List<Embedding> data = vectors(16, 1536, 5);
        byte[] serial = write(data, null);

        AtomicInteger handedOff = new AtomicInteger();
        // A pool thread that starts at once (it takes every vector but the first), one that never
        // starts (the event loop prints everything), and a real pool, where the two meet anywhere.
        byte[] workerFirst = write(data, task -> {
            handedOff.incrementAndGet();
            task.run();
        });
        byte[] neverRun = write(data, task -> handedOff.incrementAndGet());
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            for (int i = 0; i < 200; i++) {
                assertArrayEquals(serial, write(data, pool));
            }
        } finally {
            pool.shutdown();
        }
        assertEquals(2, handedOff.get());
        assertArrayEquals(serial, workerFirst);
        assertArrayEquals(serial, neverRun);

        JsonNode json = new ObjectMapper().readTree(serial);
        assertEquals(16, json.get("data").size());
        for (int i = 0; i < 16; i++) {
            JsonNode item = json.get("data").get(i);
            assertEquals(i, item.get("index").asInt());
            float[] expected = ((Embedding.Floats) data.get(i)).values();
            JsonNode printed = item.get("embedding");
            assertEquals(expected.length, printed.size());
            for (int k = 0; k < expected.length; k++) {
                assertEquals(expected[k], printed.get(k).floatValue(), 0f);
            }
        }
        assertEquals(7, json.get("usage").get("total_tokens").asInt());
    }

    @Test
    void smallResponsesAndBase64AreNeverHandedOff() throws Exception {
        AtomicInteger handedOff = new AtomicInteger();
        Executor counting = task -> {
            handedOff.incrementAndGet();
            task.run();
        };
        write(vectors(4, 1536, 1), counting); // 6,144 floats, below the hand-off threshold
        write(vectors(1, 20_000, 2), counting); // one vector cannot be split
        write(new EmbeddingsResponse(vectors(16, 1536, 3), "m", new Usage(1, 1, false), null, true, null), counting, 1024);
        write(vectors(200, 3072, 4), counting); // 614,400 floats: too many to print ahead
        assertEquals(0, handedOff.get());
    }

    @Test
    void onlyFloatResponsesOfSeveralVectorsAndEnoughNumbersAreShared() {
        assertTrue(ResponseText.worthSharing(vectors(16, 1536, 1)));
        assertTrue(ResponseText.worthSharing(vectors(2, 4096, 1)));
        assertFalse(ResponseText.worthSharing(vectors(4, 1536, 1)));
        assertFalse(ResponseText.worthSharing(vectors(1, 20_000, 1)));
        assertTrue(ResponseText.worthSharing(vectors(64, 3072, 1)));
        assertFalse(ResponseText.worthSharing(vectors(200, 3072, 1)));
        assertFalse(ResponseText.worthSharing(List.of()));
    }

    @Test
    void theTextIsTheSameWhateverTheChunkSize() throws Exception {
        EmbeddingsResponse r = new EmbeddingsResponse(vectors(5, 300, 9), "m\"odel", new Usage(3, 3, false), 2L, false,
                "{\"request_id\":\"x\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        byte[] whole = write(r, null, Integer.MAX_VALUE);
        for (int chunk : new int[]{1, 7, 100, 4096}) {
            assertArrayEquals(whole, write(r, null, chunk), "chunk " + chunk);
        }
        JsonNode json = new ObjectMapper().readTree(whole);
        assertEquals("m\"odel", json.get("model").asText());
        assertEquals(2, json.get("usage").get("prompt_tokens_details").get("cached_tokens").asInt());
        assertEquals("x", json.get("debug").get("request_id").asText());
        EmbeddingsResponse empty = new EmbeddingsResponse(List.of(), "m", Usage.NONE, null, true, null);
        assertEquals(0, new ObjectMapper().readTree(write(empty, null, 8)).get("data").size());
    }
}
