package io.embedgate.provider.bedrock;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

/**
 * An AWS rest-json error body: {@code {"message"}} (or {@code "Message"}), and the type botocore falls
 * back to when the {@code x-amzn-ErrorType} header is missing: {@code __type}, else {@code code}.
 */
record BedrockError(String message, String type) {

    private static final JsonFactory JSON = JsonFactory.builder().build();

    static BedrockError parse(byte[] body) {
        String message = null;
        String type = null;
        String code = null;
        try (JsonParser p = JSON.createParser(body)) {
            if (p.nextToken() == JsonToken.START_OBJECT) {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String field = p.currentName();
                    JsonToken t = p.nextToken();
                    if (t != JsonToken.VALUE_STRING) {
                        p.skipChildren();
                    } else if (field.equals("message") || field.equals("Message")) {
                        message = message == null ? p.getText() : message;
                    } else if (field.equals("__type")) {
                        type = p.getText();
                    } else if (field.equals("code")) {
                        code = p.getText();
                    }
                }
            }
        } catch (IOException notJson) {
            // a proxy's HTML page or a cut body: the status and the header still say enough
        }
        return new BedrockError(message, type != null ? type : code);
    }
}
