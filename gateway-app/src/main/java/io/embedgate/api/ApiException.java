package io.embedgate.api;

import java.util.Map;

/**
 * An error answered in the OpenAI envelope {@code {"error":{"message","type","param","code"}}}.
 * Everything the gateway rejects or fails with ends up as one of these.
 */
public final class ApiException extends RuntimeException {

    private final int status;
    private final String type;
    private final String code;
    private final String param;
    private final Map<String, String> headers;

    public ApiException(int status, String type, String code, String param, String message, Map<String, String> headers) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.code = code;
        this.param = param;
        this.headers = headers == null ? Map.of() : Map.copyOf(headers);
    }

    /** 400 for a request field the client got wrong. */
    public static ApiException invalid(String param, String message) {
        return new ApiException(400, "invalid_request_error", null, param, message, null);
    }

    public static ApiException invalid(String param, String code, String message) {
        return new ApiException(400, "invalid_request_error", code, param, message, null);
    }

    public static ApiException modelNotFound(String model, String message) {
        return new ApiException(404, "invalid_request_error", "model_not_found", "model", message, null);
    }

    /**
     * 503 with {@code retry-after: 1}: the gateway is at its limit for now (its memory budget), which
     * the OpenAI SDKs retry with backoff.
     */
    public static ApiException overloaded(String message) {
        return new ApiException(503, "server_error", "gateway_overloaded", null, message,
                Map.of("retry-after", "1", "retry-after-ms", "1000"));
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String code() {
        return code;
    }

    public String param() {
        return param;
    }

    public Map<String, String> headers() {
        return headers;
    }

    public ErrorBody body() {
        return ErrorBody.of(getMessage(), type, param, code);
    }
}
