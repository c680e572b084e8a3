package io.embedgate.provider.google;

import io.embedgate.provider.support.UpstreamCall;
import io.embedgate.provider.support.UpstreamEndpoint;
import io.embedgate.spi.EmbeddingCall;
import io.embedgate.spi.EmbeddingResult;
import io.embedgate.spi.ProviderClient;
import io.smallrye.mutiny.Uni;

/** One configured Gemini API instance; its REST client (and connection pool) is built once. */
final class GeminiClient implements ProviderClient {

    private final UpstreamEndpoint endpoint;
    private final String name;
    private final String apiKey;
    private final GeminiApi api;

    GeminiClient(UpstreamEndpoint endpoint, String apiKey, GeminiApi api) {
        this.endpoint = endpoint;
        this.name = endpoint.provider();
        this.apiKey = apiKey;
        this.api = api;
    }

    @Override
    public Uni<EmbeddingResult> embed(EmbeddingCall call) {
        return UpstreamCall.handle(call, endpoint, "/v1beta/models/" + call.upstreamModel() + ":batchEmbedContents", GeminiWire.request(call),
                body -> api.batchEmbed(call.upstreamModel(), body),
                body -> GeminiWire.response(body, call, name),
                (status, body, retryAfter, shouldRetry) -> GeminiWire.error(status, body, retryAfter, name, apiKey));
    }

    @Override
    public void close() {
        UpstreamCall.close(api);
    }
}
