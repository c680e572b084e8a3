package io.embedgate.fakes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

class FakeVoyageTest {

    static FakeVoyage fake;
    static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
            .build();
    static final ObjectMapper json = new ObjectMapper();

    @BeforeAll
    static void start() {
        fake = FakeVoyage.start();
    }

    @AfterAll
    static void stop() {
        fake.close();
    }

    @BeforeEach
    void reset() {
        fake.reset();
        fake.defaults();
    }

    HttpResponse<String> post(String path, String body, String key) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + fake.port() + path)).timeout(Duration.ofSeconds(20))
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            b.header("authorization", "Bearer " + key);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String body) throws Exception {
        return post("/v1/embeddings", body, fake.apiKey());
    }

    JsonNode ok(String body) throws Exception {
        HttpResponse<String> r = post(body);
        assertEquals(200, r.statusCode(), r.body());
        return json.readTree(r.body());
    }

    static void assertDetail(HttpResponse<String> r, int status, String detail) throws Exception {
        assertEquals(status, r.statusCode(), r.body());
        assertTrue(json.readTree(r.body()).get("detail").asText().contains(detail), r.body());
    }

    static float[] floats(JsonNode e) {
        if (e.isTextual()) {
            byte[] raw = Base64.getDecoder().decode(e.asText());
            float[] v = new float[raw.length / 4];
            ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
            return v;
        }
        float[] v = new float[e.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = e.get(i).floatValue();
        }
        return v;
    }

    static String inputs(int n, int bytes) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < n; i++) {
            b.append(i == 0 ? "" : ",").append('"').append("x".repeat(bytes)).append('"');
        }
        return b.append(']').toString();
    }

    @Test
    void floatsInBothEncodingsWithPromptsAndTotalTokens() throws Exception {
        JsonNode body = ok("{\"input\":[\"hello\",\"a longer text\"],\"model\":\"voyage-3.5\"}");
        assertEquals("list", body.get("object").asText());
        assertEquals("voyage-3.5", body.get("model").asText());
        assertEquals(1, body.get("usage").size(), "usage holds total_tokens only");
        assertEquals(FakeVectors.tokens("hello") + FakeVectors.tokens("a longer text"), body.get("usage").get("total_tokens").asInt());
        assertEquals(1, body.get("data").get(1).get("index").asInt());
        float[] plain = floats(body.get("data").get(1).get("embedding"));
        assertEquals(1024, plain.length);
        assertArrayEquals(FakeVoyage.expectedFloats("voyage-3.5", null, "a longer text", null), plain);
        float[] query = floats(
                ok("{\"input\":\"a longer text\",\"model\":\"voyage-3.5\",\"input_type\":\"query\",\"encoding_format\":\"base64\"}")
                        .get("data").get(0).get("embedding"));
        assertArrayEquals(FakeVoyage.expectedFloats("voyage-3.5", "query", "a longer text", null), query);
        assertArrayEquals(FakeVectors.shortened(FakeVectors.unit("voyage-3.5", FakeVoyage.QUERY_PROMPT + "a longer text", 2048), 1024),
                query);
        assertFalse(Arrays.equals(plain, query), "the prompt changes the vector");
        assertEquals(2048, floats(ok("{\"input\":\"x\",\"model\":\"voyage-4-large\",\"output_dimension\":2048}").get("data").get(0)
                .get("embedding")).length);
        assertEquals(1536, floats(ok("{\"input\":\"x\",\"model\":\"voyage-code-2\"}").get("data").get(0).get("embedding")).length);
        assertEquals(512, floats(ok("{\"input\":\"x\",\"model\":\"voyage-3-lite\"}").get("data").get(0).get("embedding")).length);
    }

    @Test
    void quantisedTypesAsNumbersAndRawBytes() throws Exception {
        for (int dims : new int[]{256, 2048}) {
            for (String dtype : new String[]{"int8", "uint8", "binary", "ubinary"}) {
                String req = "{\"input\":[\"q\"],\"model\":\"voyage-code-3\",\"input_type\":\"document\",\"output_dimension\":" + dims
                        + ",\"output_dtype\":\"" + dtype + "\"";
                int[] expected = FakeVoyage.expectedInts("voyage-code-3", "document", "q", dims, dtype);
                assertEquals(dtype.endsWith("binary") ? dims / 8 : dims, expected.length);
                JsonNode numbers = ok(req + "}").get("data").get(0).get("embedding");
                int[] got = new int[numbers.size()];
                for (int i = 0; i < got.length; i++) {
                    got[i] = numbers.get(i).asInt();
                }
                assertArrayEquals(expected, got, dtype);
                byte[] raw = Base64.getDecoder()
                        .decode(ok(req + ",\"encoding_format\":\"base64\"}").get("data").get(0).get("embedding").asText());
                boolean signed = dtype.equals("int8") || dtype.equals("binary");
                for (int i = 0; i < raw.length; i++) {
                    assertEquals(expected[i], signed ? raw[i] : raw[i] & 0xff, dtype + " base64 " + i);
                }
            }
        }
        float[] f = FakeVoyage.expectedFloats("voyage-code-3", null, "q", 256);
        int[] uint8 = FakeVoyage.expectedInts("voyage-code-3", null, "q", 256, "uint8");
        assertEquals(Math.max(0, Math.min(255, Math.round((f[3] + 0.08) / 0.16 * 255))), uint8[3]);
        assertEquals(uint8[3] - 128, FakeVoyage.expectedInts("voyage-code-3", null, "q", 256, "int8")[3]);
        assertArrayEquals(FakeQuantization.packed(f, true, false), FakeVoyage.expectedInts("voyage-code-3", null, "q", 256, "binary"));
    }

    @Test
    void requestRulesAndLimits() throws Exception {
        assertEquals(1000, ok("{\"input\":" + inputs(1000, 1) + ",\"model\":\"voyage-3.5-lite\"}").get("data").size());
        assertDetail(post("{\"input\":" + inputs(1001, 1) + ",\"model\":\"voyage-3.5-lite\"}"), 400,
                "The batch size limit is 1000. Your batch size is 1001.");
        // 120K tokens a batch for voyage-3-large: five inputs of 24,000 tokens fit, six do not (context 32K each).
        assertEquals(5, ok("{\"input\":" + inputs(5, 96_000) + ",\"model\":\"voyage-3-large\"}").get("data").size());
        assertDetail(post("{\"input\":" + inputs(6, 96_000) + ",\"model\":\"voyage-3-large\"}"), 400,
                "The max allowed tokens per submitted batch is 120000. Your batch has 144000 tokens");
        assertEquals(6, ok("{\"input\":" + inputs(6, 96_000) + ",\"model\":\"voyage-3.5\"}").get("data").size());
        fake.maxTokens(10);
        assertDetail(post("{\"input\":" + inputs(2, 24) + ",\"model\":\"voyage-3.5\"}"), 400,
                "max allowed tokens per submitted batch is 10");
        fake.maxTokens(null);
        // Context 4K on voyage-2: truncated by default, an error with truncation false.
        assertEquals(4000, ok("{\"input\":" + inputs(1, 20_000) + ",\"model\":\"voyage-2\"}").get("usage").get("total_tokens").asInt());
        assertDetail(post("{\"input\":" + inputs(1, 20_000) + ",\"model\":\"voyage-2\",\"truncation\":false}"), 400,
                "exceeds the context length of 4000");
        assertDetail(post("{\"input\":\"x\",\"model\":\"voyage-3.5\",\"output_dimension\":700}"), 400, "accepted values are [256, 512");
        assertDetail(post("{\"input\":\"x\",\"model\":\"voyage-law-2\",\"output_dimension\":1024}"), 400, "does not support");
        assertDetail(post("{\"input\":\"x\",\"model\":\"voyage-finance-2\",\"output_dtype\":\"int8\"}"), 400, "does not support");
        assertDetail(post("{\"input\":\"x\",\"model\":\"voyage-3.5\",\"input_type\":\"passage\"}"), 400, "'query', 'document' or None");
        assertDetail(post("{\"input\":\"x\",\"model\":\"voyage-3.5\",\"encoding_format\":\"float\"}"), 400, "encoding_format");
        assertDetail(post("{\"input\":[1,2],\"model\":\"voyage-3.5\"}"), 400, "list of strings");
        assertDetail(post("{\"input\":\"x\",\"model\":\"voyage-9\"}"), 400, "Model voyage-9 is not supported");
        assertEquals(422, post("not json").statusCode());
    }

    @Test
    void authAndCannedFaults() throws Exception {
        String body = "{\"input\":[\"a\",\"b\"],\"model\":\"voyage-3.5\"}";
        assertDetail(post("/v1/embeddings", body, null), 401, "No API key provided");
        assertDetail(post("/v1/embeddings", body, "pa-wrong"), 401, "Provided API key is invalid.");
        assertEquals(404, post("/embeddings", body, fake.apiKey()).statusCode());
        fake.enqueue(FakeVoyage.rateLimited(3), FakeVoyage.serverError(), FakeVoyage.badGateway(), FakeVoyage.unavailable(),
                FakeVoyage.gatewayTimeout(), Fault.missingVector());
        HttpResponse<String> r = post(body);
        assertDetail(r, 429, "exceeded your rate limit");
        assertEquals("3", r.headers().firstValue("retry-after").orElseThrow());
        assertDetail(post(body), 500, "Internal Server Error");
        assertEquals(502, post(body).statusCode());
        assertDetail(post(body), 503, "Service Unavailable");
        assertDetail(post(body), 504, "Gateway Timeout");
        assertEquals(1, ok(body).get("data").size());
    }
}
