package io.embedgate.provider.vertex;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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

/**
 * Vertex AI's text embedding {@code :predict} wire format
 * (https://cloud.google.com/vertex-ai/generative-ai/docs/model-reference/text-embeddings-api), as a
 * streaming codec. The path names the instance's project and location, so each instance has its own
 * {@link #wire}.
 */
final class VertexWire {

    private static final JsonFactory JSON = JsonFactory.builder().build();

    /** Compact JSON numbers (~12 bytes) plus each prediction's statistics; printed numbers take at most ~24. */
    static final ReplySize REPLY = new ReplySize(12, 26);

    static final String RETRIEVAL_DOCUMENT = "RETRIEVAL_DOCUMENT";

    private VertexWire() {
    }

    /** {@code POST /v1/projects/{project}/locations/{location}/publishers/google/models/{model}:predict}. */
    static HttpProviderClient.Wire wire(String project, String location) {
        String prefix = "/v1/projects/" + UpstreamHttp.pathSegment(project) + "/locations/" + UpstreamHttp.pathSegment(location)
                + "/publishers/google/models/";
        return new HttpProviderClient.Wire(call -> prefix + UpstreamHttp.pathSegment(call.upstreamModel()) + ":predict",
                VertexWire::request, VertexWire::response,
                (status, body, retryAfter, shouldRetry, provider, key) -> error(status, body, retryAfter, provider, key),
                dtype -> REPLY);
    }

    /** The task type a call is sent with: a title alone makes the texts retrieval documents (it describes a document). */
    static Optional<String> taskType(Map<String, Object> options) {
        Object task = options.get(VertexAdapter.TASK_TYPE);
        if (task == null && options.get(VertexAdapter.TITLE) != null) {
            return Optional.of(RETRIEVAL_DOCUMENT);
        }
        return Optional.ofNullable(task).map(Object::toString);
    }

    /**
     * Why a call's options cannot be sent, if they cannot: a title with another task type (Vertex
     * refuses it with a 400; the gateway says so before calling). Reached when the task type comes from
     * {@code embedding_options.input_type}; an explicit one is refused while validating the request.
     */
    static Optional<String> problem(Map<String, Object> options) {
        if (options.get(VertexAdapter.TITLE) != null && !taskType(options).orElse("").equals(RETRIEVAL_DOCUMENT)) {
            return Optional
                    .of("embedding_options.vertex.title is only valid with task_type RETRIEVAL_DOCUMENT (embedding_options.input_type "
                            + "document); this request's task type is " + taskType(options).orElse("unset") + ".");
        }
        return Optional.empty();
    }

