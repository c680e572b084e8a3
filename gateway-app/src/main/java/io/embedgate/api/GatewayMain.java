package io.embedgate.api;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import sun.misc.Signal;

/**
 * The gateway's entry point: Quarkus, with two things that must be set up before Quarkus starts.
 * <ul>
 * <li>Quarkus checks every request URI itself and answers one that is not a valid URI (a {@code %}
 * not followed by two hex digits) with an empty 400, before any handler can run; with that check
 * off here, {@link HttpEdge} makes the very same check first and answers in the OpenAI error
 * envelope. (Tests set the same system property in the build.)</li>
 * <li>SIGTERM and SIGINT stop the application first and exit after. Left to the JVM, a signal runs
 * every shutdown hook at once, ONNX Runtime's among them, which frees its native environment while
 * the local model may still be loading or running on it: the process crashed (SIGSEGV). Stopped
 * this way, the application waits for the model (see {@code LocalClient.close}) before the JVM's
 * hooks run.</li>
 * </ul>
 */
@QuarkusMain
public final class GatewayMain {

    /** Read by Quarkus' HTTP recorder when its class initialises. */
    static final String URI_CHECK_OFF = "vertx.disableURIValidation";

    public static void main(String... args) {
        System.setProperty(URI_CHECK_OFF, "true");
        stopFirstOn("TERM", 143);
        stopFirstOn("INT", 130);
        Quarkus.run(args);
    }

    /** On {@code signal}, ask Quarkus to stop (it then exits with {@code exitCode}, the shell's 128 + signal number). */
    private static void stopFirstOn(String signal, int exitCode) {
        try {
            Signal.handle(new Signal(signal), s -> Quarkus.asyncExit(exitCode));
        } catch (IllegalArgumentException unsupported) {
            // no such signal here: the JVM's default handling stays
        }
    }
}
