package io.embedgate.spi;

import io.smallrye.mutiny.Uni;

/**
 * A connected provider instance: one base URL and key, one connection pool, built once and shared
 * by every request.
 */
public interface ProviderClient extends AutoCloseable {

    /**
     * Embeds every input of the call in one upstream request. The call never holds more inputs than
     * the model's {@link ModelCapabilities#maxInputsPerCall()}: splitting is the gateway's job.
     * Failures are signalled as {@link UpstreamException}.
     */
    Uni<EmbeddingResult> embed(EmbeddingCall call);

    /**
     * How large this instance's replies are in its wire format for vectors of {@code dtype}: what the
     * gateway sets aside in its memory budget, and the cap on a reply body. {@link ReplySize#NONE} for
     * a model that runs in-process.
     */
    default ReplySize replySize(OutputDtype dtype) {
        return ReplySize.NONE;
    }

    /**
     * What the instance reports about itself under readiness, by name (e.g. an in-process model's
     * {@code loading} or {@code loaded}); empty for a remote provider, whose state the gateway tracks.
     */
    default java.util.Map<String, String> status() {
        return java.util.Map.of();
    }

    @Override
    default void close() {
    }
}
