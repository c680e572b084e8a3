package io.embedgate.provider.support;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import io.embedgate.spi.Secrets;
import io.embedgate.spi.UpstreamException;

/**
 * An OpenAI-style error body, as the provider sent it (any member may be null). Parsed with Jackson:
 * errors are off the hot path.
 *
 * @param message the provider's message, unredacted
 * @param type    e.g. {@code invalid_request_error}
 * @param param   the request member at fault
 * @param code    e.g. {@code invalid_api_key}, or a number as text
 */
public record OpenAiError(String message, String type, String param, String code) {

    private static final JsonFactory JSON = JsonFactory.builder().build();

    /**
     * OpenAI's {@code {"error":{message,type,param,code}}}, Azure's variant with a string
     * {@code code}, and the flat {@code {"message"}}/{@code {"detail"}}/{@code {"error":"..."}} bodies
     * of OpenAI-compatible servers (only the message is read from those). A non-JSON page has no
     * members.
     */
    public static OpenAiError parse(byte[] body) {
        Members m = new Members();
        try (JsonParser p = JSON.createParser(body)) {
            if (p.nextToken() == JsonToken.START_OBJECT) {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String field = p.currentName();
                    JsonToken t = p.nextToken();
                    if (field.equals("error") && t == JsonToken.START_OBJECT) {
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String f = p.currentName();
                            if (!m.read(f, p.nextToken(), p)) {
                                p.skipChildren();
                            }
                        }
                    } else if ((field.equals("error") || field.equals("message") || field.equals("detail"))
                            && t == JsonToken.VALUE_STRING) {
                        m.message = m.message == null ? p.getText() : m.message;
                    } else {
                        p.skipChildren();
                    }
                }
            }
        } catch (IOException notJson) {
            // a non-JSON error page, or a cut one: keep the status and what was read
        }
        return m.error();
    }

    /**
     * The flat variant, {@code {"object":"error","message",type,param,code}} (Mistral, vLLM), and
     * the {@code {"message"}}/{@code {"detail":"..."}} bodies and FastAPI's
     * {@code {"detail":[{msg,...}]}} (422) of servers in front of them.
     */
    public static OpenAiError parseFlat(byte[] body) {
        Members m = new Members();
        try (JsonParser p = JSON.createParser(body)) {
            if (p.nextToken() == JsonToken.START_OBJECT) {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String field = p.currentName();
                    JsonToken t = p.nextToken();
                    if ((field.equals("message") || field.equals("detail"))
                            && (t == JsonToken.VALUE_STRING || t == JsonToken.VALUE_NUMBER_INT)) {
                        m.message = m.message == null ? p.getText() : m.message;
                    } else if (m.read(field, t, p)) {
                        // one of the four members
                    } else if (field.equals("detail") && t == JsonToken.START_ARRAY) {
                        List<String> msgs = new ArrayList<>();
                        while (p.nextToken() == JsonToken.START_OBJECT) {
                            while (p.nextToken() == JsonToken.FIELD_NAME) {
                                String f = p.currentName();
                                JsonToken v = p.nextToken();
                                if (f.equals("msg") && v == JsonToken.VALUE_STRING) {
                                    msgs.add(p.getText());
                                } else {
                                    p.skipChildren();
                                }
                            }
                        }
                        m.message = String.join("; ", msgs);
                    } else {
                        p.skipChildren();
                    }
                }
            }
        } catch (IOException notJson) {
            // a non-JSON error page, or a cut one: keep the status and what was read
        }
        return m.error();
    }

    /** The four members, as they are read. */
    private static final class Members {

        String message;
        String type;
        String param;
        String code;

        /** Reads {@code field} when it is one of the four with a scalar value; false otherwise (nothing consumed). */
        boolean read(String field, JsonToken t, JsonParser p) throws IOException {
            if (t != JsonToken.VALUE_STRING && t != JsonToken.VALUE_NUMBER_INT) {
                return false;
            }
            switch (field) {
                case "message" -> message = p.getText();
                case "type" -> type = p.getText();
                case "param" -> param = p.getText();
                case "code" -> code = p.getText();
                default -> {
                    return false;
                }
            }
            return true;
        }

        OpenAiError error() {
            return new OpenAiError(message, type, param, code);
        }
    }

    /**
     * The typed error for this body: its kind from the status, type and code kept only as short
     * tokens that do not hold the key, the message clipped and redacted.
     */
    public UpstreamException toException(String provider, int status, Duration retryAfter, Boolean shouldRetry, String apiKey) {
        return UpstreamException.fromStatus(provider, status, Secrets.token(type, apiKey), Secrets.token(code, apiKey),
                Secrets.redact(JsonVectors.clip(message, status), apiKey), retryAfter, shouldRetry);
    }
}
