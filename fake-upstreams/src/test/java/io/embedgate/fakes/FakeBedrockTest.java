package io.embedgate.fakes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.embedgate.provider.support.AwsSigV4;

class FakeBedrockTest {

    static FakeBedrock fake;
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
            .build();
    static final String TITAN = "/model/amazon.titan-embed-text-v2%3A0/invoke";
    static final String V4 = "/model/cohere.embed-v4%3A0/invoke";
    static final String V3 = "/model/cohere.embed-english-v3/invoke";
    static final AwsSigV4.Credentials KEYS = new AwsSigV4.Credentials(FakeBedrock.ACCESS_KEY_ID, FakeBedrock.SECRET_ACCESS_KEY,
            Optional.empty());

    @BeforeAll
    static void start() {
        fake = FakeBedrock.start();
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

    /** POSTs {@code body} to {@code sentPath}, signed with {@code credentials} over {@code signedPath} and {@code signedBody}. */
    static HttpResponse<String> signed(String sentPath, String body, String signedPath, String signedBody, AwsSigV4.Credentials credentials,
            Instant at) throws Exception {
        Map<String, String> auth = AwsSigV4.sign("POST", "127.0.0.1:" + fake.port(), signedPath, Map.of("content-type", "application/json"),
                signedBody.getBytes(StandardCharsets.UTF_8), credentials, FakeBedrock.REGION, "bedrock", at);
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(fake.baseUrl() + sentPath)).timeout(Duration.ofSeconds(20))
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        auth.forEach(b::header);
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> signed(String path, String body) throws Exception {
        return signed(path, body, path, body, KEYS, Instant.now());
    }

    static HttpResponse<String> bearer(String path, String body, String key) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(fake.baseUrl() + path)).timeout(Duration.ofSeconds(20))
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            b.header("authorization", "Bearer " + key);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(HttpResponse<String> r) throws Exception {
        return FakeHttp.json(r);
    }

    static void assertRefused(HttpResponse<String> r, int status, String type, String messageStart) throws Exception {
        assertEquals(status, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("x-amzn-ErrorType").orElseThrow().startsWith(type + ":"), r.headers().toString());
        assertTrue(json(r).get("message").asText().startsWith(messageStart), r.body());
    }

    @Test
    void aRequestSignedByTheGatewaysSignerIsAccepted() throws Exception {
        HttpResponse<String> r = signed(TITAN, "{\"inputText\":\"hello world\",\"dimensions\":256}");
        assertEquals(200, r.statusCode(), r.body());
        JsonNode body = json(r);
        assertArrayEquals(FakeBedrock.expectedTitanV2("hello world", 256, true), FakeHttp.floats(body.get("embedding")));
        assertArrayEquals(FakeBedrock.expectedTitanV2("hello world", 256, true),
                FakeHttp.floats(body.get("embeddingsByType").get("float")));
        assertEquals(FakeVectors.tokens("hello world"), body.get("inputTextTokenCount").asInt());
        assertEquals(Integer.toString(FakeVectors.tokens("hello world")),
                r.headers().firstValue(FakeBedrock.TOKEN_COUNT_HEADER).orElseThrow());
        assertEquals(TITAN, fake.requests().get(0).uri(), "the raw path, ':' encoded once");
    }

