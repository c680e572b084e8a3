package io.embedgate.provider.tei;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import io.embedgate.provider.support.HttpProviderClient;
import io.embedgate.provider.support.JsonVectors;
import io.embedgate.spi.Embedding;
import io.embedgate.spi.EmbeddingCall;
import io.embedgate.spi.EmbeddingInputs;
import io.embedgate.spi.EmbeddingResult;
import io.embedgate.spi.ReplySize;
import io.embedgate.spi.Secrets;
import io.embedgate.spi.TokenEstimate;
import io.embedgate.spi.UpstreamException;
import io.embedgate.spi.Usage;

/**
 * TEI's native {@code POST /embed} (router/src/http/types.rs {@code EmbedRequest}): {@code inputs},
 * {@code truncate}, {@code truncation_direction}, {@code prompt_name}, {@code normalize} in; a bare
 * array of vectors out, with no usage (estimated, and marked so). {@code dimensions} is never sent:
 * the gateway shortens by the model's recipe.
 */
final class TeiWire {

    private static final JsonFactory JSON = JsonFactory.builder().build();

    /** serde_json prints float32 values in at most ~12 characters. */
    static final ReplySize REPLY = new ReplySize(12, 40);

    static final HttpProviderClient.Wire WIRE = HttpProviderClient.Wire.of("/embed", TeiWire::request, TeiWire::response,
            (status, body, retryAfter, shouldRetry, provider, apiKey) -> error(status, body, retryAfter, provider, apiKey), REPLY);

    private TeiWire() {
    }

    static byte[] request(EmbeddingCall call) {
        List<String> texts = ((EmbeddingInputs.Texts) call.inputs()).values();
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 + texts.size() * 96);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeArrayFieldStart("inputs");
            for (String t : texts) {
                g.writeString(t);
            }
            g.writeEndArray();
            if (call.options().get(TeiAdapter.TRUNCATE) instanceof Boolean b) {
                g.writeBooleanField("truncate", b);
            }
            if (call.options().get(TeiAdapter.TRUNCATION_DIRECTION) instanceof String d) {
                // serde's derived enum names (TruncationDirection::Left/Right), unverified against a live server
                g.writeStringField("truncation_direction", d.equals("left") ? "Left" : "Right");
            }
            if (call.options().get(TeiAdapter.PROMPT_NAME) instanceof String s) {
                g.writeStringField("prompt_name", s);
            }
            if (call.options().get(TeiAdapter.NORMALIZE) instanceof Boolean b) {
                g.writeBooleanField("normalize", b);
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** {@code [[...],...]}: one vector per input, in input order, of one size. */
    static EmbeddingResult response(byte[] body, EmbeddingCall call, String provider) {
        List<String> texts = ((EmbeddingInputs.Texts) call.inputs()).values();
        List<Embedding> vectors = new ArrayList<>(texts.size());
        try (JsonParser p = JSON.createParser(body)) {
            if (p.nextToken() != JsonToken.START_ARRAY) {
                throw invalid(provider, "response is not a JSON array");
            }
            JsonToken t;
            while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                if (t != JsonToken.START_ARRAY) {
                    throw invalid(provider, "response holds something other than vectors");
                }
                vectors.add(Embedding.Floats.of(JsonVectors.floats(p)));
            }
        } catch (IOException e) {
            throw invalid(provider, "response is not valid JSON (" + e.getMessage() + ")");
        }
        if (vectors.size() != texts.size()) {
            throw invalid(provider, "returned " + vectors.size() + " vectors for " + texts.size() + " inputs");
        }
        for (Embedding v : vectors) {
            if (v.length() != vectors.get(0).length()) {
                throw invalid(provider, "returned vectors of different sizes (" + vectors.get(0).length() + " and " + v.length() + ")");
            }
        }
        long tokens = 0;
        for (String t : texts) {
            tokens += TokenEstimate.usage(t);
        }
        return new EmbeddingResult(vectors, new Usage(tokens, tokens, true), call.upstreamModel());
    }

    /**
     * {@code {"error","error_type"}}. Validation and Tokenizer (422) and Empty (400) are the request's
     * fault; Overloaded (429) is a rate limit; Backend (424) and Unhealthy (503) are the server's fault,
     * so a 424, which the status alone would make a client error, is a server error here.
     */
    static UpstreamException error(int status, byte[] body, Duration retryAfter, String provider, String apiKey) {
        String message = null;
        String type = null;
        try (JsonParser p = JSON.createParser(body)) {
            if (p.nextToken() == JsonToken.START_OBJECT) {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String field = p.currentName();
                    JsonToken t = p.nextToken();
                    if (field.equals("error") && t == JsonToken.VALUE_STRING) {
                        message = p.getText();
                    } else if (field.equals("error_type") && t == JsonToken.VALUE_STRING) {
                        type = p.getText();
                    } else {
                        p.skipChildren();
                    }
                }
            }
        } catch (IOException notJson) {
            message = plainText(body);
        }
        message = Secrets.redact(JsonVectors.clip(message, status), apiKey);
        type = Secrets.token(type, apiKey);
        if (status == 424 || "Backend".equals(type)) {
            return new UpstreamException(provider, UpstreamException.Kind.SERVER_ERROR, status, type, null, message, true, retryAfter,
                    null);
        }
        return UpstreamException.fromStatus(provider, status, type, null, message, retryAfter, null);
    }

    /**
     * axum answers a body it cannot deserialise (e.g. an unknown {@code truncation_direction}) with a
     * plain-text 422 that says what was wrong: worth passing on. An HTML page (a proxy's) is not.
     */
    private static String plainText(byte[] body) {
        String text = new String(body, 0, Math.min(body.length, 2000), StandardCharsets.UTF_8).strip();
        return text.isEmpty() || text.startsWith("<") ? null : text;
    }

    private static UpstreamException invalid(String provider, String what) {
        return UpstreamException.invalidResponse(provider, what);
    }
}
