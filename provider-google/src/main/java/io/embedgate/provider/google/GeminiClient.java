package io.embedgate.provider.google;

import io.embedgate.provider.support.UpstreamCall;
import io.embedgate.provider.support.UpstreamHttp;
import io.embedgate.spi.EmbeddingCall;
import io.embedgate.spi.EmbeddingResult;
import io.embedgate.spi.OutputDtype;
import io.embedgate.spi.ProviderClient;
import io.embedgate.spi.ReplySize;
import io.smallrye.mutiny.Uni;

/** One configured Gemini API instance; its HTTP client (and connection pool) is built once. */
final class GeminiClient implements ProviderClient {

    private final String name;
    private final String apiKey;
    private final UpstreamHttp http;

    GeminiClient(UpstreamHttp http, String apiKey) {
        this.http = http;
        this.name = http.endpoint().provider();
        this.apiKey = apiKey;
    }

    @Override
    public Uni<EmbeddingResult> embed(EmbeddingCall call) {
        return UpstreamCall.handle(call, http, "/v1beta/models/" + UpstreamHttp.pathSegment(call.upstreamModel()) + ":batchEmbedContents",
                GeminiWire.request(call), GeminiWire.REPLY,
                body -> GeminiWire.response(body, call, name),
                (status, body, retryAfter, shouldRetry) -> GeminiWire.error(status, body, retryAfter, name, apiKey));
    }

    @Override
    public ReplySize replySize(OutputDtype dtype) {
        return GeminiWire.REPLY;
    }

    @Override
    public void close() {
        http.close();
    }
}
