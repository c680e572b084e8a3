package io.embedgate.bench;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import io.embedgate.fakes.FakeVectors;
import io.embedgate.spi.Embedding;
import io.embedgate.spi.Float32;

/** Shared test data: the same texts and 1536-dimension vectors the load benchmark uses. */
public final class Inputs {

    public static final int DIMS = 1536;

    private Inputs() {
    }

    public static List<String> texts(int n) {
        List<String> t = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            t.add("benchmark input number " + i + ": the quick brown fox jumps over the lazy dog");
        }
        return t;
    }

    public static byte[] requestJson(int n, String encoding) {
        StringBuilder b = new StringBuilder("{\"model\":\"text-embedding-3-small\",\"input\":[");
        List<String> texts = texts(n);
        for (int i = 0; i < n; i++) {
            b.append(i == 0 ? "" : ",").append('"').append(texts.get(i)).append('"');
        }
        return b.append("],\"encoding_format\":\"").append(encoding).append("\"}").toString().getBytes(StandardCharsets.UTF_8);
    }

    public static List<Embedding> vectors(int n) {
        List<Embedding> v = new ArrayList<>(n);
        for (String t : texts(n)) {
            v.add(Embedding.Floats.of(FakeVectors.unit("text-embedding-3-small", t, DIMS)));
        }
        return v;
    }

    /** An OpenAI response body with base64 vectors, as the gateway receives it upstream. */
    public static byte[] upstreamBase64Response(int n) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StringBuilder b = new StringBuilder("{\"object\":\"list\",\"data\":[");
        List<Embedding> v = vectors(n);
        for (int i = 0; i < n; i++) {
            b.append(i == 0 ? "" : ",").append("{\"object\":\"embedding\",\"index\":").append(i).append(",\"embedding\":\"")
                    .append(Base64.getEncoder().encodeToString(Float32.toLittleEndian(((Embedding.Floats) v.get(i)).values())))
                    .append("\"}");
        }
        b.append("],\"model\":\"text-embedding-3-small\",\"usage\":{\"prompt_tokens\":5,\"total_tokens\":5}}");
        out.writeBytes(b.toString().getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }
}
