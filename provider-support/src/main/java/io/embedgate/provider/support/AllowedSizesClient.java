package io.embedgate.provider.support;

import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

import io.embedgate.spi.EmbeddingCall;
import io.embedgate.spi.EmbeddingResult;
import io.embedgate.spi.OutputDtype;
import io.embedgate.spi.ProviderClient;
import io.embedgate.spi.ReplySize;
import io.embedgate.spi.UpstreamException;
import io.smallrye.mutiny.Uni;

/**
 * A provider client that refuses, before anything is sent, an output size its model does not have.
 * {@link io.embedgate.spi.ModelCapabilities} holds a range of sizes; some models take only a few
 * sizes inside it (Cohere embed-v4.0: 256, 512, 1024, 1536), and a request for another one would
 * cost a round trip only to be rejected upstream. The refusal is a {@code BAD_REQUEST}: the client's
 * request, not the provider, is at fault, so the router does not try elsewhere and the breaker does
 * not count it.
 */
public final class AllowedSizesClient implements ProviderClient {

    private final ProviderClient inner;
    private final String provider;
    private final Function<String, Optional<Set<Integer>>> sizes;

    /**
     * @param provider the instance name, for the error
     * @param sizes    the sizes an upstream model takes; empty for a model without such a set (any
     *                 size the gateway allows is sent)
     */
    public AllowedSizesClient(ProviderClient inner, String provider, Function<String, Optional<Set<Integer>>> sizes) {
        this.inner = inner;
        this.provider = provider;
        this.sizes = sizes;
    }

    @Override
    public Uni<EmbeddingResult> embed(EmbeddingCall call) {
        if (call.dimensions().isPresent()) {
            int size = call.dimensions().getAsInt();
            Optional<Set<Integer>> allowed = sizes.apply(call.upstreamModel());
            if (allowed.isPresent() && !allowed.get().contains(size)) {
                return Uni.createFrom().failure(new UpstreamException(provider, UpstreamException.Kind.BAD_REQUEST, 0, null,
                        "unsupported_dimensions", "model " + call.upstreamModel() + " returns " + new TreeSet<>(allowed.get())
                                + " dimensions only; " + size + " was requested.",
                        false, null, null));
            }
        }
        return inner.embed(call);
    }

    @Override
    public ReplySize replySize(OutputDtype dtype) {
        return inner.replySize(dtype);
    }

    @Override
    public void close() {
        inner.close();
    }
}
