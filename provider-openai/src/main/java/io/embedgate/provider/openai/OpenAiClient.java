package io.embedgate.provider.openai;

import io.embedgate.provider.support.UpstreamCall;
import io.embedgate.provider.support.UpstreamEndpoint;
import io.embedgate.spi.EmbeddingCall;
import io.embedgate.spi.EmbeddingResult;
import io.embedgate.spi.ProviderClient;
import io.smallrye.mutiny.Uni;

/** One configured OpenAI instance: a REST client (own connection pool) built once at start-up. */
final class OpenAiClient implements ProviderClient {

    private final UpstreamEndpoint endpoint;
    private final String name;
    private final String apiKey;
    private final OpenAiEmbeddingsApi api;

    OpenAiClient(UpstreamEndpoint endpoint, String apiKey, OpenAiEmbeddingsApi api) {
        this.endpoint = endpoint;
        this.name = endpoint.provider();
        this.apiKey = apiKey;
        this.api = api;
    }

    @Override
    public Uni<EmbeddingResult> embed(EmbeddingCall call) {
        return UpstreamCall.handle(call, endpoint, "/embeddings", OpenAiWire.request(call), api::embed,
                body -> OpenAiWire.response(body, call.inputs().size(), call.dimensions(), name, call.upstreamModel()),
                (status, body, retryAfter, shouldRetry) -> OpenAiWire.error(status, body, retryAfter, shouldRetry, name, apiKey));
    }

    @Override
    public void close() {
        UpstreamCall.close(api);
    }
}
