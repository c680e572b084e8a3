package io.embedgate.provider.support;

import java.time.Duration;

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
     * @param http the instance's client
     * @param path the request path under the base URL, e.g. {@code /embeddings}
     * @param body the request body
     */
    public static Uni<EmbeddingResult> handle(EmbeddingCall call, UpstreamHttp http, String path, byte[] body,
            Decoder decoder, ErrorMapper errors) {
        UpstreamEndpoint endpoint = http.endpoint();
        WireTap tap = call.tap();
        if (tap.active()) {
            tap.request("POST", endpoint.url(path), endpoint.headers(), body);
        }
        return http.post(path, body, reply -> read(reply, tap, decoder, errors));
    }

    private static EmbeddingResult read(UpstreamHttp.Reply reply, WireTap tap, Decoder decoder, ErrorMapper errors) {
        int status = reply.status();
        if (tap.active()) {
            tap.response(status, reply.headerMap(), reply.body());
        }
        if (status >= 200 && status < 300) {
            return decoder.decode(reply.body());
        }
        String shouldRetry = reply.headers().get("x-should-retry");
        throw errors.map(status, reply.body(),
                RetryAfter.fromHeaders(reply.headers().get("retry-after-ms"), reply.headers().get("retry-after")),
                shouldRetry == null ? null : Boolean.valueOf(shouldRetry.trim()));
    }
}
