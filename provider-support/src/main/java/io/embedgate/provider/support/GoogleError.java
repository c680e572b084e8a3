package io.embedgate.provider.support;

import java.io.IOException;
import java.time.Duration;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import io.embedgate.spi.RetryAfter;
import io.embedgate.spi.Secrets;
import io.embedgate.spi.UpstreamException;

/**
 * Google's error envelope, shared by the Gemini API and Vertex AI:
 * {@code {"error":{"code","message","status","details":[...]}}}. The retry hint of a 429 is the
 * {@code google.rpc.RetryInfo} detail's {@code retryDelay}, the reason that of {@code ErrorInfo}.
 * Values are redacted (message) or dropped unless token-shaped (status, reason) as they are read.
 *
 * @param message    never null: the status stands in when the body has none
 * @param status     the gRPC status name, e.g. {@code RESOURCE_EXHAUSTED}; may be null
 * @param reason     the first {@code ErrorInfo.reason}, e.g. {@code API_KEY_INVALID}; may be null
 * @param retryDelay the {@code RetryInfo.retryDelay}; may be null
 */
public record GoogleError(String message, String status, String reason, Duration retryDelay) {

    private static final JsonFactory JSON = JsonFactory.builder().build();

    /** Reads an error body (an HTML page from a proxy gives the HTTP status only). */
    public static GoogleError parse(byte[] body, int httpStatus, String secret) {
        String message = null;
        String grpcStatus = null;
        String reason = null;
        Duration retryDelay = null;
        try (JsonParser p = JSON.createParser(body)) {
            if (p.nextToken() == JsonToken.START_OBJECT) {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String field = p.currentName();
                    JsonToken t = p.nextToken();
                    if (!field.equals("error") || t != JsonToken.START_OBJECT) {
                        p.skipChildren();
                        continue;
                    }
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String f = p.currentName();
                        JsonToken v = p.nextToken();
                        if (f.equals("message") && v == JsonToken.VALUE_STRING) {
                            message = p.getText();
                        } else if (f.equals("status") && v == JsonToken.VALUE_STRING) {
                            grpcStatus = p.getText();
                        } else if (f.equals("details") && v == JsonToken.START_ARRAY) {
                            while (p.nextToken() == JsonToken.START_OBJECT) {
                                while (p.nextToken() == JsonToken.FIELD_NAME) {
                                    String d = p.currentName();
                                    JsonToken dv = p.nextToken();
                                    if (d.equals("retryDelay") && dv == JsonToken.VALUE_STRING) {
                                        retryDelay = RetryAfter.fromProtoDuration(p.getText());
                                    } else if (d.equals("reason") && dv == JsonToken.VALUE_STRING && reason == null) {
                                        reason = p.getText();
                                    } else {
                                        p.skipChildren();
                                    }
                                }
                            }
                        } else {
                            p.skipChildren();
                        }
                    }
                }
            }
        } catch (IOException notJson) {
            // e.g. an HTML error page from a proxy: keep the status only
        }
        return new GoogleError(Secrets.redact(JsonVectors.clip(message, httpStatus), secret), Secrets.token(grpcStatus, secret),
                Secrets.token(reason, secret), retryDelay);
    }

    /** The usual classification by HTTP status, the body's retry hint first, else the header's. */
    public UpstreamException toException(String provider, int httpStatus, Duration retryAfterHeader) {
        return UpstreamException.fromStatus(provider, httpStatus, status, reason, message,
                retryDelay != null ? retryDelay : retryAfterHeader,
                null);
    }
}
