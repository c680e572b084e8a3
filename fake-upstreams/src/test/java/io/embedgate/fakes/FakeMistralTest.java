package io.embedgate.fakes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

class FakeMistralTest {

    static FakeMistral fake;
    // HTTP/1.1 (no h2c upgrade attempt) and a connect timeout: a fault test that drops connections must not hang the next.
    static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(java.time.Duration.ofSeconds(5)).build();
    static final ObjectMapper json = new ObjectMapper();

    @BeforeAll
    static void start() {
        fake = FakeMistral.start();
    }

    @AfterAll
    static void stop() {
        fake.close();
    }

    @BeforeEach
    void reset() {
        fake.reset();
        fake.maxInputs(FakeMistral.DEFAULT_MAX_INPUTS).maxTokens(FakeMistral.DEFAULT_MAX_TOKENS);
    }

    HttpResponse<String> post(String body, String key) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(fake.baseUrl() + "/embeddings")).timeout(java.time.Duration.ofSeconds(20))
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            b.header("authorization", "Bearer " + key);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    JsonNode ok(String body) throws Exception {
        HttpResponse<String> r = post(body, fake.apiKey());
        assertEquals(200, r.statusCode(), r.body());
        return json.readTree(r.body());
    }

    static void assertError(HttpResponse<String> r, int status, String message, String type, String code) throws Exception {
        assertEquals(status, r.statusCode(), r.body());
        JsonNode e = json.readTree(r.body());
        assertEquals("error", e.get("object").asText());
        assertEquals(message, e.get("message").asText());
        assertEquals(type, e.get("type").asText());
        assertTrue(e.get("param").isNull());
        assertEquals(code, e.get("code").isNull() ? null : e.get("code").asText());
    }

    static String inputs(int n) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < n; i++) {
            b.append(i == 0 ? "" : ",").append("\"x\"");
        }
        return b.append(']').toString();
    }

    @Test
    void floatsInOrderWithUsageAndRateLimitHeaders() throws Exception {
        HttpResponse<String> r = post("{\"model\":\"codestral-embed-2505\",\"input\":[\"hello\",\"a longer text\"]}", fake.apiKey());
        assertEquals(200, r.statusCode(), r.body());
        JsonNode body = json.readTree(r.body());
        assertEquals("list", body.get("object").asText());
        assertEquals("codestral-embed-2505", body.get("model").asText());
        assertTrue(body.get("id").asText().matches("[0-9a-f]{32}"));
        String[] texts = {"hello", "a longer text"};
        for (int i = 0; i < 2; i++) {
            JsonNode item = body.get("data").get(i);
            assertEquals(i, item.get("index").asInt());
            assertEquals("embedding", item.get("object").asText());
            float[] got = new float[item.get("embedding").size()];
            for (int j = 0; j < got.length; j++) {
                got[j] = item.get("embedding").get(j).floatValue();
            }
            assertEquals(FakeMistral.CODESTRAL_DEFAULT_DIMS, got.length);
            assertArrayEquals(FakeMistral.expectedFloats("codestral-embed", texts[i], null), got);
            double norm = 0;
            for (float f : got) {
                norm += f * f;
            }
            assertEquals(1.0, norm, 1e-5);
        }
        int tokens = FakeVectors.tokens("hello") + FakeVectors.tokens("a longer text");
        assertEquals(tokens, body.get("usage").get("prompt_tokens").asInt());
        assertEquals(0, body.get("usage").get("completion_tokens").asInt());
        assertEquals(tokens, body.get("usage").get("total_tokens").asInt());
        assertEquals(Integer.toString(tokens), r.headers().firstValue("x-ratelimit-tokens-query-cost").orElseThrow());
        for (String h : new String[]{"x-ratelimit-limit-tokens-minute", "x-ratelimit-remaining-tokens-minute",
                "x-ratelimit-limit-req-minute",
                "x-ratelimit-remaining-req-minute"}) {
            assertTrue(r.headers().firstValue(h).isPresent(), h);
        }
        assertEquals(1024, ok("{\"model\":\"mistral-embed\",\"input\":\"hi\"}").get("data").get(0).get("embedding").size());
        assertEquals(3072, ok("{\"model\":\"codestral-embed\",\"input\":\"hi\",\"output_dimension\":3072}").get("data").get(0)
                .get("embedding").size());
    }

    @Test
    void everyDtypeHasItsShapeInBothEncodings() throws Exception {
        for (int dims : new int[]{10, 256}) {
            for (String dtype : new String[]{"int8", "uint8", "binary", "ubinary"}) {
                String req = "{\"model\":\"codestral-embed\",\"input\":[\"q\"],\"output_dimension\":" + dims + ",\"output_dtype\":\""
                        + dtype + "\"";
                int[] expected = FakeMistral.expectedInts("codestral-embed", "q", dims, dtype);
                boolean packed = dtype.endsWith("binary");
                assertEquals(packed ? (dims + 7) / 8 : dims, expected.length, dtype);
                int min = dtype.equals("int8") || dtype.equals("binary") ? -128 : 0;
                JsonNode numbers = ok(req + "}").get("data").get(0).get("embedding");
                int[] got = new int[numbers.size()];
                for (int i = 0; i < got.length; i++) {
                    assertTrue(numbers.get(i).isInt());
                    got[i] = numbers.get(i).asInt();
                    assertTrue(got[i] >= min && got[i] <= min + 255, dtype + " " + got[i]);
                }
                assertArrayEquals(expected, got, dtype);
                byte[] raw = Base64.getDecoder()
                        .decode(ok(req + ",\"encoding_format\":\"base64\"}").get("data").get(0).get("embedding").asText());
                int[] decoded = new int[raw.length];
                for (int i = 0; i < raw.length; i++) {
                    decoded[i] = min < 0 ? raw[i] : raw[i] & 0xff;
                }
                assertArrayEquals(expected, decoded, dtype + " base64");
            }
        }
        byte[] raw = Base64.getDecoder().decode(ok("{\"model\":\"mistral-embed\",\"input\":\"q\",\"encoding_format\":\"base64\"}")
                .get("data").get(0).get("embedding").asText());
        float[] got = new float[raw.length / 4];
        ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(got);
        assertArrayEquals(FakeMistral.expectedFloats("mistral-embed", "q", null), got);
    }

    @Test
    void quantisationRules() {
        float[] v = FakeMistral.expectedFloats("codestral-embed", "q", 10);
        int[] ubinary = FakeMistral.expectedInts("codestral-embed", "q", 10, "ubinary");
        int[] binary = FakeMistral.expectedInts("codestral-embed", "q", 10, "binary");
        for (int i = 0; i < 10; i++) {
            assertEquals(v[i] > 0, (ubinary[i / 8] & (0x80 >>> (i % 8))) != 0);
        }
        assertEquals(0, ubinary[1] & 0x3f, "padding bits are 0");
        assertEquals(ubinary[0] - 128, binary[0]);
        assertEquals(Math.round(v[3] * 127.0), FakeMistral.expectedInts("codestral-embed", "q", 10, "int8")[3]);
        assertEquals(Math.round((v[3] + 1) * 127.5), FakeMistral.expectedInts("codestral-embed", "q", 10, "uint8")[3]);
    }

    @Test
    void limitsAreConfigurable() throws Exception {
        String tooManyInputs = "Too many inputs in request, split into more batches.";
        String tooManyTokens = "Too many tokens overall, split into more batches.";
        assertEquals(200, post("{\"model\":\"mistral-embed\",\"input\":" + inputs(512) + "}", fake.apiKey()).statusCode());
        assertError(post("{\"model\":\"mistral-embed\",\"input\":" + inputs(513) + "}", fake.apiKey()), 400, tooManyInputs,
                "invalid_request_prompt", "3210");
        assertEquals(200, post("{\"model\":\"mistral-embed\",\"input\":\"" + "x".repeat(4 * 16384) + "\"}", fake.apiKey()).statusCode());
        assertError(post("{\"model\":\"mistral-embed\",\"input\":\"" + "x".repeat(4 * 16384 + 1) + "\"}", fake.apiKey()), 400,
                tooManyTokens,
                "invalid_request_prompt", "3210");
        fake.maxInputs(2).maxTokens(10);
        assertError(post("{\"model\":\"mistral-embed\",\"input\":" + inputs(3) + "}", fake.apiKey()), 400, tooManyInputs,
                "invalid_request_prompt", "3210");
        assertError(post("{\"model\":\"mistral-embed\",\"input\":\"" + "x".repeat(41) + "\"}", fake.apiKey()), 400, tooManyTokens,
                "invalid_request_prompt", "3210");
    }

    @Test
    void errorsFollowTheRealApi() throws Exception {
        String body = "{\"model\":\"mistral-embed\",\"input\":\"x\"}";
        for (String key : new String[]{null, "wrong"}) {
            HttpResponse<String> r = post(body, key);
            assertEquals(401, r.statusCode());
            assertEquals("Unauthorized", json.readTree(r.body()).get("message").asText());
            assertTrue(json.readTree(r.body()).get("request_id").asText().matches("[0-9a-f]+"));
        }
        assertError(post("{\"model\":\"nope\",\"input\":\"x\"}", fake.apiKey()), 400, "Invalid model: nope", "invalid_model", "1500");
        assertEquals("invalid_request_error", json.readTree(post("{\"model\":\"mistral-embed\",\"input\":\"x\",\"output_dimension\":512}",
                fake.apiKey()).body()).get("type").asText());
        assertEquals(400, post("{\"model\":\"mistral-embed\",\"input\":\"x\",\"output_dtype\":\"int8\"}", fake.apiKey()).statusCode());
        assertEquals(400, post("{\"model\":\"codestral-embed\",\"input\":\"x\",\"output_dimension\":3073}", fake.apiKey()).statusCode());

        HttpResponse<String> r = post("{\"model\":\"codestral-embed\",\"input\":[1,2]}", fake.apiKey());
        assertEquals(422, r.statusCode());
        JsonNode first = json.readTree(r.body()).get("detail").get(0);
        assertEquals("string_type", first.get("type").asText());
        assertEquals("[\"body\",\"input\",\"str\"]", first.get("loc").toString());
        assertEquals("Input should be a valid string", first.get("msg").asText());
        assertEquals("[1,2]", first.get("input").toString());
        r = post("{\"model\":\"codestral-embed\",\"input\":\"x\",\"output_dtype\":\"int4\"}", fake.apiKey());
        assertEquals(422, r.statusCode());
        assertEquals("[\"body\",\"output_dtype\"]", json.readTree(r.body()).get("detail").get(0).get("loc").toString());
        assertEquals(422, post("{\"model\":\"codestral-embed\",\"input\":\"x\",\"encoding_format\":\"hex\"}", fake.apiKey()).statusCode());
        assertEquals(422, post("{\"model\":\"codestral-embed\"}", fake.apiKey()).statusCode());
    }

    @Test
    void cannedFaults() throws Exception {
        String body = "{\"model\":\"codestral-embed\",\"input\":[\"a\",\"b\"]}";
        fake.enqueue(FakeMistral.rateLimited(), FakeMistral.rateLimitedOldForm(), FakeMistral.unauthorizedOldForm(),
                FakeMistral.serverError(),
                FakeMistral.unavailable(), Fault.missingVector());
        HttpResponse<String> r = post(body, fake.apiKey());
        assertError(r, 429, "Rate limit exceeded", "rate_limited", "1300");
        assertEquals("1", r.headers().firstValue("retry-after").orElseThrow());
        r = post(body, fake.apiKey());
        assertEquals(429, r.statusCode());
        assertEquals("{\"message\":\"Requests rate limit exceeded\"}", r.body());
        assertTrue(r.headers().firstValue("retry-after").isEmpty());
        assertEquals("Unauthorized", json.readTree(post(body, fake.apiKey()).body()).get("detail").asText());
        assertError(post(body, fake.apiKey()), 500, "Internal server error", "internal_server_error", null);
        assertError(post(body, fake.apiKey()), 503, "Service unavailable", "service_unavailable", null);
        assertEquals(1, ok(body).get("data").size());
        assertEquals(2, ok(body).get("data").size());
    }
}
