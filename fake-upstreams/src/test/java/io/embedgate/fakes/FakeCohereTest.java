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
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

class FakeCohereTest {

    static FakeCohere fake;
    static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
            .build();
    static final ObjectMapper json = new ObjectMapper();

    @BeforeAll
    static void start() {
        fake = FakeCohere.start();
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
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(fake.baseUrl() + path)).timeout(Duration.ofSeconds(20))
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            b.header("authorization", "Bearer " + key);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String body) throws Exception {
        return post("/v2/embed", body, fake.apiKey());
    }

    JsonNode ok(String body) throws Exception {
        HttpResponse<String> r = post(body);
        assertEquals(200, r.statusCode(), r.body());
        return json.readTree(r.body());
    }

    static void assertMessage(HttpResponse<String> r, int status, String message) throws Exception {
        assertEquals(status, r.statusCode(), r.body());
        assertTrue(json.readTree(r.body()).get("message").asText().contains(message), r.body());
    }

    static float[] floats(JsonNode a) {
        float[] v = new float[a.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = a.get(i).floatValue();
        }
        return v;
    }

    static int[] ints(JsonNode a) {
        int[] v = new int[a.size()];
        for (int i = 0; i < v.length; i++) {
            assertTrue(a.get(i).isInt());
            v[i] = a.get(i).asInt();
        }
        return v;
    }

    static String texts(int n) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < n; i++) {
            b.append(i == 0 ? "" : ",").append("\"x\"");
        }
        return b.append(']').toString();
    }

    @Test
    void floatsPerInputTypeWithBilledUnits() throws Exception {
        JsonNode body = ok("{\"model\":\"embed-english-v3.0\",\"texts\":[\"hello\",\"a longer text\"],\"input_type\":\"search_query\","
                + "\"embedding_types\":[\"float\"]}");
        assertEquals("embeddings_by_type", body.get("response_type").asText());
        assertEquals(List.of("float"), List.copyOf(iterable(body.get("embeddings").fieldNames())));
        assertArrayEquals(FakeCohere.expectedFloats("embed-english-v3.0", "search_query", "a longer text", null),
                floats(body.get("embeddings").get("float").get(1)));
        assertEquals(1024, body.get("embeddings").get("float").get(0).size());
        assertEquals("hello", body.get("texts").get(0).asText());
        assertEquals(FakeVectors.tokens("hello") + FakeVectors.tokens("a longer text"),
                body.get("meta").get("billed_units").get("input_tokens").asInt());
        assertEquals("2", body.get("meta").get("api_version").get("version").asText());
        // Another input type, another vector (Cohere's embeddings depend on it).
        float[] doc = floats(ok("{\"model\":\"embed-english-v3.0\",\"texts\":[\"hello\"],\"input_type\":\"search_document\"}")
                .get("embeddings").get("float").get(0));
        assertFalse(java.util.Arrays.equals(doc, FakeCohere.expectedFloats("embed-english-v3.0", "search_query", "hello", null)));
        assertArrayEquals(FakeCohere.expectedFloats("embed-english-v3.0", "search_document", "hello", null), doc);
        assertEquals(384, ok("{\"model\":\"embed-multilingual-light-v3.0\",\"texts\":[\"x\"],\"input_type\":\"clustering\"}")
                .get("embeddings").get("float").get(0).size());
    }

    static <T> List<T> iterable(java.util.Iterator<T> it) {
        List<T> out = new java.util.ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }

    @Test
    void everyTypeAtOnceAndSizesOnV4() throws Exception {
        for (Integer dims : new Integer[]{null, 256, 512, 1024, 1536}) {
            JsonNode e = ok("{\"model\":\"embed-v4.0\",\"texts\":[\"q\"],\"input_type\":\"classification\","
                    + "\"embedding_types\":[\"float\",\"int8\",\"uint8\",\"binary\",\"ubinary\",\"base64\"]"
                    + (dims == null ? "" : ",\"output_dimension\":" + dims) + "}").get("embeddings");
            int size = dims == null ? 1536 : dims;
            float[] f = FakeCohere.expectedFloats("embed-v4.0", "classification", "q", dims);
            assertEquals(size, f.length);
            assertArrayEquals(f, floats(e.get("float").get(0)));
            for (String type : new String[]{"int8", "uint8", "binary", "ubinary"}) {
                int[] got = ints(e.get(type).get(0));
                assertArrayEquals(FakeCohere.expectedInts("embed-v4.0", "classification", "q", dims, type), got, type);
                assertEquals(type.endsWith("binary") ? size / 8 : size, got.length, type);
                int min = type.equals("int8") || type.equals("binary") ? -128 : 0;
                for (int v : got) {
                    assertTrue(v >= min && v <= min + 255, type + " " + v);
                }
            }
            int[] ubinary = ints(e.get("ubinary").get(0));
            int[] binary = ints(e.get("binary").get(0));
            for (int i = 0; i < size; i++) {
                assertEquals(f[i] > 0, (ubinary[i / 8] & (0x80 >>> (i % 8))) != 0);
            }
            for (int i = 0; i < ubinary.length; i++) {
                assertEquals(ubinary[i] - 128, binary[i]);
            }
            int[] int8 = ints(e.get("int8").get(0));
            int[] uint8 = ints(e.get("uint8").get(0));
            for (int i = 0; i < size; i++) {
                assertEquals(Math.max(0, Math.min(255, Math.round((f[i] + 0.1) / 0.2 * 255))), uint8[i]);
                assertEquals(uint8[i] - 128, int8[i]);
            }
            byte[] raw = Base64.getDecoder().decode(e.get("base64").get(0).asText());
            float[] decoded = new float[raw.length / 4];
            ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(decoded);
            assertArrayEquals(f, decoded);
        }
    }

    @Test
    void requestRulesAndLimits() throws Exception {
        assertEquals(96, ok("{\"model\":\"embed-v4.0\",\"texts\":" + texts(96) + ",\"input_type\":\"search_document\"}")
                .get("embeddings").get("float").size());
        assertMessage(post("{\"model\":\"embed-v4.0\",\"texts\":" + texts(97) + ",\"input_type\":\"search_document\"}"), 400,
                "at most 96 - received 97");
        fake.maxTexts(2);
        assertMessage(post("{\"model\":\"embed-v4.0\",\"texts\":" + texts(3) + ",\"input_type\":\"search_document\"}"), 400,
                "at most 2");
        fake.maxTexts(FakeCohere.MAX_TEXTS);
        assertMessage(post("{\"model\":\"embed-v4.0\",\"texts\":[\"x\"]}"), 400, "valid input_type must be provided");
        assertMessage(post("{\"model\":\"embed-v4.0\",\"texts\":[\"x\"],\"input_type\":\"query\"}"), 400, "input_type must be one of");
        assertMessage(post("{\"model\":\"embed-v4.0\",\"texts\":[\"x\"],\"input_type\":\"search_query\",\"output_dimension\":700}"), 400,
                "output_dimension must be one of [256, 512, 1024, 1536]");
        assertMessage(post("{\"model\":\"embed-english-v3.0\",\"texts\":[\"x\"],\"input_type\":\"search_query\",\"output_dimension\":512}"),
                400, "only supported for embed-v4.0");
        assertMessage(post("{\"model\":\"embed-v4.0\",\"texts\":[\"x\"],\"input_type\":\"search_query\",\"embedding_types\":[\"int4\"]}"),
                400, "embedding_types");
        assertMessage(post("{\"model\":\"embed-v4.0\",\"texts\":[\"x\"],\"input_type\":\"search_query\",\"truncate\":\"LEFT\"}"), 400,
                "truncate");
        assertMessage(post("{\"model\":\"embed-v9\",\"texts\":[\"x\"],\"input_type\":\"search_query\"}"), 404,
                "model 'embed-v9' not found");
        assertMessage(post("{\"model\":\"embed-v4.0\",\"texts\":[],\"input_type\":\"search_query\"}"), 400, "non-empty");
        // Context: 512 tokens on v3 (the fake counts 4 bytes a token). END by default, NONE makes it an error.
        String long600 = "\"" + "y".repeat(4 * 600) + "\"";
        JsonNode truncated = ok("{\"model\":\"embed-english-v3.0\",\"texts\":[" + long600 + "],\"input_type\":\"search_query\"}");
        assertEquals(512, truncated.get("meta").get("billed_units").get("input_tokens").asInt());
        assertMessage(
                post("{\"model\":\"embed-english-v3.0\",\"texts\":[" + long600
                        + "],\"input_type\":\"search_query\",\"truncate\":\"NONE\"}"),
                400, "exceeds the maximum of 512");
        assertEquals(100, ok("{\"model\":\"embed-v4.0\",\"texts\":[" + long600 + "],\"input_type\":\"search_query\",\"max_tokens\":100}")
                .get("meta").get("billed_units").get("input_tokens").asInt());
        fake.defaultTruncate("NONE");
        assertEquals(400,
                post("{\"model\":\"embed-english-v3.0\",\"texts\":[" + long600 + "],\"input_type\":\"search_query\"}").statusCode());
    }

    @Test
    void omittedEmbeddingTypesFollowTheSwitch() throws Exception {
        JsonNode e = ok("{\"model\":\"embed-v4.0\",\"texts\":[\"x\"],\"input_type\":\"search_query\"}").get("embeddings");
        assertEquals(List.of("float"), iterable(e.fieldNames()));
        fake.defaultEmbeddingTypes(List.of("int8", "ubinary"));
        e = ok("{\"model\":\"embed-v4.0\",\"texts\":[\"x\"],\"input_type\":\"search_query\"}").get("embeddings");
        assertEquals(List.of("int8", "ubinary"), iterable(e.fieldNames()));
    }

    @Test
    void zeroBitRuleIsASwitch() {
        float[] v = {0.12f, -0.5f, 0.0f, 0.33f, -0.01f, 0.9f, -0.7f, 0.05f, -0.2f, 0.4f, 0.1f, -0.3f, 0.0f, -0.6f, 0.8f, 0.25f};
        // The worked example of the reference: > 0 gives ubinary [149, 99], binary [21, -29]; >= 0 gives [181, 107].
        assertArrayEquals(new int[]{149, 99}, FakeQuantization.packed(v, false, false));
        assertArrayEquals(new int[]{21, -29}, FakeQuantization.packed(v, true, false));
        assertArrayEquals(new int[]{181, 107}, FakeQuantization.packed(v, false, true));
        assertArrayEquals(new int[]{53, -21}, FakeQuantization.packed(v, true, true));
        assertArrayEquals(new int[]{0x80}, FakeQuantization.packed(new float[]{1f, -1f}, false, false), "padding bits are 0");
    }

    @Test
    void authAndCannedFaults() throws Exception {
        String body = "{\"model\":\"embed-v4.0\",\"texts\":[\"a\",\"b\"],\"input_type\":\"search_query\"}";
        assertMessage(post("/v2/embed", body, null), 401, "no api key supplied");
        assertMessage(post("/v2/embed", body, "wrong"), 401, "invalid api token");
        assertEquals(404, post("/v1/embed", body, fake.apiKey()).statusCode());
        fake.enqueue(FakeCohere.rateLimited(), FakeCohere.rateLimited(7), FakeCohere.monthlyLimit(), FakeCohere.invalidToken(),
                FakeCohere.clientClosed(), FakeCohere.forbidden(), FakeCohere.unprocessable(), FakeCohere.serverError(),
                FakeCohere.notImplemented(), FakeCohere.unavailable(), FakeCohere.gatewayTimeout(), Fault.missingVector());
        HttpResponse<String> r = post(body);
        assertMessage(r, 429, "trial token rate limit exceeded");
        assertTrue(r.headers().firstValue("retry-after").isEmpty());
        assertEquals("7", post(body).headers().firstValue("retry-after").orElseThrow());
        assertMessage(post(body), 429, "1000 API calls / month");
        assertMessage(post(body), 498, "invalid api token");
        for (int status : new int[]{499, 403, 422, 500, 501, 503, 504}) {
            r = post(body);
            assertEquals(status, r.statusCode());
            assertTrue(json.readTree(r.body()).get("id").isTextual());
        }
        assertEquals(1, ok(body).get("embeddings").get("float").size());
        assertEquals(2, ok(body).get("embeddings").get("float").size());
    }
}
