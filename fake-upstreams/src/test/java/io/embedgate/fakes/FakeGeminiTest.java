package io.embedgate.fakes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

class FakeGeminiTest {

    static final String MODEL = "gemini-embedding-001";
    static FakeGemini fake;
    // HTTP/1.1 (no h2c upgrade attempt) and a connect timeout: a fault test that drops connections must not hang the next.
    static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(java.time.Duration.ofSeconds(5)).build();
    static final ObjectMapper json = new ObjectMapper();

    @BeforeAll
    static void start() {
        fake = FakeGemini.start();
    }

    @AfterAll
    static void stop() {
        fake.close();
    }

    @BeforeEach
    void reset() {
        fake.reset();
        fake.rejectTitleWithoutRetrievalDocument(true);
    }

    HttpResponse<String> post(String pathAndQuery, String body, String key) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(fake.baseUrl() + pathAndQuery)).timeout(java.time.Duration.ofSeconds(20))
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            b.header("x-goog-api-key", key);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> batch(String body) throws Exception {
        return post("/v1beta/models/" + MODEL + ":batchEmbedContents", body, fake.apiKey());
    }

    /** A batch the way the SDK sends it: the same extra fields (raw JSON, may be "") in every element. */
    static String batchBody(String extra, String... texts) {
        StringBuilder b = new StringBuilder("{\"requests\":[");
        for (int i = 0; i < texts.length; i++) {
            b.append(i == 0 ? "" : ",").append("{\"model\":\"models/" + MODEL + "\",\"content\":{\"parts\":[{\"text\":\"")
                    .append(texts[i]).append("\"}]}").append(extra.isEmpty() ? "" : "," + extra).append('}');
        }
        return b.append("]}").toString();
    }

    static float[] floats(JsonNode values) {
        float[] f = new float[values.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = values.get(i).floatValue();
        }
        return f;
    }

    static double norm(float[] v) {
        double sum = 0;
        for (float f : v) {
            sum += (double) f * f;
        }
        return Math.sqrt(sum);
    }

    static void assertError(HttpResponse<String> r, int code, String status, String message) throws Exception {
        assertEquals(code, r.statusCode(), r.body());
        JsonNode e = json.readTree(r.body()).get("error");
        assertEquals(code, e.get("code").asInt());
        assertEquals(status, e.get("status").asText());
        if (message != null) {
            assertEquals(message, e.get("message").asText());
        }
    }

    @Test
    void batchKeepsOrderAndReturnsUnnormalisedPrefixesWithoutUsage() throws Exception {
        HttpResponse<String> r = batch(batchBody("\"taskType\":\"RETRIEVAL_QUERY\",\"outputDimensionality\":768", "a", "b", "c"));
        assertEquals(200, r.statusCode(), r.body());
        JsonNode body = json.readTree(r.body());
        assertEquals(1, body.size());
        assertFalse(r.body().contains("usage") || r.body().contains("token"));
        JsonNode embeddings = body.get("embeddings");
        assertEquals(3, embeddings.size());
        String[] texts = {"a", "b", "c"};
        for (int i = 0; i < 3; i++) {
            float[] got = floats(embeddings.get(i).get("values"));
            assertArrayEquals(FakeGemini.expectedVector(MODEL, "RETRIEVAL_QUERY", null, texts[i], 768), got);
            assertTrue(Math.abs(norm(got) - 1) > 0.1, "a 768-value prefix must not be unit length");
        }
        float[] full = floats(
                json.readTree(batch(batchBody("\"taskType\":\"RETRIEVAL_QUERY\"", "a")).body()).get("embeddings").get(0).get("values"));
        assertEquals(3072, full.length);
        assertEquals(1.0, norm(full), 1e-5);
        float[] prefix = floats(embeddings.get(0).get("values"));
        for (int i = 0; i < prefix.length; i++) {
            assertEquals(full[i], prefix[i]);
        }
    }

    @Test
    void taskTypeAndTitleChangeTheVectorAndSnakeCaseIsAccepted() throws Exception {
        float[] query = FakeGemini.expectedVector(MODEL, "RETRIEVAL_QUERY", null, "x", 128);
        float[] doc = FakeGemini.expectedVector(MODEL, "RETRIEVAL_DOCUMENT", null, "x", 128);
        float[] titled = FakeGemini.expectedVector(MODEL, "RETRIEVAL_DOCUMENT", "T", "x", 128);
        assertFalse(Arrays.equals(query, doc));
        assertFalse(Arrays.equals(doc, titled));
        JsonNode snake = json.readTree(
                batch(batchBody("\"task_type\":\"RETRIEVAL_DOCUMENT\",\"title\":\"T\",\"output_dimensionality\":128", "x")).body());
        assertArrayEquals(titled, floats(snake.get("embeddings").get(0).get("values")));
        JsonNode number = json.readTree(batch(batchBody("\"taskType\":2,\"outputDimensionality\":\"128\"", "x")).body());
        assertArrayEquals(doc, floats(number.get("embeddings").get(0).get("values")));
    }

    @Test
    void embedContentWithTheKeyAsQueryParameter() throws Exception {
        HttpResponse<String> r = post("/v1beta/models/" + MODEL + ":embedContent?key=" + fake.apiKey(),
                "{\"content\":{\"parts\":[{\"text\":\"What is the meaning of life?\"}]},\"taskType\":\"SEMANTIC_SIMILARITY\"}", null);
        assertEquals(200, r.statusCode(), r.body());
        assertArrayEquals(FakeGemini.expectedVector(MODEL, "SEMANTIC_SIMILARITY", null, "What is the meaning of life?", null),
                floats(json.readTree(r.body()).get("embedding").get("values")));
    }

    @Test
    void keyErrors() throws Exception {
        String path = "/v1beta/models/" + MODEL + ":batchEmbedContents";
        assertError(post(path, batchBody("", "a"), null), 403, "PERMISSION_DENIED",
                "Method doesn't allow unregistered callers (callers without "
                        + "established identity). Please use API Key or other form of API consumer identity to call this API.");
        HttpResponse<String> r = post(path, batchBody("", "a"), "AIzaWrong");
        assertError(r, 400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.");
        JsonNode detail = json.readTree(r.body()).get("error").get("details").get(0);
        assertEquals("type.googleapis.com/google.rpc.ErrorInfo", detail.get("@type").asText());
        assertEquals("API_KEY_INVALID", detail.get("reason").asText());
        assertEquals("generativelanguage.googleapis.com", detail.get("metadata").get("service").asText());
    }

    @Test
    void requestErrors() throws Exception {
        String[] many = new String[101];
        Arrays.fill(many, "x");
        assertError(batch(batchBody("", many)), 400, "INVALID_ARGUMENT",
                "* BatchEmbedContentsRequest.requests: at most 100 requests can be in one batch");
        assertEquals(200, batch(batchBody("", Arrays.copyOf(many, 100))).statusCode());
        assertError(post("/v1beta/models/text-embedding-004:batchEmbedContents", batchBody("", "a"), fake.apiKey()), 404, "NOT_FOUND",
                "models/text-embedding-004 is not found for API version v1beta, or is not supported for embedContent. "
                        + "Call ListModels to see the list of available models and their supported methods.");
        assertError(batch("{\"requests\":[]}"), 400, "INVALID_ARGUMENT", "Request contains an invalid argument.");
        assertError(batch(batchBody("", "")), 400, "INVALID_ARGUMENT", "Request contains an invalid argument.");
        assertError(batch(batchBody("", "a").replace("models/" + MODEL, "models/other")), 400, "INVALID_ARGUMENT", null);
        assertError(batch(batchBody("\"outputDimensionality\":64", "a")), 400, "INVALID_ARGUMENT", null);
        assertError(batch(batchBody("\"outputDimensionality\":3073", "a")), 400, "INVALID_ARGUMENT", null);
        assertError(batch(batchBody("\"taskType\":\"RERANK\"", "a")), 400, "INVALID_ARGUMENT", null);
        assertError(batch(batchBody("\"dimensions\":768", "a")), 400, "INVALID_ARGUMENT", null);
        String titled = batchBody("\"taskType\":\"RETRIEVAL_QUERY\",\"title\":\"T\"", "a");
        assertError(batch(titled), 400, "INVALID_ARGUMENT", "Unable to submit request because the model does not support the title "
                + "parameter unless the task_type is RETRIEVAL_DOCUMENT.");
        fake.rejectTitleWithoutRetrievalDocument(false);
        assertEquals(200, batch(titled).statusCode());
    }

    @Test
    void cannedFaults() throws Exception {
        fake.enqueue(FakeGemini.rateLimited("47s"), FakeGemini.unavailable(), FakeGemini.serverError(), Fault.missingVector());
        HttpResponse<String> r = batch(batchBody("", "a", "b"));
        assertError(r, 429, "RESOURCE_EXHAUSTED", null);
        assertTrue(r.headers().firstValue("retry-after").isEmpty());
        JsonNode details = json.readTree(r.body()).get("error").get("details");
        assertEquals("type.googleapis.com/google.rpc.QuotaFailure", details.get(1).get("@type").asText());
        assertTrue(details.get(1).get("violations").get(0).has("quotaId"));
        assertEquals("type.googleapis.com/google.rpc.RetryInfo", details.get(2).get("@type").asText());
        assertEquals("47s", details.get(2).get("retryDelay").asText());
        assertError(batch(batchBody("", "a", "b")), 503, "UNAVAILABLE", "The model is overloaded. Please try again later.");
        assertError(batch(batchBody("", "a", "b")), 500, "INTERNAL", null);
        assertEquals(1, json.readTree(batch(batchBody("", "a", "b")).body()).get("embeddings").size());
        assertEquals(2, json.readTree(batch(batchBody("", "a", "b")).body()).get("embeddings").size());
        assertEquals(5, fake.callCount());
    }
}
