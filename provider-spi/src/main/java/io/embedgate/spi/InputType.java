package io.embedgate.spi;

import java.util.Locale;
import java.util.Optional;

/**
 * What a text is for: the gateway's one knob ({@code embedding_options.input_type}) that each adapter
 * maps onto its provider's own (Gemini {@code taskType}, Cohere and Voyage {@code input_type}, Jina
 * {@code task}, NIM {@code input_type}) and that becomes a text prefix for models that need one (E5,
 * Nomic, BGE). Query and document vectors of asymmetric models are only comparable across the pair.
 */
public enum InputType {

    QUERY, DOCUMENT, CLASSIFICATION, CLUSTERING, SIMILARITY, CODE_QUERY, CODE_DOCUMENT;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<InputType> fromWireName(String name) {
        for (InputType t : values()) {
            if (t.wireName().equals(name)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /** The wire names, for error messages and schemas. */
    public static String wireNames() {
        StringBuilder b = new StringBuilder();
        for (InputType t : values()) {
            b.append(b.length() == 0 ? "" : ", ").append(t.wireName());
        }
        return b.toString();
    }
}
