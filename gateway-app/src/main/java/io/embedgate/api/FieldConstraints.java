package io.embedgate.api;

import java.util.List;
import java.util.Set;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;

/**
 * The body's field-level rules (the Bean Validation constraints on {@link EmbeddingRequest}: model,
 * encoding_format, dimensions), reported one field at a time.
 */
final class FieldConstraints {

    private FieldConstraints() {
    }

    private static final List<String> ORDER = List.of("model", "input", "inputs", "encodingFormat", "dimensions", "user",
            "embeddingOptions",
            "provider", "orq");

    /** A 400 for the first violated field in declaration order, so the same body always gets the same answer. */
    static void require(Validator validator, EmbeddingRequest request) {
        Set<ConstraintViolation<EmbeddingRequest>> violations = validator.validate(request);
        if (!violations.isEmpty()) {
            ConstraintViolation<EmbeddingRequest> v = violations.stream()
                    .min((a, b) -> Integer.compare(order(a), order(b))).orElseThrow();
            String field = jsonName(v.getPropertyPath().toString());
            throw ApiException.invalid(field, v.getMessage());
        }
    }

    private static int order(ConstraintViolation<?> v) {
        int i = ORDER.indexOf(v.getPropertyPath().toString());
        return i < 0 ? ORDER.size() : i;
    }

    private static String jsonName(String property) {
        return switch (property) {
            case "encodingFormat" -> "encoding_format";
            case "embeddingOptions" -> "embedding_options";
            default -> property;
        };
    }
}
