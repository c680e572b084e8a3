package io.embedgate.provider.openai;

import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;

import io.embedgate.spi.EmbeddingCall;
import io.embedgate.spi.EmbeddingResult;
import io.embedgate.spi.ProviderClient;
import io.embedgate.spi.RetryAfter;
import io.embedgate.spi.UpstreamException;
import io.smallrye.mutiny.Uni;

/** One configured OpenAI instance: a REST client (own connection pool) built once at start-up. */
final class OpenAiClient implements ProviderClient {

    private static final byte[] EMPTY = new byte[0];

    private final String name;
    private final String apiKey;
    private final OpenAiEmbeddingsApi api;
    private final AutoCloseable closeable;

    OpenAiClient(String name, String apiKey, OpenAiEmbeddingsApi api) {
        this.name = name;
        this.apiKey = apiKey;
        this.api = api;
        this.closeable = api instanceof AutoCloseable c ? c : null;
    }

    @Override
    public Uni<EmbeddingResult> embed(EmbeddingCall call) {
        byte[] body = OpenAiWire.request(call);
        int expected = call.inputs().size();
        return api.embed(body)
                .onFailure().transform(t -> t instanceof UpstreamException ? t : UpstreamException.connection(name, t))
                .map(response -> handle(response, call, expected));
    }

    private EmbeddingResult handle(Response response, EmbeddingCall call, int expected) {
        byte[] entity = response.hasEntity() ? response.readEntity(byte[].class) : EMPTY;
        int status = response.getStatus();
        if (status >= 200 && status < 300) {
            return OpenAiWire.response(entity, expected, call.dimensions(), name, call.upstreamModel());
        }
        MultivaluedMap<String, String> h = response.getStringHeaders();
        String shouldRetry = h.getFirst("x-should-retry");
        throw OpenAiWire.error(status, entity,
                RetryAfter.fromHeaders(h.getFirst("retry-after-ms"), h.getFirst("retry-after")),
                shouldRetry == null ? null : Boolean.valueOf(shouldRetry.trim()), name, apiKey);
    }

    @Override
    public void close() {
        if (closeable != null) {
            try {
                closeable.close();
            } catch (Exception ignored) {
                // shutting down
            }
        }
    }
}
