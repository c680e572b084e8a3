package io.embedgate.provider.openai;

import io.embedgate.provider.support.UpstreamCall;
import io.embedgate.provider.support.UpstreamHttp;
import io.embedgate.spi.EmbeddingCall;
import io.embedgate.spi.EmbeddingResult;
import io.embedgate.spi.OutputDtype;
import io.embedgate.spi.ProviderClient;
import io.embedgate.spi.ReplySize;
import io.smallrye.mutiny.Uni;

/** One configured OpenAI instance: an HTTP client (own connection pool) built once at start-up. */
final class OpenAiClient implements ProviderClient {

    private final String name;
    private final String apiKey;
    private final UpstreamHttp http;

    OpenAiClient(UpstreamHttp http, String apiKey) {
        this.http = http;
        this.name = http.endpoint().provider();
        this.apiKey = apiKey;
    }

    @Override
    public Uni<EmbeddingResult> embed(EmbeddingCall call) {
        return UpstreamCall.handle(call, http, "/embeddings", OpenAiWire.request(call), OpenAiWire.REPLY,
                body -> OpenAiWire.response(body, call.inputs().size(), call.dimensions(), name, call.upstreamModel()),
                (status, body, retryAfter, shouldRetry) -> OpenAiWire.error(status, body, retryAfter, shouldRetry, name, apiKey));
    }

    @Override
    public ReplySize replySize(OutputDtype dtype) {
        return OpenAiWire.REPLY;
    }

    @Override
    public void close() {
        http.close();
    }
}
