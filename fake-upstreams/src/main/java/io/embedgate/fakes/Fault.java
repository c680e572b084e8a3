package io.embedgate.fakes;

import java.time.Duration;
import java.util.Map;
import java.util.function.UnaryOperator;

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

    /**
     * 200 whose chunked body never ends: the start of a valid answer, then filler for as long as the
     * caller reads (written with backpressure, so the fake itself stays small).
     */
    record EndlessBody() implements Fault {
    }

    /** 200 announcing and sending {@code bytes} bytes: the start of a valid answer, then filler. */
    record HugeBody(long bytes) implements Fault {
    }

    /** The normal answer, {@code bytesPerTick} bytes every {@code interval}: a body that trickles. */
    record TrickleBody(Duration interval, int bytesPerTick) implements Fault {
    }

    /** The normal answer's status, headers and {@code Content-Length}, then the connection closes halfway through the body. */
    record CutOffBody() implements Fault {
    }

    /** A redirect ({@code 301}, {@code 302}, {@code 307}, {@code 308}) to {@code location}, which a client must not follow with the key. */
    record Redirect(int status, String location) implements Fault {
    }

    /** {@code 101 Switching Protocols}, as a misconfigured proxy might answer. */
    record SwitchingProtocols() implements Fault {
    }

    /** The normal answer with its body rewritten, e.g. zero vectors or the key echoed in a field. */
    record Rewrite(UnaryOperator<String> body, Map<String, String> extraHeaders) implements Fault {
    }

    static Fault endlessBody() {
        return new EndlessBody();
    }

    static Fault hugeBody(long bytes) {
        return new HugeBody(bytes);
    }

    static Fault trickle(Duration interval, int bytesPerTick) {
        return new TrickleBody(interval, bytesPerTick);
    }

    static Fault cutOffBody() {
        return new CutOffBody();
    }

    static Fault redirect(int status, String location) {
        return new Redirect(status, location);
    }

    static Fault switchingProtocols() {
        return new SwitchingProtocols();
    }

    static Fault rewrite(UnaryOperator<String> body) {
        return new Rewrite(body, Map.of());
    }

    static Fault rewrite(UnaryOperator<String> body, Map<String, String> extraHeaders) {
        return new Rewrite(body, extraHeaders);
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
