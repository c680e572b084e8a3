package io.embedgate.api;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * The gateway's entry point: Quarkus, with one setting that must be made before Quarkus starts.
 * Quarkus checks every request URI itself and answers one that is not a valid URI (a {@code %} not
 * followed by two hex digits) with an empty 400, before any handler can run; with that check off
 * here, {@link HttpEdge} makes the very same check first and answers in the OpenAI error envelope.
 * (Tests set the same system property in the build.)
 */
@QuarkusMain
public final class GatewayMain {

    /** Read by Quarkus' HTTP recorder when its class initialises. */
    static final String URI_CHECK_OFF = "vertx.disableURIValidation";

    public static void main(String... args) {
        System.setProperty(URI_CHECK_OFF, "true");
        Quarkus.run(args);
    }
}