    @Test
    void tamperedBodyPathSecretClockAndMissingAuthAreRefused() throws Exception {
        String body = "{\"inputText\":\"a\"}";
        assertRefused(signed(TITAN, "{\"inputText\":\"b\"}", TITAN, body, KEYS, Instant.now()), 403, "InvalidSignatureException",
                FakeSigV4.SIGNATURE_MISMATCH);
        assertRefused(signed(TITAN, body, "/model/amazon.titan-embed-text-v1/invoke", body, KEYS, Instant.now()), 403,
                "InvalidSignatureException", FakeSigV4.SIGNATURE_MISMATCH);
        // Signed over the decoded path (the classic bug): refused.
        assertRefused(signed(TITAN, body, "/model/amazon.titan-embed-text-v2:0/invoke", body, KEYS, Instant.now()), 403,
                "InvalidSignatureException", FakeSigV4.SIGNATURE_MISMATCH);
        assertRefused(signed(TITAN, body, TITAN, body,
                new AwsSigV4.Credentials(FakeBedrock.ACCESS_KEY_ID, "wrong" + FakeBedrock.SECRET_ACCESS_KEY, Optional.empty()),
                Instant.now()),
                403, "InvalidSignatureException", FakeSigV4.SIGNATURE_MISMATCH);
        assertRefused(signed(TITAN, body, TITAN, body,
                new AwsSigV4.Credentials("AKIAUNKNOWN000000000", FakeBedrock.SECRET_ACCESS_KEY, Optional.empty()), Instant.now()), 403,
                "UnrecognizedClientException", "The security token included in the request is invalid.");
        assertRefused(signed(TITAN, body, TITAN, body, KEYS, Instant.now().minus(Duration.ofMinutes(10))), 403,
                "InvalidSignatureException", "Signature expired:");
        assertRefused(bearer(TITAN, body, null), 403, "MissingAuthenticationTokenException", "Missing Authentication Token");
        assertRefused(bearer(TITAN, body, "bedrock-api-key-wrong0123456789"), 403, "UnrecognizedClientException", "The security token");
        assertEquals(200, bearer(TITAN, body, FakeBedrock.API_KEY).statusCode());
    }

    @Test
    void sessionCredentialsMustSendAndSignTheirToken() throws Exception {
        String body = "{\"inputText\":\"a\"}";
        AwsSigV4.Credentials session = new AwsSigV4.Credentials(FakeBedrock.SESSION_ACCESS_KEY_ID, FakeBedrock.SESSION_SECRET_ACCESS_KEY,
                Optional.of(FakeBedrock.SESSION_TOKEN));
        assertEquals(200, signed(TITAN, body, TITAN, body, session, Instant.now()).statusCode());
        assertEquals(FakeBedrock.SESSION_TOKEN, fake.requests().get(0).header("x-amz-security-token"));
        assertTrue(fake.requests().get(0).header("authorization").contains("x-amz-security-token"));
        AwsSigV4.Credentials noToken = new AwsSigV4.Credentials(FakeBedrock.SESSION_ACCESS_KEY_ID, FakeBedrock.SESSION_SECRET_ACCESS_KEY,
                Optional.empty());
        assertRefused(signed(TITAN, body, TITAN, body, noToken, Instant.now()), 403, "UnrecognizedClientException", "The security token");
    }

    /** providers-more.md 1.6: the regression vector, checked by the fake's verifier at its own time. */
    @Test
    void theReferenceRegressionVectorVerifies() {
        Instant at = Instant.parse("2026-01-15T12:00:00Z");
        byte[] body = "{\"inputText\":\"hello world\",\"dimensions\":256,\"normalize\":true}".getBytes(StandardCharsets.UTF_8);
        Map<String, List<String>> headers = Map.of("authorization", List.of("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260115/us-east-1/"
                + "bedrock/aws4_request, SignedHeaders=content-type;host;x-amz-date, "
                + "Signature=681a685bef767b027d902390a12a0926d5b74f2cbb8f17cc6054ed55d0b4de62"), "content-type",
                List.of("application/json"),
                "host", List.of("bedrock-runtime.us-east-1.amazonaws.com"), "x-amz-date", List.of("20260115T120000Z"));
        FakeSigV4.Credential example = new FakeSigV4.Credential("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", null);
        assertNull(FakeSigV4.verify("POST", TITAN, n -> headers.getOrDefault(n, List.of()), body,
                id -> id.equals("AKIDEXAMPLE") ? example : null, "us-east-1", "bedrock", at));
        assertEquals("InvalidSignatureException", FakeSigV4.verify("POST", TITAN, n -> headers.getOrDefault(n, List.of()),
                "{\"inputText\":\"hello world\"}".getBytes(StandardCharsets.UTF_8), id -> example, "us-east-1", "bedrock", at).type());
        assertEquals("InvalidSignatureException", FakeSigV4.verify("POST", TITAN, n -> headers.getOrDefault(n, List.of()), body,
                id -> example, "us-west-2", "bedrock", at).type(), "wrong region scope");
        assertTrue(FakeSigV4.verify("POST", TITAN, n -> headers.getOrDefault(n, List.of()), body, id -> example, "us-east-1", "bedrock",
                at.plus(Duration.ofMinutes(6))).message().startsWith("Signature expired"));
        // Within the ±5 minute window.
        assertNull(FakeSigV4.verify("POST", TITAN, n -> headers.getOrDefault(n, List.of()), body, id -> example, "us-east-1", "bedrock",
                at.plus(Duration.ofMinutes(4))));
    }

