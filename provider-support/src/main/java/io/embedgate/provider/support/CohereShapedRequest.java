package io.embedgate.provider.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import io.embedgate.spi.EmbeddingCall;
import io.embedgate.spi.EmbeddingInputs;
import io.embedgate.spi.OutputDtype;

/**
 * The request body of a Cohere-shaped embed API ({@code model}, {@code texts}, {@code input_type},
 * {@code embedding_types}, {@code output_dimension}, {@code truncate}, {@code max_tokens}), spoken by
 * Cohere and by Cohere's models on Bedrock. What differs is the host's: Bedrock takes no {@code model}
 * (it is in the path) and asks for floats by omission; each host reads the option values its own way.
 */
public final class CohereShapedRequest {

    private static final JsonFactory JSON = JsonFactory.builder().build();

    private CohereShapedRequest() {
    }

    /**
     * @param model       the {@code model} member, or null to leave it out
     * @param namesFloats send {@code embedding_types} for floats too; otherwise floats are asked for by
     *                    leaving it out (the plain {@code embeddings_floats} reply)
     * @param inputType   the {@code input_type} member (Cohere requires one)
     * @param truncate    the {@code truncate} member, or null to leave it out
     * @param maxTokens   the {@code max_tokens} member, or null to leave it out
     */
    public static byte[] encode(EmbeddingCall call, String model, boolean namesFloats, String inputType, String truncate,
            Integer maxTokens) {
        List<String> texts = ((EmbeddingInputs.Texts) call.inputs()).values();
        ByteArrayOutputStream out = new ByteArrayOutputStream(128 + texts.size() * 96);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            if (model != null) {
                g.writeStringField("model", model);
            }
            g.writeArrayFieldStart("texts");
            for (String t : texts) {
                g.writeString(t);
            }
            g.writeEndArray();
            g.writeStringField("input_type", inputType);
            if (namesFloats || call.dtype() != OutputDtype.FLOAT) {
                g.writeArrayFieldStart("embedding_types");
                g.writeString(call.dtype().wireName());
                g.writeEndArray();
            }
            if (call.dimensions().isPresent()) {
                g.writeNumberField("output_dimension", call.dimensions().getAsInt());
            }
            if (truncate != null) {
                g.writeStringField("truncate", truncate);
            }
            if (maxTokens != null) {
                g.writeNumberField("max_tokens", maxTokens.intValue());
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
