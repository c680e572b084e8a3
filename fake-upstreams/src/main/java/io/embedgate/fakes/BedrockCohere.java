package io.embedgate.fakes;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Cohere Embed on Bedrock: Cohere's own body ({@code texts}, {@code input_type} required,
 * {@code truncate} NONE by default, {@code embedding_types}), checked by Bedrock's schema: every missing
 * or extraneous key in one 400, at most {@link FakeBedrock#MAX_TEXTS} texts of
 * {@link FakeBedrock#MAX_CHARS} characters. v3 models answer 1,024 values; {@code cohere.embed-v4:0}
 * answers 1,536 and also takes {@code output_dimension} (256..1536) and {@code max_tokens}. The reply is
 * {@code embeddings_floats} or, with {@code embedding_types}, {@code embeddings_by_type}; vectors are
 * {@link FakeBedrock#expectedCohere} and {@link FakeBedrock#expectedCohereInts}.
 */
final class BedrockCohere extends BedrockFamily {

    private static final Set<String> V3_KEYS = Set.of("texts", "images", "input_type", "truncate", "embedding_types");
    private static final Set<String> V4_KEYS = Set.of("texts", "images", "inputs", "input_type", "truncate", "embedding_types",
            "output_dimension", "max_tokens");
    private static final List<String> INPUT_TYPES = List.of("search_document", "search_query", "classification", "clustering", "image");
    private static final List<String> TYPES = List.of("float", "int8", "uint8", "binary", "ubinary");
    private static final List<String> V3_TRUNCATE = List.of("NONE", "START", "END");

    /** [U] {@link FakeBedrock#v4AlwaysByType}. */
    volatile boolean v4AlwaysByType;
    /** [U] {@link FakeBedrock#v4Truncate}. */
    volatile List<String> v4Truncate = List.of("NONE", "START", "END", "LEFT", "RIGHT");

    @Override
    Reply invoke(FakeBedrock.Model model, JsonNode req, boolean dropLast) {
        Set<String> allowed = model.v4() ? V4_KEYS : V3_KEYS;
        List<String> violations = new ArrayList<>();
        if (req.path("texts").isMissingNode()) {
            violations.add("#: required key [texts] not found");
        }
        if (req.path("input_type").isMissingNode()) {
            violations.add("#: required key [input_type] not found");
        }
        for (Iterator<String> it = req.fieldNames(); it.hasNext();) {
            String key = it.next();
            if (!allowed.contains(key)) {
                violations.add("#: extraneous key [" + key + "] is not permitted");
            }
        }
        if (!violations.isEmpty()) {
            return malformed(String.join("", violations));
        }
        JsonNode textsNode = req.path("texts");
        if (!textsNode.isArray()) {
            return malformed("#/texts: expected type: JSONArray, found: " + textsNode.getNodeType());
        }
        if (textsNode.size() > FakeBedrock.MAX_TEXTS) {
            return malformed("#/texts: expected maximum item count: " + FakeBedrock.MAX_TEXTS + ", found: " + textsNode.size());
        }
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < textsNode.size(); i++) {
            JsonNode t = textsNode.get(i);
            if (!t.isTextual()) {
                return malformed("#/texts/" + i + ": expected type: String");
            }
            if (t.asText().length() > FakeBedrock.MAX_CHARS) {
                return malformed("#/texts/" + i + ": expected maxLength: " + FakeBedrock.MAX_CHARS + ", actual: " + t.asText().length());
            }
            texts.add(t.asText());
        }
        String inputType = req.path("input_type").asText();
        // "image" is for images, which this fake does not embed.
        if (!INPUT_TYPES.contains(inputType) || inputType.equals("image")) {
            return malformed("#/input_type: " + req.path("input_type") + " is not a valid enum value");
        }
        String truncate = req.path("truncate").isMissingNode() ? "NONE" : req.path("truncate").asText();
        if (!(model.v4() ? v4Truncate : V3_TRUNCATE).contains(truncate)) {
            return malformed("#/truncate: " + req.path("truncate") + " is not a valid enum value");
        }
        List<String> types = new ArrayList<>();
        JsonNode typesNode = req.path("embedding_types");
        if (!typesNode.isMissingNode()) {
            for (JsonNode t : typesNode) {
                if (!t.isTextual() || !TYPES.contains(t.asText())) {
                    return malformed("#/embedding_types: " + t + " is not a valid enum value");
                }
                if (!types.contains(t.asText())) {
                    types.add(t.asText());
                }
            }
            if (!typesNode.isArray() || types.isEmpty()) {
                return malformed("#/embedding_types: expected minimum item count: 1");
            }
        }
        Integer dims = null;
        JsonNode d = req.path("output_dimension");
        if (!d.isMissingNode()) {
            if (!d.isIntegralNumber() || !List.of(256, 512, 1024, 1536).contains(d.asInt())) {
                return malformed("#/output_dimension: " + d + " is not a valid enum value");
            }
            dims = d.asInt();
        }
        int limit = model.context();
        JsonNode maxTokens = req.path("max_tokens");
        if (!maxTokens.isMissingNode()) {
            if (!maxTokens.isIntegralNumber() || maxTokens.asInt() < 1) {
                return malformed("#/max_tokens: expected minimum: 1");
            }
            limit = Math.min(limit, maxTokens.asInt());
        }
        long tokens = 0;
        for (int i = 0; i < texts.size(); i++) {
            int n = FakeVectors.tokens(texts.get(i));
            if (n > limit && truncate.equals("NONE")) {
                return invalid("Input is too long for requested model. Text at index " + i + " has " + n + " tokens; the limit is " + limit
                        + ".");
            }
            tokens += Math.min(n, limit);
        }
        List<String> answered = types.isEmpty() ? List.of("float") : types;
        boolean byType = !types.isEmpty() || model.v4() && v4AlwaysByType;
        return reply(model.id(), inputType, texts, dims, byType ? answered : null, tokens, dropLast);
    }

    /** {@code embeddings_by_type} with the {@code byType} types, or {@code embeddings_floats} when {@code byType} is null. */
    private static Reply reply(String model, String inputType, List<String> texts, Integer dims, List<String> byType, long tokens,
            boolean dropLast) {
        int count = dropLast ? texts.size() - 1 : texts.size();
        return ok(256 + count * (byType == null ? 1 : byType.size()) * 20_000, tokens, g -> {
            g.writeStartObject();
            g.writeStringField("id", UUID.randomUUID().toString());
            if (byType != null) {
                g.writeObjectFieldStart("embeddings");
                for (String type : byType) {
                    g.writeArrayFieldStart(type);
                    for (int i = 0; i < count; i++) {
                        float[] v = FakeBedrock.expectedCohere(model, inputType, texts.get(i), dims);
                        if (type.equals("float")) {
                            floats(g, v);
                        } else {
                            int[] q = FakeQuantization.of(v, type, FakeBedrock.INT8_RANGE, false);
                            g.writeArray(q, 0, q.length);
                        }
                    }
                    g.writeEndArray();
                }
                g.writeEndObject();
            } else {
                g.writeArrayFieldStart("embeddings");
                for (int i = 0; i < count; i++) {
                    floats(g, FakeBedrock.expectedCohere(model, inputType, texts.get(i), dims));
                }
                g.writeEndArray();
            }
            g.writeStringField("response_type", byType != null ? "embeddings_by_type" : "embeddings_floats");
            g.writeArrayFieldStart("texts");
            for (String t : texts) {
                g.writeString(t);
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }
}