    @Test
    void titanRules() throws Exception {
        assertRefused(signed(TITAN, "{\"inputText\":[\"a\",\"b\"]}"), 400, "ValidationException", "Malformed input request");
        assertRefused(signed(TITAN, "{\"inputText\":\"a\",\"texts\":[\"a\"]}"), 400, "ValidationException",
                "Malformed input request: extraneous key [texts] is not permitted, please reformat your input and try again.");
        assertRefused(signed(TITAN, "{\"inputText\":\"a\",\"dimensions\":300}"), 400, "ValidationException", "Malformed input request");
        assertRefused(signed("/model/amazon.titan-embed-text-v1/invoke", "{\"inputText\":\"a\",\"dimensions\":256}"), 400,
                "ValidationException", "Malformed input request: extraneous key [dimensions] is not permitted");
        JsonNode g1 = json(signed("/model/amazon.titan-embed-text-v1/invoke", "{\"inputText\":\"a\"}"));
        assertArrayEquals(FakeBedrock.expectedTitanG1("a"), FakeHttp.floats(g1.get("embedding")));
        JsonNode raw = json(signed(TITAN, "{\"inputText\":\"a\",\"normalize\":false}"));
        assertArrayEquals(FakeBedrock.expectedTitanV2("a", null, false), FakeHttp.floats(raw.get("embedding")));
        JsonNode bin = json(signed(TITAN, "{\"inputText\":\"a\",\"dimensions\":256,\"embeddingTypes\":[\"binary\"]}"));
        assertEquals(256, bin.get("embeddingsByType").get("binary").size(), "[U] default: one 0/1 per dimension");
        assertTrue(bin.has("embedding"));
        fake.titanBinaryPacked(true).titanEmbeddingAlways(false);
        JsonNode packed = json(signed(TITAN, "{\"inputText\":\"a\",\"dimensions\":256,\"embeddingTypes\":[\"binary\"]}"));
        assertEquals(32, packed.get("embeddingsByType").get("binary").size());
        assertFalse(packed.has("embedding"));
        assertRefused(signed("/model/amazon.titan-embed-text-v9%3A0/invoke", "{\"inputText\":\"a\"}"), 404, "ResourceNotFoundException",
                "Could not resolve the foundation model");
    }

