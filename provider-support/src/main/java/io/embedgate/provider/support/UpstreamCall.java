package io.embedgate.provider.support;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

import io.embedgate.spi.EmbeddingCall;
import io.embedgate.spi.EmbeddingResult;
import io.embedgate.spi.ReplySize;
import io.embedgate.spi.RetryAfter;
import io.embedgate.spi.UpstreamException;
import io.embedgate.spi.WireTap;
import io.smallrye.mutiny.Uni;

/**
 * The shape of every upstream call: transport failures become connection errors, a 2xx body goes to
 * the adapter's decoder, anything else to its error mapper with the retry hint of the headers.
 */
public final class UpstreamCall {

    /** Decodes a 2xx body; {@code headers} gives a reply header's value by name (any case), null when absent. */
    @FunctionalInterface
    public interface Decoder {

        EmbeddingResult decode(byte[] body, Function<String, String> headers);
    }

    /** Maps an error status, body and reply headers to a typed error. */
    @FunctionalInterface
    public interface ErrorMapper {

        UpstreamException map(int status, byte[] body, Function<String, String> headers, Duration retryAfter, Boolean shouldRetry);
    }

    private UpstreamCall() {
    }

    /**
     * @param http  the instance's client
     * @param path  the request path under the base URL, e.g. {@code /embeddings}
     * @param body  the request body
     * @param sizes how large the provider's replies are in its wire format: the reply body is capped
     *              at the most a valid answer to this call can take, and what it takes beyond the
     *              call's reserve is taken from the gateway's memory budget
     */
    public static Uni<EmbeddingResult> handle(EmbeddingCall call, UpstreamHttp http, String path, byte[] body, ReplySize sizes,
            Decoder decoder, ErrorMapper errors) {
        UpstreamEndpoint endpoint = http.endpoint();
        WireTap tap = call.tap();
        if (tap.active()) {
            tap.request("POST", endpoint.url(path), endpoint.headers(), body);
        }
        return http.post(path, body, limit(call, sizes), reply -> read(reply, tap, decoder, errors, endpoint.provider()));
    }

    /**
     * {@link #handle(EmbeddingCall, UpstreamHttp, String, byte[], ReplySize, Decoder, ErrorMapper)} with
     * headers of this request only (an {@link UpstreamAuth}'s signature or token), shown in the debug
     * trace with the static ones (the trace masks them by name).
     */
    public static Uni<EmbeddingResult> handle(EmbeddingCall call, UpstreamHttp http, String path, byte[] body, Map<String, String> headers,
            ReplySize sizes, Decoder decoder, ErrorMapper errors) {
        UpstreamEndpoint endpoint = http.endpoint();
        WireTap tap = call.tap();
        if (tap.active()) {
            Map<String, String> all = new LinkedHashMap<>(endpoint.headers());
            all.putAll(headers);
            tap.request("POST", endpoint.url(path), all, body);
        }
        return http.post(path, body, headers, limit(call, sizes), reply -> read(reply, tap, decoder, errors, endpoint.provider()));
    }

    /** The cap on a reply to this call; none when the vector size is unknown (tools and tests). */
    static UpstreamHttp.ReplyLimit limit(EmbeddingCall call, ReplySize sizes) {
        int values = call.valuesPerVector();
        long max = values == 0 ? Long.MAX_VALUE : sizes.max(call.inputs().size(), values);
        return new UpstreamHttp.ReplyLimit(max, call.allowance());
    }

    private static EmbeddingResult read(UpstreamHttp.Reply reply, WireTap tap, Decoder decoder, ErrorMapper errors, String provider) {
        int status = reply.status();
        if (tap.active()) {
            tap.response(status, reply.headerMap(), reply.body());
        }
        if (status >= 200 && status < 300) {
            return decoder.decode(reply.body(), reply.headers()::get);
        }
        if (status < 400) {
            // A redirect or a 1xx: never followed, and not an error body worth parsing.
            throw UpstreamException.unexpectedStatus(provider, status);
        }
        String shouldRetry = reply.headers().get("x-should-retry");
        throw errors.map(status, reply.body(), reply.headers()::get,
                RetryAfter.fromHeaders(reply.headers().get("retry-after-ms"), reply.headers().get("retry-after")),
                shouldRetry == null ? null : Boolean.valueOf(shouldRetry.trim()));
    }
}
