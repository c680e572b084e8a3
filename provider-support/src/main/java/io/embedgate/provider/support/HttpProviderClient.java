package io.embedgate.provider.support;

import java.time.Duration;
import java.util.Map;
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

        /**
         * The same with the reply's headers (a header's value by name, any case; null when absent), for
         * a provider that reports something there, e.g. Bedrock's input token count. Most wires read
         * the body only and keep this default.
         */
        default EmbeddingResult decode(byte[] body, Function<String, String> headers, EmbeddingCall call, String provider) {
            return decode(body, call, provider);
        }
    }

    /** An error status and body as a typed error; the key is there to be redacted from what the provider says. */
    @FunctionalInterface
    public interface ErrorDecoder {

        UpstreamException decode(int status, byte[] body, Duration retryAfter, Boolean shouldRetry, String provider, String apiKey);

        /**
         * The same with the reply's headers, for a provider whose error type travels in a header
         * (Bedrock's {@code x-amzn-ErrorType}). Most wires read the body only and keep this default.
         */
        default UpstreamException decode(int status, byte[] body, Function<String, String> headers, Duration retryAfter,
                Boolean shouldRetry, String provider, String apiKey) {
            return decode(status, body, retryAfter, shouldRetry, provider, apiKey);
        }
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
    /** Null for an instance whose static headers carry its key. */
    private final UpstreamAuth auth;

    /**
     * @param apiKey the instance's key, redacted from error messages and tokens (empty for none)
     */
    public HttpProviderClient(UpstreamHttp http, String apiKey, Wire wire) {
        this(http, apiKey, wire, null);
    }

    /**
     * An instance whose calls are authorised one by one: signed, or with a token that expires.
     *
     * @param auth what authorises each call; null for none beyond the static headers
     */
    public HttpProviderClient(UpstreamHttp http, String apiKey, Wire wire, UpstreamAuth auth) {
        this.http = http;
        this.apiKey = apiKey;
        this.name = http.endpoint().provider();
        this.wire = wire;
        this.auth = auth;
    }

    @Override
    public Uni<EmbeddingResult> embed(EmbeddingCall call) {
        String path = wire.path().apply(call);
        byte[] body = wire.request().encode(call);
        if (auth == null) {
            return UpstreamCall.handle(call, http, path, body, replySize(call.dtype()),
                    (reply, headers) -> wire.response().decode(reply, headers, call, name),
                    (status, error, headers, retryAfter, shouldRetry) -> wire.errors().decode(status, error, headers, retryAfter,
                            shouldRetry, name, apiKey));
        }
        UpstreamAuth.Request request = new UpstreamAuth.Request("POST", http.authority(), http.rawPath(path),
                Map.of("content-type", http.header("Content-Type")), body);
        return authorised(call, path, body, request, false);
    }

    /**
     * The call with the auth's headers. A 401 for credentials the auth can replace (a token revoked or
     * expired early) is tried once more with fresh ones, so a rotated token costs the client nothing;
     * a second 401 is the answer.
     */
    private Uni<EmbeddingResult> authorised(EmbeddingCall call, String path, byte[] body, UpstreamAuth.Request request, boolean again) {
        return auth.headers(request).onItem().transformToUni(headers -> {
            Uni<EmbeddingResult> sent = UpstreamCall.handle(call, http, path, body, headers, replySize(call.dtype()),
                    (reply, replyHeaders) -> wire.response().decode(reply, replyHeaders, call, name),
                    (status, error, replyHeaders, retryAfter, shouldRetry) -> redacted(
                            wire.errors().decode(status, error, replyHeaders, retryAfter, shouldRetry, name, apiKey)));
            if (again) {
                return sent;
            }
            return sent.onFailure(e -> e instanceof UpstreamException u && u.httpStatus() == 401 && auth.refused(headers))
                    .recoverWithUni(e -> authorised(call, path, body, request, true));
        });
    }

    /** The error without the auth's live secrets (a token the provider might echo back). */
    private UpstreamException redacted(UpstreamException e) {
        String message = e.getMessage();
        String clean = auth.redact(message);
        return clean == null || clean.equals(message) ? e : e.withMessage(clean);
    }

    @Override
    public ReplySize replySize(OutputDtype dtype) {
        return wire.replySize().apply(dtype);
    }

    @Override
    public void close() {
        http.close();
        if (auth instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                // Closing a token endpoint's pool at shutdown: nothing to recover.
            }
        }
    }
}
