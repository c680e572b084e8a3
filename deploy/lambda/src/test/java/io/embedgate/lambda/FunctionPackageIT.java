package io.embedgate.lambda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.embedgate.fakes.FakeOpenAi;
import io.embedgate.spi.Float32;

/**
 * The packaged function ({@code target/function.zip}) run as AWS runs a Java function: unpacked as
 * the task root, started by AWS's own runtime interface client with the handler of {@code template.yaml},
 * fed raw API Gateway HTTP API (payload 2.0) events through the Lambda runtime API. The first
 * answer after process start is a cold start; {@code -Dlambda.cold-starts=5} measures five.
 */
class FunctionPackageIT {

    static final String HANDLER = "io.quarkus.amazon.lambda.runtime.QuarkusStreamHandler::handleRequest";
    static final String GATEWAY_KEY = "eg-lambda-it-00112233445566778899aabbccdd";
    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(60);

    static FakeOpenAi fake;
    static Path taskRoot;

    @BeforeAll
    static void unpack() throws IOException {
        fake = FakeOpenAi.start();
        taskRoot = Files.createTempDirectory("embedgate-task");
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(Path.of(System.getProperty("lambda.function-zip"))))) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null;) {
                Path to = taskRoot.resolve(e.getName()).normalize();
                if (!to.startsWith(taskRoot)) {
                    throw new IOException("entry outside the task root: " + e.getName());
                }
                if (e.isDirectory()) {
                    Files.createDirectories(to);
                } else {
                    Files.createDirectories(to.getParent());
                    Files.copy(zip, to, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    @AfterAll
    static void cleanUp() throws IOException {
        fake.close();
        try (Stream<Path> files = Files.walk(taskRoot)) {
            files.sorted(Collections.reverseOrder()).map(Path::toFile).forEach(File::delete);
        }
    }

    /** Starts the function against {@code api}, as the Lambda service does on a cold start. */
    static Process start(RuntimeApi api) throws IOException {
        List<String> cp = new ArrayList<>();
        cp.add(taskRoot.toString());
        cp.add(taskRoot.resolve("lib") + "/*");
        cp.add(System.getProperty("lambda.runtime-client") + "/*");
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // What AWS's Java runtimes use by default: C1 only (fast start), and the heap of a 1024 MB function.
                "-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx870m",
                "-cp", String.join(File.pathSeparator, cp),
                "com.amazonaws.services.lambda.runtime.api.client.AWSLambda", HANDLER);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(taskRoot.toFile()).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.put("AWS_LAMBDA_RUNTIME_API", api.address());
        env.put("LAMBDA_TASK_ROOT", taskRoot.toString());
        env.put("AWS_LAMBDA_FUNCTION_NAME", "embedgate");
        env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "1024");
        env.put("AWS_REGION", "eu-west-1");
        env.put("OPENAI_BASE_URL", fake.baseUrl());
        env.put("OPENAI_API_KEY", fake.apiKey());
        env.put("GATEWAY_API_KEY_SHA256", FakeOpenAiResource.sha256(GATEWAY_KEY));
        pb.redirectOutput(taskRoot.resolveSibling(taskRoot.getFileName() + ".log").toFile());
        return pb.start();
    }

    /** An API Gateway HTTP API event (payload format 2.0), shaped as AWS documents it. */
    static String event(String method, String path, String authorization, String body, boolean base64) {
        Map<String, Object> headers = new java.util.LinkedHashMap<>();
        headers.put("accept", "application/json");
        headers.put("content-type", "application/json");
        headers.put("host", "abc123.execute-api.eu-west-1.amazonaws.com");
        headers.put("user-agent", "OpenAI/Python 1.99.0");
        headers.put("x-forwarded-for", "203.0.113.9");
        headers.put("x-forwarded-port", "443");
        headers.put("x-forwarded-proto", "https");
        if (authorization != null) {
            headers.put("authorization", authorization);
        }
        Map<String, Object> http = Map.of("method", method, "path", path, "protocol", "HTTP/1.1", "sourceIp", "203.0.113.9",
                "userAgent", "OpenAI/Python 1.99.0");
        Map<String, Object> context = new java.util.LinkedHashMap<>();
        context.put("accountId", "123456789012");
        context.put("apiId", "abc123");
        context.put("domainName", "abc123.execute-api.eu-west-1.amazonaws.com");
        context.put("domainPrefix", "abc123");
        context.put("http", http);
        context.put("requestId", "JKJaXmPLvHcESHA=");
        context.put("routeKey", "$default");
        context.put("stage", "$default");
        context.put("time", "06/Dec/2026:04:30:00 +0000");
        context.put("timeEpoch", 1796531400000L);
        Map<String, Object> e = new java.util.LinkedHashMap<>();
        e.put("version", "2.0");
        e.put("routeKey", "$default");
        e.put("rawPath", path);
        e.put("rawQueryString", "");
        e.put("headers", headers);
        e.put("requestContext", context);
        if (body != null) {
            e.put("body", base64 ? Base64.getEncoder().encodeToString(body.getBytes(StandardCharsets.UTF_8)) : body);
        }
        e.put("isBase64Encoded", base64);
        try {
            return JSON.writeValueAsString(e);
        } catch (IOException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /** The body of an API Gateway response event, decoded when the function base64-encoded it. */
    static JsonNode body(JsonNode response) throws IOException {
        String body = response.path("body").asText();
        if (response.path("isBase64Encoded").asBoolean()) {
            body = new String(Base64.getDecoder().decode(body), StandardCharsets.UTF_8);
        }
        return JSON.readTree(body);
    }

    static String header(JsonNode response, String name) {
        for (String field : new String[]{"headers", "multiValueHeaders"}) {
            var it = response.path(field).fields();
            while (it.hasNext()) {
                var h = it.next();
                if (h.getKey().equalsIgnoreCase(name)) {
                    return h.getValue().isArray() ? h.getValue().get(0).asText() : h.getValue().asText();
                }
            }
        }
        return null;
    }

    @Test
    void servesRawHttpApiEvents() throws Exception {
        try (RuntimeApi api = new RuntimeApi()) {
            Process function = start(api);
            try {
                String bearer = "Bearer " + GATEWAY_KEY;
                JsonNode ok = JSON.readTree(api.invokeAndWait(event("POST", "/v1/embeddings", bearer,
                        "{\"model\":\"text-embedding-3-small\",\"input\":[\"a\",\"b\"],\"dimensions\":16}", false), ANSWER_TIMEOUT));
                assertEquals(200, ok.path("statusCode").asInt(), ok.toString());
                assertTrue(header(ok, "content-type").startsWith("application/json"), ok.toString());
                JsonNode okBody = body(ok);
                assertEquals(2, okBody.path("data").size());
                float[] v = new float[16];
                for (int i = 0; i < 16; i++) {
                    v[i] = okBody.path("data").get(0).path("embedding").get(i).floatValue();
                }
                assertArrayEquals(FakeOpenAi.expectedVector("text-embedding-3-small", "a", 16), v);

                // API Gateway base64-encodes a body it takes for binary
                JsonNode b64 = JSON.readTree(api.invokeAndWait(event("POST", "/v2/gateway/embeddings", bearer,
                        "{\"model\":\"text-embedding-3-small\",\"input\":\"c\",\"encoding_format\":\"base64\",\"orq\":{\"retry\":{\"count\":1}}}",
                        true), ANSWER_TIMEOUT));
                assertEquals(200, b64.path("statusCode").asInt(), b64.toString());
                float[] c = Float32.fromLittleEndian(Base64.getDecoder().decode(body(b64).path("data").get(0).path("embedding").asText()));
                assertArrayEquals(FakeOpenAi.expectedVector("text-embedding-3-small", "c", null), c);

                JsonNode models = JSON.readTree(api.invokeAndWait(event("GET", "/v1/models", bearer, null, false), ANSWER_TIMEOUT));
                assertEquals(200, models.path("statusCode").asInt(), models.toString());
                assertTrue(body(models).path("data").toString().contains("\"text-embedding-3-small\""));

                JsonNode noKey = JSON.readTree(api.invokeAndWait(event("POST", "/v1/embeddings", null,
                        "{\"model\":\"text-embedding-3-small\",\"input\":\"x\"}", false), ANSWER_TIMEOUT));
                assertEquals(401, noKey.path("statusCode").asInt(), noKey.toString());
                assertEquals("invalid_request_error", body(noKey).path("error").path("type").asText());

                JsonNode bad = JSON.readTree(api.invokeAndWait(event("POST", "/v1/embeddings", bearer,
                        "{\"model\":\"text-embedding-3-small\",\"input\":[]}", false), ANSWER_TIMEOUT));
                assertEquals(400, bad.path("statusCode").asInt(), bad.toString());
                assertEquals("input", body(bad).path("error").path("param").asText());
                assertFalse(bad.toString().contains(fake.apiKey()));
                assertFalse(api.initError.isDone(), () -> "init error: " + api.initError.getNow(""));
            } finally {
                function.destroy();
                function.waitFor();
            }
        }
    }

    /** Process start to the first answer (JVM start, Quarkus start, one request), the median of N. */
    @Test
    void coldStart() throws Exception {
        int runs = Integer.getInteger("lambda.cold-starts", 1);
        List<Long> millis = new ArrayList<>();
        for (int run = 0; run < runs; run++) {
            try (RuntimeApi api = new RuntimeApi()) {
                long t0 = System.nanoTime();
                Process function = start(api);
                try {
                    JsonNode r = JSON.readTree(api.invokeAndWait(event("POST", "/v1/embeddings", "Bearer " + GATEWAY_KEY,
                            "{\"model\":\"text-embedding-3-small\",\"input\":\"cold\"}", false), ANSWER_TIMEOUT));
                    millis.add((System.nanoTime() - t0) / 1_000_000);
                    assertEquals(200, r.path("statusCode").asInt(), r.toString());
                } finally {
                    function.destroy();
                    function.waitFor();
                }
            }
        }
        List<Long> sorted = new ArrayList<>(millis);
        Collections.sort(sorted);
        long zip = Files.size(Path.of(System.getProperty("lambda.function-zip")));
        System.out.printf("Lambda cold start (JVM, process start to first answer): runs %s ms, median %d ms; function.zip %.1f MB%n",
                millis, sorted.get(sorted.size() / 2), zip / 1e6);
    }
}
