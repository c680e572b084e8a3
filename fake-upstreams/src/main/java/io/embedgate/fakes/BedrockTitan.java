package io.embedgate.fakes;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * Amazon Titan Text Embeddings on Bedrock: one {@code inputText} a request, any key not in the model's
 * schema the "extraneous key" 400. {@code amazon.titan-embed-text-v2:0} also takes {@code dimensions}
 * (256/512/1024), {@code normalize} and {@code embeddingTypes} ({@code float}, {@code binary}) and answers
 * {@code embeddingsByType} besides {@code embedding}; {@code amazon.titan-embed-text-v1} takes
 * {@code inputText} alone. Vectors are {@link FakeBedrock#expectedTitanV2} and
 * {@link FakeBedrock#expectedTitanG1}.
 */
final class BedrockTitan extends BedrockFamily {

    private static final Set<String> V2_KEYS = Set.of("inputText", "dimensions", "normalize", "embeddingTypes");
    private static final Set<String> G1_KEYS = Set.of("inputText");

    /** [U] {@link FakeBedrock#titanBinaryPacked}. */
    volatile boolean binaryPacked;
    /** [U] {@link FakeBedrock#titanEmbeddingAlways}. */
    volatile boolean embeddingAlways = true;

    @Override
    Reply invoke(FakeBedrock.Model model, JsonNode req, boolean dropLast) {
        boolean v2 = model.id().equals(FakeBedrock.TITAN_V2);
        Set<String> allowed = v2 ? V2_KEYS : G1_KEYS;
        for (Iterator<String> it = req.fieldNames(); it.hasNext();) {
            String key = it.next();
            if (!allowed.contains(key)) {
                return malformed("extraneous key [" + key + "] is not permitted");
            }
        }
        JsonNode input = req.path("inputText");
        if (input.isMissingNode()) {
            return malformed("required key [inputText] not found");
        }
        if (!input.isTextual()) {
            return malformed("#/inputText: expected type: String, found: " + (input.isArray() ? "JSONArray" : input.getNodeType()));
        }
        String text = input.asText();
        int tokens = FakeVectors.tokens(text);
        if (tokens > model.context()) {
            return invalid("Too many input tokens. Max input tokens: " + model.context() + ", request input token count: " + tokens + " ");
        }
        if (!v2) {
            return reply(FakeBedrock.expectedTitanG1(text), false, List.of("float"), tokens, dropLast);
        }
        Integer dims = null;
        JsonNode d = req.path("dimensions");
        if (!d.isMissingNode()) {
            if (!d.isIntegralNumber() || !List.of(256, 512, 1024).contains(d.asInt())) {
                return malformed("#/dimensions: " + d + " is not a valid enum value");
            }
            dims = d.asInt();
        }
        boolean normalize = true;
        JsonNode n = req.path("normalize");
        if (!n.isMissingNode()) {
            if (!n.isBoolean()) {
                return malformed("#/normalize: expected type: Boolean, found: " + n.getNodeType());
            }
            normalize = n.asBoolean();
        }
        List<String> types = List.of("float");
        JsonNode t = req.path("embeddingTypes");
        if (!t.isMissingNode()) {
            List<String> asked = new ArrayList<>();
            for (JsonNode e : t) {
                if (!e.isTextual() || !List.of("float", "binary").contains(e.asText())) {
                    return malformed("#/embeddingTypes: " + e + " is not a valid enum value");
                }
                asked.add(e.asText());
            }
            if (!t.isArray() || asked.isEmpty()) {
                return malformed("#/embeddingTypes: expected minimum item count: 1");
            }
            types = asked;
        }
        return reply(FakeBedrock.expectedTitanV2(text, dims, normalize), true, types, tokens, dropLast);
    }

    /** {@code embedding} (unless only {@code binary} was asked for and that leaves it out), then v2's {@code embeddingsByType}. */
    private Reply reply(float[] v, boolean v2, List<String> types, int tokens, boolean dropLast) {
        return ok(256 + v.length * 24, tokens, g -> {
            g.writeStartObject();
            if (!dropLast && (types.contains("float") || embeddingAlways)) {
                g.writeFieldName("embedding");
                floats(g, v);
            }
            g.writeNumberField("inputTextTokenCount", tokens);
            if (v2) {
                g.writeObjectFieldStart("embeddingsByType");
                if (!dropLast) {
                    for (String type : types) {
                        g.writeFieldName(type);
                        if (type.equals("float")) {
                            floats(g, v);
                        } else {
                            binary(g, v);
                        }
                    }
                }
                g.writeEndObject();
            }
            g.writeEndObject();
        });
    }

    /** Titan's {@code binary}: one 0/1 per dimension, or packed bytes when {@link #binaryPacked}. */
    private void binary(JsonGenerator g, float[] v) throws IOException {
        int[] bits;
        if (binaryPacked) {
            bits = FakeQuantization.packed(v, false, false);
        } else {
            bits = new int[v.length];
            for (int i = 0; i < v.length; i++) {
                bits[i] = v[i] > 0 ? 1 : 0;
            }
        }
        g.writeArray(bits, 0, bits.length);
    }
}
