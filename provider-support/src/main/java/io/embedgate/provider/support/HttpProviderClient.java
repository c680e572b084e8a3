package io.embedgate.provider.support;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;

import io.embedgate.spi.EmbeddingCall;
import io.embedgate.spi.EmbeddingResult;
import io.embedgate.spi.OutputDtype;
import io.embedgate.spi.ProviderClient;
import io.embedgate.spi.ReplySize;
import io.embedgate.spi.UpstreamException;
import io.smallrye.mutiny.Uni;

/**
 * One configured instance of an HTTP provider: its client (own connection pool, built once at
 * start-up) and its provider's {@link Wire}. Every call is a POST through {@link UpstreamCall}.
 */
public final class HttpProviderClient implements ProviderClient {

    /** The request body of a call. */
    @FunctionalInterface
    public interface RequestEncoder {

        byte[] encode(EmbeddingCall call);
    }

    /** A 2xx body as the result of a call. */
    @FunctionalInterface
    public interface ResponseDecoder {

        EmbeddingResult decode(byte[] body, EmbeddingCall call, String provider);
    }

    /** An error status and body as a typed error; the key is there to be redacted from what the provider says. */
    @FunctionalInterface
    public interface ErrorDecoder {

        UpstreamException decode(int status, byte[] body, Duration retryAfter, Boolean shouldRetry, String provider, String apiKey);
    }

    /**
     * A provider's wire format.
     *
     * @param path      the request path of a call under the base URL, e.g. {@code /embeddings}
     * @param request   the request body
     * @param response  the decoder of 2xx bodies
     * @param errors    the decoder of error bodies
     * @param replySize how large replies of a dtype are (see {@link ProviderClient#replySize})
     */
    public record Wire(Function<EmbeddingCall, String> path, RequestEncoder request, ResponseDecoder response, ErrorDecoder errors,
            Function<OutputDtype, ReplySize> replySize) {

        public Wire {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(request, "request");
            Objects.requireNonNull(response, "response");
            Objects.requireNonNull(errors, "errors");
            Objects.requireNonNull(replySize, "replySize");
        }

        /** A wire with one path for every call and one reply size for every dtype. */
        public static Wire of(String path, RequestEncoder request, ResponseDecoder response, ErrorDecoder errors, ReplySize replySize) {
            return new Wire(call -> path, request, response, errors, dtype -> replySize);
        }
    }

    private final UpstreamHttp http;
    private final String apiKey;
    private final String name;
    private final Wire wire;

    /**
     * @param apiKey the instance's key, redacted from error messages and tokens (empty for none)
     */
    public HttpProviderClient(UpstreamHttp http, String apiKey, Wire wire) {
        this.http = http;
        this.apiKey = apiKey;
        this.name = http.endpoint().provider();
        this.wire = wire;
    }

    @Override
    public Uni<EmbeddingResult> embed(EmbeddingCall call) {
        return UpstreamCall.handle(call, http, wire.path().apply(call), wire.request().encode(call), replySize(call.dtype()),
                body -> wire.response().decode(body, call, name),
                (status, body, retryAfter, shouldRetry) -> wire.errors().decode(status, body, retryAfter, shouldRetry, name, apiKey));
    }

    @Override
    public ReplySize replySize(OutputDtype dtype) {
        return wire.replySize().apply(dtype);
    }

    @Override
    public void close() {
        http.close();
    }
}
