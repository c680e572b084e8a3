package io.embedgate.provider.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import io.embedgate.spi.EmbeddingCall;
import io.embedgate.spi.EmbeddingInputs;

/**
 * The request body of an OpenAI-shaped embeddings API ({@code model}, {@code input}, {@code encoding_format},
 * {@code dimensions}, {@code user}), with the members a host leaves out or adds: Azure's deployment route
 * takes no {@code model}, some servers know no base64, NIM and OpenRouter take {@code input_type}.
 */
public final class OpenAiShapedRequest {

    private static final JsonFactory JSON = JsonFactory.builder().build();

    private OpenAiShapedRequest() {
    }

    /**
     * @param model  the {@code model} member, or null to leave it out
     * @param base64 ask for base64 float32; otherwise no {@code encoding_format} (the API default, numbers)
     * @param user   send the call's end-user id, when it has one
     * @param extra  further string members, sent as given (already filtered to what the host takes)
     */
    public static byte[] encode(EmbeddingCall call, String model, boolean base64, boolean user, Map<String, String> extra) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256 + estimateInputBytes(call.inputs()));
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            if (model != null) {
                g.writeStringField("model", model);
            }
            g.writeArrayFieldStart("input");
            if (call.inputs() instanceof EmbeddingInputs.Texts t) {
                for (String s : t.values()) {
                    g.writeString(s);
                }
            } else {
                for (int[] tokens : ((EmbeddingInputs.TokenIds) call.inputs()).values()) {
                    g.writeArray(tokens, 0, tokens.length);
                }
            }
            g.writeEndArray();
            if (base64) {
                g.writeStringField("encoding_format", "base64");
            }
            if (call.dimensions().isPresent()) {
                g.writeNumberField("dimensions", call.dimensions().getAsInt());
            }
            if (user && call.user().isPresent()) {
                g.writeStringField("user", call.user().get());
            }
            for (Map.Entry<String, String> e : extra.entrySet()) {
                g.writeStringField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static int estimateInputBytes(EmbeddingInputs inputs) {
        long n = 0;
        if (inputs instanceof EmbeddingInputs.Texts t) {
            for (String s : t.values()) {
                n += s.length() + 3;
            }
        } else {
            for (int[] tokens : ((EmbeddingInputs.TokenIds) inputs).values()) {
                n += tokens.length * 6L + 3;
            }
        }
        return (int) Math.min(n, 64 << 20);
    }
}
