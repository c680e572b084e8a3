package io.embedgate.fakes;

import java.time.Duration;
import java.util.Map;

/**
 * A scripted misbehaviour for the next upstream call. Queue several to script a sequence, e.g. two
 * 503s and then success.
 */
public sealed interface Fault {

    /** Answer with this status, body and headers instead of the normal answer. */
    record Respond(int status, String body, Map<String, String> headers) implements Fault {
    }

    /** Wait, then answer normally (or hang past the client's timeout). */
    record Delay(Duration delay) implements Fault {
    }

    /** Close the connection without answering. */
    record Disconnect() implements Fault {
    }

    /** 200 with a body that is not JSON. */
    record MalformedJson() implements Fault {
    }

    /** 200 with one vector fewer than inputs. */
    record MissingVector() implements Fault {
    }

    static Fault respond(int status, String body) {
        return new Respond(status, body, Map.of());
    }

    static Fault respond(int status, String body, Map<String, String> headers) {
        return new Respond(status, body, headers);
    }

    static Fault delay(Duration d) {
        return new Delay(d);
    }

    static Fault disconnect() {
        return new Disconnect();
    }

    static Fault malformedJson() {
        return new MalformedJson();
    }

    static Fault missingVector() {
        return new MissingVector();
    }
}
