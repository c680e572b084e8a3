package io.embedgate.provider.jina;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.embedgate.spi.InputType;

/**
 * Jina's {@code task} per model family: which tasks a family takes, and which one stands for each of
 * the gateway's input types (providers-more.md section 5). v3 and v4 have different task sets; other
 * models (v2, clip) take none.
 */
enum JinaTasks {

    V3(List.of("retrieval.query", "retrieval.passage", "separation", "classification", "text-matching")), V4(
            List.of("retrieval.query", "retrieval.passage", "code.query", "code.passage", "text-matching"));

    /** Every task of any family: what the option itself accepts. */
    static final String[] ALL = {"retrieval.query", "retrieval.passage", "separation", "classification", "text-matching",
            "code.query", "code.passage"};

    private final List<String> tasks;
    private final Map<InputType, String> byInputType = new EnumMap<>(InputType.class);

    JinaTasks(List<String> tasks) {
        this.tasks = tasks;
    }

    static {
        V3.byInputType.putAll(Map.of(InputType.QUERY, "retrieval.query", InputType.DOCUMENT, "retrieval.passage",
                InputType.CLASSIFICATION, "classification", InputType.CLUSTERING, "separation", InputType.SIMILARITY, "text-matching"));
        V4.byInputType.putAll(Map.of(InputType.QUERY, "retrieval.query", InputType.DOCUMENT, "retrieval.passage",
                InputType.SIMILARITY, "text-matching", InputType.CODE_QUERY, "code.query", InputType.CODE_DOCUMENT, "code.passage"));
    }

    /** The family of a Jina model name; empty for models without tasks. */
    static Optional<JinaTasks> of(String model) {
        if (model.startsWith("jina-embeddings-v3")) {
            return Optional.of(V3);
        }
        if (model.startsWith("jina-embeddings-v4")) {
            return Optional.of(V4);
        }
        return Optional.empty();
    }

    List<String> tasks() {
        return tasks;
    }

    boolean takes(String task) {
        return tasks.contains(task);
    }

    /** The task for an input type; empty where the family has none (the model's default then applies). */
    Optional<String> task(InputType type) {
        return Optional.ofNullable(byInputType.get(type));
    }
}
