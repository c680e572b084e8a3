package io.embedgate;

import static io.embedgate.testing.Api.embed;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.Test;

import io.embedgate.fakes.FakeGemini;
import io.embedgate.fakes.FakeMistral;
import io.embedgate.fakes.FakeOpenAi;
import io.embedgate.fakes.Fault;
import io.embedgate.testing.FakeUpstreamsResource;
import io.embedgate.testing.InjectFake;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * Redaction proven end to end: with every log category of the gateway at DEBUG, a mix of
 * successful, failing and debug-traced requests against every provider leaves no provider key in
 * any response body, header or log line (message, parameters or stack trace). In the root package
 * because it covers the whole application (every provider, the error envelope, debug traces, logs),
 * not the code of one package.
 */
@QuarkusTest
@WithTestResource(FakeUpstreamsResource.class)
@TestProfile(SecretsNeverLeakTest.DebugLogging.class)
class SecretsNeverLeakTest {

    public static class DebugLogging implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.log.category.\"io.embedgate\".level", "DEBUG", "quarkus.log.min-level", "DEBUG");
        }
    }

    @InjectFake
    FakeOpenAi openai;
    @InjectFake
    FakeGemini gemini;
    @InjectFake
    FakeMistral mistral;

    @Test
    void noProviderKeyInAnyResponseOrLogLine() {
        List<String> lines = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {

            @Override
            public void publish(LogRecord r) {
                StringBuilder b = new StringBuilder(String.valueOf(r.getMessage()));
                if (r.getParameters() != null) {
                    for (Object p : r.getParameters()) {
                        b.append(' ').append(p);
                    }
                }
                if (r.getThrown() != null) {
                    StringWriter w = new StringWriter();
                    r.getThrown().printStackTrace(new PrintWriter(w));
                    b.append(' ').append(w);
                }
                lines.add(b.toString());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        capture.setLevel(Level.ALL);
        Logger root = Logger.getLogger("");
        root.addHandler(capture);
        List<String> keys = List.of(openai.apiKey(), gemini.apiKey(), mistral.apiKey(), FakeUpstreamsResource.WRONG_KEY,
                FakeUpstreamsResource.WRONG_GOOGLE_KEY, FakeUpstreamsResource.WRONG_MISTRAL_KEY);
        String all = """
                {"return_upstream_request":true,"return_upstream_response":true,"trace_level":"full"}""";
        StringBuilder seen = new StringBuilder();
        try {
            openai.reset();
            // A provider echoing the key in its error, as some OpenAI-compatible servers do.
            openai.enqueue(Fault.respond(401, """
                    {"error":{"message":"Incorrect API key provided: %s","type":"invalid_request_error","code":"invalid_api_key"}}"""
                    .formatted(openai.apiKey())));
            openai.enqueue(Fault.respond(500, """
                    {"error":{"message":"key %s failed","type":"server_error"}}""".formatted(openai.apiKey())));
            for (String model : List.of("text-embedding-3-small", "gemini-embedding-001", "mistral-embed", "wrong-key-model",
                    "gemini-wrong-key", "mistral-wrong-key", "text-embedding-3-large", "no-key-model")) {
                for (String debug : new String[]{null, all}) {
                    var r = embed(
                            "{\"model\":\"" + model + "\",\"input\":[\"leak check\"]" + (debug == null ? "" : ",\"debug\":" + debug) + "}");
                    seen.append(r.asString()).append(r.headers().toString());
                }
            }
            // A careless upstream echoing the key in a 200's model field and headers, and in an error's
            // message, type, param and code; with and without the wire exchange in the debug trace.
            for (String debug : new String[]{null, all}) {
                for (Fault echo : List.of(openai.echoingKey(), openai.errorEchoingKey(400), openai.errorEchoingKey(429),
                        openai.errorEchoingKey(503))) {
                    openai.enqueue(echo);
                    var r = embed("{\"model\":\"text-embedding-3-small\",\"input\":[\"leak check\"]"
                            + (debug == null ? "" : ",\"debug\":" + debug) + "}");
                    seen.append(r.asString()).append(r.headers().toString());
                }
            }
        } finally {
            root.removeHandler(capture);
        }
        assertTrue(lines.size() > 10, "log lines were captured: " + lines.size());
        assertTrue(seen.toString().contains("[REDACTED]"), "the traces showed masked headers");
        for (String key : keys) {
            assertFalse(seen.toString().contains(key), "a response leaked " + key);
            for (String line : lines) {
                assertFalse(line.contains(key), "a log line leaked a key: " + line);
            }
        }
    }
}
