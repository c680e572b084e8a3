package io.embedgate.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executor;
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

    static byte[] write(List<Embedding> data, Executor side) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new EmbeddingsResponseWriter.Chunks(out, side)
                .response(new EmbeddingsResponse(data, "text-embedding-3-small", new Usage(7, 7, false), null, false, null))
                .flush();
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
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new EmbeddingsResponseWriter.Chunks(out, counting)
                .response(new EmbeddingsResponse(vectors(16, 1536, 3), "m", new Usage(1, 1, false), null, true, null))
                .flush();
        assertEquals(0, handedOff.get());
    }

    @Test
    void onlyFloatResponsesOfSeveralVectorsAndEnoughNumbersAreShared() {
        assertTrue(EmbeddingsResponseWriter.worthSharing(vectors(16, 1536, 1)));
        assertTrue(EmbeddingsResponseWriter.worthSharing(vectors(2, 4096, 1)));
        assertFalse(EmbeddingsResponseWriter.worthSharing(vectors(4, 1536, 1)));
        assertFalse(EmbeddingsResponseWriter.worthSharing(vectors(1, 20_000, 1)));
        assertFalse(EmbeddingsResponseWriter.worthSharing(List.of()));
    }
}
