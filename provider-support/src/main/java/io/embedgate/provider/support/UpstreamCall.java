package io.embedgate.provider.support;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import jakarta.ws.rs.core.Response;

import io.embedgate.spi.EmbeddingCall;
import io.embedgate.spi.EmbeddingResult;
import io.embedgate.spi.RetryAfter;
import io.embedgate.spi.UpstreamException;
import io.embedgate.spi.WireTap;
import io.smallrye.mutiny.Uni;

/**
 * The shape of every upstream call: transport failures become connection errors, a 2xx body goes to
 * the adapter's decoder, anything else to its error mapper with the retry hint of the headers.
 */
public final class UpstreamCall {

    private static final byte[] EMPTY = new byte[0];

    /** Decodes a 2xx body. */
    @FunctionalInterface
    public interface Decoder {
        EmbeddingResult decode(byte[] body);
    }

    /** Maps an error status and body to a typed error. */
    @FunctionalInterface
    public interface ErrorMapper {
        UpstreamException map(int status, byte[] body, Duration retryAfter, Boolean shouldRetry);
    }

    private UpstreamCall() {
    }

    /**
     * @param endpoint the instance's endpoint, for the debug trace
     * @param path     the request path under the base URL, for the debug trace
     * @param body     the request body as sent by {@code send}
     */
    public static Uni<EmbeddingResult> handle(EmbeddingCall call, UpstreamEndpoint endpoint, String path, byte[] body,
            Function<byte[], Uni<Response>> send, Decoder decoder, ErrorMapper errors) {
        String provider = endpoint.provider();
        WireTap tap = call.tap();
        if (tap.active()) {
            tap.request("POST", endpoint.url(path), endpoint.headers(), body);
        }
        // One operator for both outcomes: every Mutiny stage costs a context capture on the hot path.
        // (Throwing while handling a failure would wrap it in a CompositeException, hence failure Unis.)
        return send.apply(body).onItemOrFailure().transformToUni((response, failure) -> failure != null
                ? Uni.createFrom().failure(failure instanceof UpstreamException e ? e : UpstreamException.connection(provider, failure))
                : Uni.createFrom().item(() -> read(response, tap, decoder, errors)));
    }

    private static EmbeddingResult read(Response response, WireTap tap, Decoder decoder, ErrorMapper errors) {
        byte[] entity = response.hasEntity() ? response.readEntity(byte[].class) : EMPTY;
        int status = response.getStatus();
        if (tap.active()) {
            Map<String, List<String>> headers = new LinkedHashMap<>();
            response.getStringHeaders().forEach((k, v) -> headers.put(k, List.copyOf(v)));
            tap.response(status, headers, entity);
        }
        if (status >= 200 && status < 300) {
            return decoder.decode(entity);
        }
        String shouldRetry = response.getHeaderString("x-should-retry");
        throw errors.map(status, entity,
                RetryAfter.fromHeaders(response.getHeaderString("retry-after-ms"), response.getHeaderString("retry-after")),
                shouldRetry == null ? null : Boolean.valueOf(shouldRetry.trim()));
    }

    /** Closes a REST client built by {@link ProviderRestClients}. */
    public static void close(Object client) {
        if (client instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception ignored) {
                // shutting down
            }
        }
    }
}