    /**
     * One instance per text, each with the same task type and title; {@code autoTruncate} and
     * {@code outputDimensionality} once, under {@code parameters}. Only text inputs reach here.
     */
    static byte[] request(EmbeddingCall call) {
        List<String> texts = ((EmbeddingInputs.Texts) call.inputs()).values();
        Map<String, Object> options = call.options();
        String taskType = taskType(options).orElse(null);
        Object title = RETRIEVAL_DOCUMENT.equals(taskType) ? options.get(VertexAdapter.TITLE) : null;
        Object autoTruncate = options.get(VertexAdapter.AUTO_TRUNCATE);
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 + texts.size() * 96);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeArrayFieldStart("instances");
            for (String text : texts) {
                g.writeStartObject();
                g.writeStringField("content", text);
                if (taskType != null) {
                    g.writeStringField("task_type", taskType);
                }
                if (title != null) {
                    g.writeStringField("title", title.toString());
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            if (autoTruncate != null || call.dimensions().isPresent()) {
                g.writeObjectFieldStart("parameters");
                if (autoTruncate != null) {
                    g.writeBooleanField("autoTruncate", Boolean.TRUE.equals(autoTruncate));
                }
                if (call.dimensions().isPresent()) {
                    g.writeNumberField("outputDimensionality", call.dimensions().getAsInt());
                }
                g.writeEndObject();
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * {@code {"predictions":[{"embeddings":{"values":[...],"statistics":{"truncated","token_count"}}}],
     * "metadata":{"billableCharacterCount"}}} in request order. Usage is the sum of the token counts;
     * texts whose prediction has none are estimated, and the usage is then marked as estimated.
     */
    static EmbeddingResult response(byte[] body, EmbeddingCall call, String provider) {
        List<String> texts = ((EmbeddingInputs.Texts) call.inputs()).values();
        List<Embedding> vectors = new ArrayList<>(texts.size());
        List<Long> counts = new ArrayList<>(texts.size());
        try (JsonParser p = JSON.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw invalid(provider, "response is not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                if (field.equals("predictions") && t == JsonToken.START_ARRAY) {
                    while (p.nextToken() == JsonToken.START_OBJECT) {
                        prediction(p, vectors, counts, provider);
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
        int size = call.outputDimensions();
        for (Embedding v : vectors) {
            if (size > 0 && ((Embedding.Floats) v).values().length != size) {
                throw invalid(provider, "returned a vector of " + ((Embedding.Floats) v).values().length + " values, not " + size);
            }
        }
        long tokens = 0;
        boolean estimated = false;
        for (int i = 0; i < counts.size(); i++) {
            Long c = counts.get(i);
            if (c == null) {
                estimated = true;
                tokens += TokenEstimate.usage(texts.get(i));
            } else {
                tokens += c;
            }
        }
        return new EmbeddingResult(vectors, new Usage(tokens, tokens, estimated), call.upstreamModel());
    }

    /** One {@code {"embeddings":{"values":[...],"statistics":{...}}}} (the parser is inside the object). */
    private static void prediction(JsonParser p, List<Embedding> vectors, List<Long> counts, String provider) throws IOException {
        float[] values = null;
        Long tokens = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            JsonToken v = p.nextToken();
            if (!f.equals("embeddings") || v != JsonToken.START_OBJECT) {
                p.skipChildren();
                continue;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String e = p.currentName();
                JsonToken ev = p.nextToken();
                if (e.equals("values") && ev == JsonToken.START_ARRAY) {
                    values = JsonVectors.floats(p);
                } else if (e.equals("statistics") && ev == JsonToken.START_OBJECT) {
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String s = p.currentName();
                        JsonToken sv = p.nextToken();
                        if (s.equals("token_count") && (sv == JsonToken.VALUE_NUMBER_INT || sv == JsonToken.VALUE_NUMBER_FLOAT)) {
                            // proto3 JSON prints it as a float (6.0) in some replies
                            double d = p.getDoubleValue();
                            if (d < 0 || d > Integer.MAX_VALUE) {
                                throw invalid(provider, "a prediction's token_count is out of range");
                            }
                            tokens = (long) d;
                        } else {
                            p.skipChildren();
                        }
                    }
                } else {
                    p.skipChildren();
                }
            }
        }
        if (values == null) {
            throw invalid(provider, "a prediction has no embeddings.values");
        }
        vectors.add(Embedding.Floats.of(values));
        counts.add(tokens);
    }

    /**
     * Maps Google's envelope {@code {"error":{code,message,status,details}}}: the HTTP status decides
     * the kind (401 UNAUTHENTICATED, 403 PERMISSION_DENIED, 404, 429 RESOURCE_EXHAUSTED, 5xx); the retry
     * hint of a 429 is the {@code google.rpc.RetryInfo} detail's {@code retryDelay}, else the header.
     */
    static UpstreamException error(int status, byte[] body, Duration retryAfterHeader, String provider, String secret) {
        return GoogleError.parse(body, status, secret).toException(provider, status, retryAfterHeader);
    }

    private static UpstreamException invalid(String provider, String what) {
        return UpstreamException.invalidResponse(provider, what);
    }
}