    @Test
    void cohereRulesAndBothReplyShapes() throws Exception {
        assertRefused(signed(V3, "{\"texts\":[\"a\"]}"), 400, "ValidationException",
                "Malformed input request: #: required key [input_type] not found, please reformat your input and try again.");
        assertRefused(signed(V3, "{\"inputText\":\"a\"}"), 400, "ValidationException",
                "Malformed input request: #: required key [texts] not found#: required key [input_type] not found#: extraneous key "
                        + "[inputText] is not permitted, please reformat your input and try again.");
        assertRefused(signed(V3, "{\"texts\":" + FakeHttp.inputs(97) + ",\"input_type\":\"search_query\"}"), 400, "ValidationException",
                "Malformed input request: #/texts: expected maximum item count: 96");
        assertRefused(signed(V3, "{\"texts\":[\"" + "x".repeat(2049) + "\"],\"input_type\":\"search_query\"}"), 400, "ValidationException",
                "Malformed input request: #/texts/0: expected maxLength: 2048");
        assertRefused(signed(V3, "{\"texts\":[\"a\"],\"input_type\":\"search_query\",\"truncate\":\"LEFT\"}"), 400, "ValidationException",
                "Malformed input request");
        HttpResponse<String> floats = signed(V3, "{\"texts\":[\"a\",\"bb\"],\"input_type\":\"search_query\"}");
        JsonNode f = json(floats);
        assertEquals("embeddings_floats", f.get("response_type").asText());
        assertArrayEquals(FakeBedrock.expectedCohere("cohere.embed-english-v3", "search_query", "bb", null),
                FakeHttp.floats(f.get("embeddings").get(1)));
        assertEquals(Integer.toString(FakeVectors.tokens("a") + FakeVectors.tokens("bb")),
                floats.headers().firstValue(FakeBedrock.TOKEN_COUNT_HEADER).orElseThrow());
        JsonNode byType = json(signed(V4, "{\"texts\":[\"a\"],\"input_type\":\"search_document\",\"embedding_types\":[\"int8\",\"float\"],"
                + "\"output_dimension\":256,\"truncate\":\"RIGHT\",\"max_tokens\":10}"));
        assertEquals("embeddings_by_type", byType.get("response_type").asText());
        assertEquals(256, byType.get("embeddings").get("float").get(0).size());
        assertEquals(FakeBedrock.expectedCohereInts(FakeBedrock.COHERE_V4, "search_document", "a", 256, "int8")[3],
                byType.get("embeddings").get("int8").get(0).get(3).asInt());
        fake.v4AlwaysByType(true).v4Truncate(List.of("NONE", "LEFT", "RIGHT")).tokenCountHeader(false);
        HttpResponse<String> always = signed("/model/us.cohere.embed-v4%3A0/invoke", "{\"texts\":[\"a\"],\"input_type\":\"search_query\"}");
        assertEquals("embeddings_by_type", json(always).get("response_type").asText());
        assertTrue(always.headers().firstValue(FakeBedrock.TOKEN_COUNT_HEADER).isEmpty());
        assertRefused(signed(V4, "{\"texts\":[\"a\"],\"input_type\":\"search_query\",\"truncate\":\"END\"}"), 400, "ValidationException",
                "Malformed input request");
        assertRefused(signed(V3, "{\"texts\":[\"a\"],\"input_type\":\"search_query\",\"output_dimension\":256}"), 400,
                "ValidationException", "Malformed input request: #: extraneous key [output_dimension]");
    }

    @Test
    void arnsAndAliases() throws Exception {
        String arn = "arn:aws:bedrock:us-east-1:123456789012:provisioned-model/abc123";
        String path = "/model/" + arn.replace(":", "%3A").replace("/", "%2F") + "/invoke";
        assertEquals(404, signed(path, "{\"inputText\":\"a\"}").statusCode());
        fake.alias(arn, FakeBedrock.TITAN_V2);
        assertEquals(200, signed(path, "{\"inputText\":\"a\"}").statusCode());
        String foundation = "/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A%3Afoundation-model%2Famazon.titan-embed-text-v2%3A0/invoke";
        assertEquals(200, signed(foundation, "{\"inputText\":\"a\"}").statusCode());
    }

    @Test
    void scriptedFaultsCarryTheErrorTypeHeader() throws Exception {
        for (Fault f : new Fault[]{FakeBedrock.throttling(), FakeBedrock.validation(), FakeBedrock.accessDenied(),
                FakeBedrock.modelTimeout(),
                FakeBedrock.serviceUnavailable()}) {
            fake.enqueue(f);
            Fault.Respond r = (Fault.Respond) f;
            HttpResponse<String> answer = signed(TITAN, "{\"inputText\":\"a\"}");
            assertEquals(r.status(), answer.statusCode());
            assertTrue(answer.headers().firstValue("x-amzn-ErrorType").isPresent());
            assertTrue(json(answer).has("message"));
        }
    }

    @Test
    void latencyMakesConcurrencyVisible() throws Exception {
        fake.latency(Duration.ofMillis(300));
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            HttpRequest req = HttpRequest.newBuilder(URI.create(fake.baseUrl() + TITAN)).header("content-type", "application/json")
                    .header("authorization", "Bearer " + FakeBedrock.API_KEY)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"inputText\":\"a\"}"))
                    .build();
            calls.add(HTTP.sendAsync(req, HttpResponse.BodyHandlers.ofString()));
        }
        for (CompletableFuture<HttpResponse<String>> c : calls) {
            assertEquals(200, c.get().statusCode());
        }
        assertTrue(fake.peakConcurrency() > 1, "peak " + fake.peakConcurrency());
        assertTrue(fake.peakConcurrency() <= 4);
    }
}
