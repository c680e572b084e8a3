package io.embedgate.provider.mistral;

import io.embedgate.provider.support.UpstreamCall;
import io.embedgate.provider.support.UpstreamHttp;
import io.embedgate.spi.EmbeddingCall;
import io.embedgate.spi.EmbeddingResult;
import io.embedgate.spi.OutputDtype;
import io.embedgate.spi.ProviderClient;
import io.embedgate.spi.ReplySize;
import io.smallrye.mutiny.Uni;

/** One configured Mistral instance; its HTTP client (and connection pool) is built once. */
final class MistralClient implements ProviderClient {

    private final String name;
    private final String apiKey;
    private final UpstreamHttp http;

    MistralClient(UpstreamHttp http, String apiKey) {
        this.http = http;
        this.name = http.endpoint().provider();
        this.apiKey = apiKey;
    }

    @Override
    public Uni<EmbeddingResult> embed(EmbeddingCall call) {
        return UpstreamCall.handle(call, http, "/embeddings", MistralWire.request(call), replySize(call.dtype()),
                body -> MistralWire.response(body, call, name),
                (status, body, retryAfter, shouldRetry) -> MistralWire.error(status, body, retryAfter, name, apiKey));
    }

    @Override
    public ReplySize replySize(OutputDtype dtype) {
        return dtype == OutputDtype.FLOAT ? MistralWire.FLOAT_REPLY : MistralWire.INTEGER_REPLY;
    }

    @Override
    public void close() {
        http.close();
    }
}
