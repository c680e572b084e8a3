package io.embedgate.provider.google;

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

import io.embedgate.provider.support.GoogleError;
import io.embedgate.provider.support.HttpProviderClient;
import io.embedgate.provider.support.JsonVectors;
import io.embedgate.provider.support.UpstreamHttp;
import io.embedgate.spi.Embedding;
import io.embedgate.spi.EmbeddingCall;
import io.embedgate.spi.EmbeddingInputs;
import io.embedgate.spi.EmbeddingResult;
import io.embedgate.spi.ReplySize;
import io.embedgate.spi.TokenEstimate;
import io.embedgate.spi.UpstreamException;
import io.embedgate.spi.Usage;

/** The Gemini API batch embedding wire format (https://ai.google.dev/api/embeddings), as a streaming codec. */
final class GeminiWire {

    private static final JsonFactory JSON = JsonFactory.builder().build();

    /** Replies are pretty-printed JSON numbers, one per indented line (~24 bytes each). */
    static final ReplySize REPLY = new ReplySize(24, 64);

    /** {@code POST /v1beta/models/<model>:batchEmbedContents}; Google sends no {@code x-should-retry}. */
    static final HttpProviderClient.Wire WIRE = new HttpProviderClient.Wire(
            call -> "/v1beta/models/" + UpstreamHttp.pathSegment(call.upstreamModel()) + ":batchEmbedContents", GeminiWire::request,
            GeminiWire::response,
            (status, body, retryAfter, shouldRetry, provider, apiKey) -> error(status, body, retryAfter, provider, apiKey),
            dtype -> REPLY);

    private GeminiWire() {
    }

    /**
     * One request element per input, each carrying the same task type, title and output size, as the
     * official SDK does. Only text inputs reach here (token ids are rejected by capability).
     */
    static byte[] request(EmbeddingCall call) {
        List<String> texts = ((EmbeddingInputs.Texts) call.inputs()).values();
        String model = "models/" + call.upstreamModel();
        Object title = call.options().get(GoogleAdapter.TITLE);
        Object taskType = call.options().getOrDefault(GoogleAdapter.TASK_TYPE, title != null ? "RETRIEVAL_DOCUMENT" : null);
        if (!"RETRIEVAL_DOCUMENT".equals(taskType)) {
            title = null; // a title only describes a document (the input type asked for something else)
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 + texts.size() * 96);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeArrayFieldStart("requests");
            for (String text : texts) {
                g.writeStartObject();
                g.writeStringField("model", model);
                g.writeObjectFieldStart("content");
                g.writeArrayFieldStart("parts");
                g.writeStartObject();
                g.writeStringField("text", text);
                g.writeEndObject();
                g.writeEndArray();
                g.writeEndObject();
                if (taskType != null) {
                    g.writeStringField("taskType", taskType.toString());
                }
                if (title != null) {
                    g.writeStringField("title", title.toString());
                }
                if (call.dimensions().isPresent()) {
                    g.writeNumberField("outputDimensionality", call.dimensions().getAsInt());
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * {@code {"embeddings":[{"values":[...]}, ...]}} in request order. The API reports no token
     * counts, so usage is estimated from the texts and marked as such.
     */
    static EmbeddingResult response(byte[] body, EmbeddingCall call, String provider) {
        List<String> texts = ((EmbeddingInputs.Texts) call.inputs()).values();
        List<Embedding> vectors = new ArrayList<>(texts.size());
        try (JsonParser p = JSON.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw invalid(provider, "response is not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                if (field.equals("embeddings") && t == JsonToken.START_ARRAY) {
                    while (p.nextToken() == JsonToken.START_OBJECT) {
                        float[] values = null;
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String f = p.currentName();
                            JsonToken v = p.nextToken();
                            if (f.equals("values") && v == JsonToken.START_ARRAY) {
                                values = JsonVectors.floats(p);
                            } else {
                                p.skipChildren();
                            }
                        }
                        if (values == null || values.length == 0) {
                            throw invalid(provider, "an embedding has no values");
                        }
                        vectors.add(Embedding.Floats.of(values));
                    }
                } else {
                    p.skipChildren();
                }
            }
        } catch (IOException e) {
            throw invalid(provider, "response is not valid JSON (" + e.getClass().getSimpleName() + ")");
        }
        if (vectors.size() != texts.size()) {
            throw invalid(provider, "returned " + vectors.size() + " vectors for " + texts.size() + " inputs");
        }
        long tokens = 0;
        for (String t : texts) {
            tokens += TokenEstimate.usage(t);
        }
        return new EmbeddingResult(vectors, new Usage(tokens, tokens, true), call.upstreamModel());
    }

    /**
     * Maps Google's envelope {@code {"error":{code,message,status,details}}}. A bad key is a 400
     * {@code API_KEY_INVALID} at Google, which is our credentials problem, not the client's. The retry
     * hint lives in the {@code google.rpc.RetryInfo} detail ({@code "retryDelay":"47s"}).
     */
    static UpstreamException error(int status, byte[] body, Duration retryAfterHeader, String provider, String apiKey) {
        GoogleError e = GoogleError.parse(body, status, apiKey);
        if (status == 400 && ("API_KEY_INVALID".equals(e.reason()) || e.message().startsWith("API key not valid"))) {
            return new UpstreamException(provider, UpstreamException.Kind.AUTHENTICATION, status, e.status(), e.reason(), e.message(),
                    false,
                    null, null);
        }
        return e.toException(provider, status, retryAfterHeader);
    }

    private static UpstreamException invalid(String provider, String what) {
        return UpstreamException.invalidResponse(provider, what);
    }
}
