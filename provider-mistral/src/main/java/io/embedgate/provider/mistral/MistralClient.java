package io.embedgate.provider.mistral;

import io.embedgate.provider.support.UpstreamCall;
import io.embedgate.provider.support.UpstreamEndpoint;
import io.embedgate.spi.EmbeddingCall;
import io.embedgate.spi.EmbeddingResult;
import io.embedgate.spi.ProviderClient;
import io.smallrye.mutiny.Uni;

/** One configured Mistral instance; its REST client (and connection pool) is built once. */
final class MistralClient implements ProviderClient {

    private final UpstreamEndpoint endpoint;
    private final String name;
    private final String apiKey;
    private final MistralApi api;

    MistralClient(UpstreamEndpoint endpoint, String apiKey, MistralApi api) {
        this.endpoint = endpoint;
        this.name = endpoint.provider();
        this.apiKey = apiKey;
        this.api = api;
    }

    @Override
    public Uni<EmbeddingResult> embed(EmbeddingCall call) {
        return UpstreamCall.handle(call, endpoint, "/embeddings", MistralWire.request(call), api::embed,
                body -> MistralWire.response(body, call, name),
                (status, body, retryAfter, shouldRetry) -> MistralWire.error(status, body, retryAfter, name, apiKey));
    }

    @Override
    public void close() {
        UpstreamCall.close(api);
    }
}
