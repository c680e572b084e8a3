package io.embedgate.provider.ollama;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import io.embedgate.provider.support.HttpProviderClient;
import io.embedgate.provider.support.JsonVectors;
import io.embedgate.provider.support.OpenAiError;
import io.embedgate.spi.Embedding;
import io.embedgate.spi.EmbeddingCall;
import io.embedgate.spi.EmbeddingInputs;
import io.embedgate.spi.EmbeddingResult;
import io.embedgate.spi.ReplySize;
import io.embedgate.spi.TokenEstimate;
import io.embedgate.spi.UpstreamException;
import io.embedgate.spi.Usage;

/**
 * Ollama's {@code /api/embed} (ollama api/types.go {@code EmbedRequest}, {@code EmbedResponse}):
 * {@code {"model","input":[...],"truncate","keep_alive"}} in, {@code {"model","embeddings":[[...]],
 * "prompt_eval_count"}} out. {@code dimensions} is never sent: the gateway shortens by the model's recipe.
 */
final class OllamaWire {

    private static final JsonFactory JSON = JsonFactory.builder().build();

    /** Go prints float32 values in at most ~12 characters. */
    static final ReplySize REPLY = new ReplySize(12, 40);

    static final HttpProviderClient.Wire WIRE = HttpProviderClient.Wire.of("/api/embed", OllamaWire::request, OllamaWire::response,
            (status, body, retryAfter, shouldRetry, provider, apiKey) -> error(status, body, retryAfter, provider, apiKey), REPLY);

    private OllamaWire() {
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
            if (call.options().get(OllamaAdapter.TRUNCATE) instanceof Boolean b) {
                g.writeBooleanField("truncate", b);
            }
            if (call.options().get(OllamaAdapter.KEEP_ALIVE) instanceof String s) {
                g.writeStringField("keep_alive", s);
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** One vector per input, in input order, of one size; usage from {@code prompt_eval_count}, estimated when absent. */
    static EmbeddingResult response(byte[] body, EmbeddingCall call, String provider) {
        List<String> texts = ((EmbeddingInputs.Texts) call.inputs()).values();
        List<Embedding> vectors = new ArrayList<>(texts.size());
        String model = call.upstreamModel();
        long tokens = -1;
        try (JsonParser p = JSON.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw invalid(provider, "response is not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                if (field.equals("embeddings") && t == JsonToken.START_ARRAY) {
                    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                        if (t != JsonToken.START_ARRAY) {
                            throw invalid(provider, "'embeddings' holds something other than arrays");
                        }
                        vectors.add(Embedding.Floats.of(JsonVectors.floats(p)));
                    }
                } else if (field.equals("model") && t == JsonToken.VALUE_STRING) {
                    model = p.getText();
                } else if (field.equals("prompt_eval_count") && t == JsonToken.VALUE_NUMBER_INT) {
                    tokens = p.getLongValue();
                } else {
                    p.skipChildren();
                }
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
        boolean estimated = tokens < 0;
        if (estimated) {
            tokens = 0;
            for (String t : texts) {
                tokens += TokenEstimate.usage(t);
            }
        }
        return new EmbeddingResult(vectors, new Usage(tokens, tokens, estimated), model);
    }

    /**
     * {@code {"error":"..."}}: 400 for the request (e.g. "the input length exceeds the context length"
     * with truncate false), 404 "model 'x' not found" (not pulled), 500 for runner failures.
     */
    static UpstreamException error(int status, byte[] body, Duration retryAfter, String provider, String apiKey) {
        return OpenAiError.parse(body).toException(provider, status, retryAfter, null, apiKey);
    }

    private static UpstreamException invalid(String provider, String what) {
        return UpstreamException.invalidResponse(provider, what);
    }
}
