package io.embedgate.provider.mistral;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import io.embedgate.provider.support.JsonVectors;
import io.embedgate.spi.Embedding;
import io.embedgate.spi.EmbeddingCall;
import io.embedgate.spi.EmbeddingInputs;
import io.embedgate.spi.EmbeddingResult;
import io.embedgate.spi.OutputDtype;
import io.embedgate.spi.ReplySize;
import io.embedgate.spi.Secrets;
import io.embedgate.spi.UpstreamException;
import io.embedgate.spi.Usage;

/**
 * The Mistral embeddings wire format (https://docs.mistral.ai/api/#tag/embeddings). Vectors are
 * requested as JSON numbers: the base64 semantics of Mistral are unverified, numbers are not. Integer dtypes come
 * back as integers and are kept as raw bytes: int8 and binary signed, uint8 and ubinary unsigned.
 */
final class MistralWire {

    private static final JsonFactory JSON = JsonFactory.builder().build();

    /** Float vectors come as compact JSON numbers (~12 bytes each); integer types as -128..255. */
    static final ReplySize FLOAT_REPLY = new ReplySize(12, 40);
    static final ReplySize INTEGER_REPLY = new ReplySize(4, 16);

    private MistralWire() {
    }

    static byte[] request(EmbeddingCall call) {
        List<String> texts = ((EmbeddingInputs.Texts) call.inputs()).values();
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 + texts.size() * 96);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("model", call.upstreamModel());
            g.writeArrayFieldStart("input");
            for (String t : texts) {
                g.writeString(t);
            }
            g.writeEndArray();
            if (call.dimensions().isPresent()) {
                g.writeNumberField("output_dimension", call.dimensions().getAsInt());
            }
            if (call.dtype() != OutputDtype.FLOAT) {
                g.writeStringField("output_dtype", call.dtype().wireName());
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static EmbeddingResult response(byte[] body, EmbeddingCall call, String provider) {
        int expected = call.inputs().size();
        Embedding[] vectors = new Embedding[expected];
        long prompt = -1;
        long total = -1;
        String model = call.upstreamModel();
        try (JsonParser p = JSON.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw invalid(provider, "response is not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                if (field.equals("data") && t == JsonToken.START_ARRAY) {
                    int position = 0;
                    while (p.nextToken() == JsonToken.START_OBJECT) {
                        int index = position++;
                        Embedding e = null;
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String f = p.currentName();
                            JsonToken v = p.nextToken();
                            if (f.equals("index") && v == JsonToken.VALUE_NUMBER_INT) {
                                index = p.getIntValue();
                            } else if (f.equals("embedding") && v == JsonToken.START_ARRAY) {
                                e = vector(p, call.dtype());
                            } else {
                                p.skipChildren();
                            }
                        }
                        if (index < 0 || index >= expected || vectors[index] != null || e == null) {
                            throw invalid(provider, "returned a missing, duplicate or out-of-range vector (index " + index + ")");
                        }
                        vectors[index] = e;
                    }
                } else if (field.equals("usage") && t == JsonToken.START_OBJECT) {
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String u = p.currentName();
                        JsonToken v = p.nextToken();
                        if (v == JsonToken.VALUE_NUMBER_INT && u.equals("prompt_tokens")) {
                            prompt = p.getLongValue();
                        } else if (v == JsonToken.VALUE_NUMBER_INT && u.equals("total_tokens")) {
                            total = p.getLongValue();
                        } else {
                            p.skipChildren();
                        }
                    }
                } else if (field.equals("model") && t == JsonToken.VALUE_STRING) {
                    model = p.getText();
                } else {
                    p.skipChildren();
                }
            }
        } catch (IOException e) {
            throw invalid(provider, "response is not valid JSON (" + e.getMessage() + ")");
        }
        for (int i = 0; i < expected; i++) {
            if (vectors[i] == null) {
                throw invalid(provider, "returned no vector for input " + i + " of " + expected);
            }
        }
        if (prompt < 0) {
            prompt = Math.max(total, 0);
        }
        if (total < 0) {
            total = prompt;
        }
        return new EmbeddingResult(Arrays.asList(vectors), new Usage(prompt, total, false), model);
    }

    private static Embedding vector(JsonParser p, OutputDtype dtype) throws IOException {
        if (dtype == OutputDtype.FLOAT) {
            return Embedding.Floats.of(JsonVectors.floats(p));
        }
        boolean signed = dtype == OutputDtype.INT8 || dtype == OutputDtype.BINARY;
        int min = signed ? -128 : 0;
        int max = signed ? 127 : 255;
        byte[] buf = new byte[256];
        int n = 0;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t != JsonToken.VALUE_NUMBER_INT) {
                throw new IOException(dtype.wireName() + " vector holds a non-integer");
            }
            int v = p.getIntValue();
            if (v < min || v > max) {
                throw new IOException(dtype.wireName() + " value " + v + " out of range");
            }
            if (n == buf.length) {
                buf = Arrays.copyOf(buf, n * 2);
            }
            buf[n++] = (byte) v;
        }
        if (n == 0) {
            throw new IOException("empty vector");
        }
        return new Embedding.Bytes(Arrays.copyOf(buf, n), dtype);
    }

    /**
     * Maps both Mistral error shapes: {@code {"object":"error","message",type,code}} and the older
     * {@code {"message":...}} / {@code {"detail":"..."}} / FastAPI's {@code {"detail":[{msg,...}]}} (422).
     */
    static UpstreamException error(int status, byte[] body, Duration retryAfter, String provider, String apiKey) {
        String message = null;
        String type = null;
        String code = null;
        try (JsonParser p = JSON.createParser(body)) {
            if (p.nextToken() == JsonToken.START_OBJECT) {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String field = p.currentName();
                    JsonToken t = p.nextToken();
                    if (t == JsonToken.VALUE_STRING || t == JsonToken.VALUE_NUMBER_INT) {
                        switch (field) {
                            case "message", "detail" -> message = message == null ? p.getText() : message;
                            case "type" -> type = p.getText();
                            case "code" -> code = p.getText();
                            default -> {
                            }
                        }
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
                        message = String.join("; ", msgs);
                    } else {
                        p.skipChildren();
                    }
                }
            }
        } catch (IOException notJson) {
            // keep the status only
        }
        return UpstreamException.fromStatus(provider, status, Secrets.token(type, apiKey), Secrets.token(code, apiKey),
                Secrets.redact(JsonVectors.clip(message, status), apiKey), retryAfter, null);
    }

    private static UpstreamException invalid(String provider, String what) {
        return UpstreamException.invalidResponse(provider, what);
    }
}
