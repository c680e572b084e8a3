package io.embedgate.provider.vertex;

import java.util.Optional;

import io.embedgate.provider.support.HttpProviderClient;
import io.embedgate.spi.EmbeddingCall;
import io.embedgate.spi.EmbeddingResult;
import io.embedgate.spi.OutputDtype;
import io.embedgate.spi.ProviderClient;
import io.embedgate.spi.ReplySize;
import io.embedgate.spi.UpstreamException;
import io.smallrye.mutiny.Uni;

/**
 * A Vertex instance: its HTTP client, plus what the generic one cannot know: a call whose options
 * Vertex would refuse fails before it is sent.
 */
final class VertexClient implements ProviderClient {

    private final HttpProviderClient http;
    private final String name;

    VertexClient(HttpProviderClient http, String name) {
        this.http = http;
        this.name = name;
    }

    @Override
    public Uni<EmbeddingResult> embed(EmbeddingCall call) {
        Optional<String> problem = VertexWire.problem(call.options());
        if (problem.isPresent()) {
            return Uni.createFrom().failure(new UpstreamException(name, UpstreamException.Kind.BAD_REQUEST, 0, "invalid_request_error",
                    "invalid_option", problem.get(), false, null, null));
        }
        return http.embed(call);
    }

    @Override
    public ReplySize replySize(OutputDtype dtype) {
        return http.replySize(dtype);
    }

    @Override
    public void close() {
        http.close();
    }
}
