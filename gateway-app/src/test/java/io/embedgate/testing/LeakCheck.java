package io.embedgate.testing;

import static io.embedgate.testing.Api.embed;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Runs requests for some models, with and without the full debug trace (the upstream exchange
 * included), with the gateway's loggers at DEBUG, and asserts that no credential appears in any
 * response body, header or log line (message, parameters or stack trace).
 */
public final class LeakCheck {

    static final String FULL_DEBUG = """
            {"enabled":true,"return_upstream_request":true,"return_upstream_response":true,"trace_level":"full"}""";

    private LeakCheck() {
    }

    public static void assertNoLeaks(List<String> secrets, List<String> requests) {
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
        Logger gateway = Logger.getLogger("io.embedgate");
        Level before = gateway.getLevel();
        gateway.setLevel(Level.FINEST);
        root.addHandler(capture);
        StringBuilder seen = new StringBuilder();
        try {
            for (String request : requests) {
                for (String debug : new String[]{null, FULL_DEBUG}) {
                    String body = debug == null ? request : request.substring(0, request.lastIndexOf('}')) + ",\"debug\":" + debug + "}";
                    var r = embed(body);
                    seen.append(r.asString()).append(r.headers().toString());
                }
            }
        } finally {
            root.removeHandler(capture);
            gateway.setLevel(before);
        }
        assertTrue(seen.toString().contains("[REDACTED]"), "the traces showed masked credentials");
        for (String secret : secrets) {
            assertFalse(seen.toString().contains(secret), "a response leaked " + secret);
            for (String line : lines) {
                assertFalse(line.contains(secret), "a log line leaked a credential: " + line);
            }
        }
    }
}
