package io.embedgate.spi;

import java.time.Duration;
import java.util.Optional;

/**
 * A failed upstream call, typed so the router can decide on retries and fallbacks and the API layer
 * on the client's status code. The message never contains a provider key: adapters pass every
 * provider text through {@link Secrets#redact}.
 */
public final class UpstreamException extends RuntimeException {

    public enum Kind {
        /** The provider rejected the request's content (too long, invalid argument). */
        BAD_REQUEST,
        /** The provider rejected our credentials (401). */
        AUTHENTICATION,
        /** The key lacks access (403). */
        PERMISSION,
        /** The model or route does not exist at the provider (404). */
        NOT_FOUND,
        /** Rate limited (429); retry later. */
        RATE_LIMITED,
        /** The account's quota is exhausted; retrying will not help. */
        QUOTA_EXHAUSTED,
        /** The provider failed (5xx, 408, 409). */
        SERVER_ERROR,
        /** No answer before the deadline. */
        TIMEOUT,
        /** Connection refused, reset or closed. */
        CONNECTION,
        /** A 2xx whose body is not what the API promises (garbage, wrong vector count, too large), or a redirect or 1xx. */
        INVALID_RESPONSE,
        /**
         * The gateway itself could not take the reply on: its memory budget could not spare what the
         * reply needed. Not the provider's fault (breakers ignore it), and retrying now would not help.
         */
        GATEWAY_OVERLOADED
    }

    private final String provider;
    private final Kind kind;
    private final int httpStatus;
    private final String errorType;
    private final String errorCode;
    private final boolean retryable;
    private final Duration retryAfter;
    /** What the error reply said about the provider's rate limits: a 429's headers are as telling as a 200's. */
    private final ProviderQuota quota;
    /** The input of the call the error is about (a rejected over-long input), or -1. */
    private final int input;

    public UpstreamException(String provider, Kind kind, int httpStatus, String errorType, String errorCode,
            String message, boolean retryable, Duration retryAfter, Throwable cause) {
        this(provider, kind, httpStatus, errorType, errorCode, message, retryable, retryAfter, cause, ProviderQuota.NONE, -1);
    }

    private UpstreamException(String provider, Kind kind, int httpStatus, String errorType, String errorCode,
            String message, boolean retryable, Duration retryAfter, Throwable cause, ProviderQuota quota, int input) {
        // No stack trace: these are expected, frequent and fully described by their fields.
        super(message, cause, false, false);
        this.provider = provider;
        this.kind = kind;
        this.httpStatus = httpStatus;
        // Upstream identifiers reach the client's error envelope: only ever as short tokens.
        this.errorType = Secrets.token(errorType, null);
        this.errorCode = Secrets.token(errorCode, null);
        this.retryable = retryable;
        this.retryAfter = retryAfter;
        this.quota = quota == null ? ProviderQuota.NONE : quota;
        this.input = input;
    }

    /**
     * The usual classification of an HTTP error status. {@code shouldRetry} (e.g. OpenAI's
     * {@code x-should-retry} header) overrides the default retryability when present.
     */
    public static UpstreamException fromStatus(String provider, int status, String errorType, String errorCode,
            String message, Duration retryAfter, Boolean shouldRetry) {
        Kind kind;
        if (status == 401) {
            kind = Kind.AUTHENTICATION;
        } else if (status == 403) {
            kind = Kind.PERMISSION;
        } else if (status == 404) {
            kind = Kind.NOT_FOUND;
        } else if (status == 429) {
            kind = "insufficient_quota".equals(errorCode) || "insufficient_quota".equals(errorType)
                    ? Kind.QUOTA_EXHAUSTED
                    : Kind.RATE_LIMITED;
        } else if (status == 408 || status == 409 || status >= 500) {
            kind = Kind.SERVER_ERROR;
        } else if (status < 400) {
            // 1xx and 3xx: a misconfigured upstream or proxy. Redirects are never followed (the key
            // would travel to wherever they point), so they are the upstream's fault, not the client's.
            kind = Kind.INVALID_RESPONSE;
        } else {
            kind = Kind.BAD_REQUEST;
        }
        boolean retryable = kind != Kind.INVALID_RESPONSE && (shouldRetry != null ? shouldRetry
                : kind == Kind.RATE_LIMITED || kind == Kind.SERVER_ERROR);
        return new UpstreamException(provider, kind, status, errorType, errorCode, message, retryable, retryAfter, null);
    }

    public static UpstreamException invalidResponse(String provider, String message) {
        return new UpstreamException(provider, Kind.INVALID_RESPONSE, 0, null, null, message, true, null, null);
    }

    /** An answer with a status no embeddings API gives: a redirect (never followed) or a 1xx. */
    public static UpstreamException unexpectedStatus(String provider, int status) {
        String what = status >= 300 && status < 400
                ? "answered with a redirect (HTTP " + status + "); redirects are not followed, so the key never travels to another location"
                : "answered HTTP " + status + ", which no embeddings API sends";
        return new UpstreamException(provider, Kind.INVALID_RESPONSE, status, null, "unexpected_status", what, false, null, null);
    }

    /** The gateway's memory budget could not spare what a reply needed. */
    public static UpstreamException overloaded(String provider, String message) {
        return new UpstreamException(provider, Kind.GATEWAY_OVERLOADED, 0, null, "gateway_overloaded", message, false, null, null);
    }

    public static UpstreamException connection(String provider, Throwable cause) {
        String what = cause == null ? "connection failed"
                : cause.getClass().getSimpleName()
                        + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
        return new UpstreamException(provider, Kind.CONNECTION, 0, null, null, what, true, null, cause);
    }

    public static UpstreamException timeout(String provider, Duration after) {
        return new UpstreamException(provider, Kind.TIMEOUT, 0, null, null,
                "no answer within " + after.toMillis() + " ms", true, null, null);
    }

    /** The same error with another message (the same one, with secrets removed). */
    public UpstreamException withMessage(String message) {
        return new UpstreamException(provider, kind, httpStatus, errorType, errorCode, message, retryable, retryAfter, getCause(),
                quota, input);
    }

    /** The same error with what its reply said about the provider's rate limits. */
    public UpstreamException withQuota(ProviderQuota q) {
        return new UpstreamException(provider, kind, httpStatus, errorType, errorCode, getMessage(), retryable, retryAfter, getCause(),
                q, input);
    }

    /**
     * The same error about one input, by its index in the call. The gateway maps it back to the index in
     * the client's request (a call may hold part of the request: a chunk, or the inputs the cache lacked).
     */
    public UpstreamException aboutInput(int index) {
        return new UpstreamException(provider, kind, httpStatus, errorType, errorCode, getMessage(), retryable, retryAfter, getCause(),
                quota, index);
    }

    /** The input the error is about, by its index in the call (or, once mapped, in the request); empty when none. */
    public java.util.OptionalInt input() {
        return input < 0 ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(input);
    }

    /** What the error reply said about the provider's rate limits; {@link ProviderQuota#NONE} when nothing. */
    public ProviderQuota quota() {
        return quota;
    }

    /** The provider instance name. */
    public String provider() {
        return provider;
    }

    public Kind kind() {
        return kind;
    }

    /** The upstream HTTP status, 0 when no response arrived. */
    public int httpStatus() {
        return httpStatus;
    }

    public Optional<String> errorType() {
        return Optional.ofNullable(errorType);
    }

    public Optional<String> errorCode() {
        return Optional.ofNullable(errorCode);
    }

    public boolean retryable() {
        return retryable;
    }

    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
