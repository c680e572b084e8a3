package io.embedgate.spi;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One provider option ({@code embedding_options.<type>.<name>}), declared once as data. The gateway
 * derives from these declarations the option's validation (a 400 naming the field), its OpenAPI
 * schema and its row in the provider's documentation page.
 *
 * @param name        the key inside {@code embedding_options.<type>}
 * @param kind        the JSON type the value must have
 * @param values      the allowed values (enumerations; for an integer, a set of allowed sizes), empty for any
 * @param min         smallest allowed integer (INTEGER only)
 * @param max         largest allowed integer (INTEGER only)
 * @param fold        the gateway field this option sets instead of being forwarded as is
 * @param sentAs      the provider's field it maps to on the wire (documentation)
 * @param description one sentence for the docs and the schema
 */
public record OptionSpec(String name, Kind kind, List<String> values, int min, int max, Fold fold, String sentAs, String description) {

    /** The JSON type of an option's value. */
    public enum Kind {
        /** a string from {@link #values()} */
        ENUM,
        /** an integer in [min, max], and one of {@link #values()} when there are any */
        INTEGER, BOOLEAN,
        /** any string */
        STRING,
        /** a non-empty array of strings from {@link #values()} */
        ENUM_LIST
    }

    /** Gateway fields a provider option may stand for; the two must agree when both are given. */
    public enum Fold {
        NONE,
        /** the output size: the request's {@code dimensions} */
        DIMENSIONS,
        /** the output element type: {@code embedding_options.output_dtype} */
        DTYPE,
        /** what the text is for: {@code embedding_options.input_type} (mapped by the adapter) */
        INPUT_TYPE
    }

    public OptionSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        values = values == null ? List.of() : List.copyOf(values);
        fold = fold == null ? Fold.NONE : fold;
        sentAs = sentAs == null ? name : sentAs;
        description = description == null ? "" : description;
    }

    /** A string that must be one of {@code values}. */
    public static OptionSpec oneOf(String name, String... values) {
        return new OptionSpec(name, Kind.ENUM, Arrays.asList(values), 0, 0, Fold.NONE, name, "");
    }

    /** An integer from {@code min} to {@code max}. */
    public static OptionSpec integer(String name, int min, int max) {
        return new OptionSpec(name, Kind.INTEGER, List.of(), min, max, Fold.NONE, name, "");
    }

    /** An integer that must be one of {@code values} (e.g. Matryoshka sizes 256, 512, 1024). */
    public static OptionSpec integerOneOf(String name, int... values) {
        List<String> v = new ArrayList<>();
        int min = Integer.MAX_VALUE;
        int max = Integer.MIN_VALUE;
        for (int i : values) {
            v.add(Integer.toString(i));
            min = Math.min(min, i);
            max = Math.max(max, i);
        }
        return new OptionSpec(name, Kind.INTEGER, v, min, max, Fold.NONE, name, "");
    }

    public static OptionSpec bool(String name) {
        return new OptionSpec(name, Kind.BOOLEAN, List.of(), 0, 0, Fold.NONE, name, "");
    }

    public static OptionSpec text(String name) {
        return new OptionSpec(name, Kind.STRING, List.of(), 0, 0, Fold.NONE, name, "");
    }

    /** A non-empty array of strings, each one of {@code values}. */
    public static OptionSpec listOf(String name, String... values) {
        return new OptionSpec(name, Kind.ENUM_LIST, Arrays.asList(values), 0, 0, Fold.NONE, name, "");
    }

    public OptionSpec foldsInto(Fold f) {
        return new OptionSpec(name, kind, values, min, max, f, sentAs, description);
    }

    public OptionSpec sentAs(String wireField) {
        return new OptionSpec(name, kind, values, min, max, fold, wireField, description);
    }

    public OptionSpec describe(String text) {
        return new OptionSpec(name, kind, values, min, max, fold, sentAs, text);
    }

    /** The problem with {@code value} (a plain JSON value), if any. */
    public Optional<OptionProblem> check(Object value) {
        boolean ok = switch (kind) {
            case ENUM -> value instanceof String s && values.contains(s);
            case STRING -> value instanceof String;
            case BOOLEAN -> value instanceof Boolean;
            case INTEGER -> value instanceof Integer i && i >= min && i <= max && (values.isEmpty() || values.contains(i.toString()));
            case ENUM_LIST ->
                value instanceof List<?> l && !l.isEmpty() && l.stream().allMatch(e -> e instanceof String s && values.contains(s));
        };
        return ok ? Optional.empty() : Optional.of(new OptionProblem(name, name + " must be " + expected() + "; got " + value + "."));
    }

    /** What a valid value looks like, as the end of a sentence: "one of a, b" / "an integer from 1 to 8". */
    public String expected() {
        return switch (kind) {
            case ENUM -> "one of " + String.join(", ", values);
            case STRING -> "a string";
            case BOOLEAN -> "true or false";
            case INTEGER -> values.isEmpty() ? "an integer from " + min + " to " + max : "one of the integers " + String.join(", ", values);
            case ENUM_LIST -> "a non-empty array of " + String.join(", ", values);
        };
    }

    /**
     * Checks a whole {@code embedding_options.<type>} object against its declarations: unknown keys
     * (naming the valid ones) and each value.
     */
    public static List<OptionProblem> validate(List<OptionSpec> specs, java.util.Map<String, Object> options) {
        List<OptionProblem> problems = new ArrayList<>();
        for (java.util.Map.Entry<String, Object> e : options.entrySet()) {
            Optional<OptionSpec> spec = specs.stream().filter(s -> s.name().equals(e.getKey())).findFirst();
            if (spec.isEmpty()) {
                problems.add(new OptionProblem(e.getKey(),
                        specs.isEmpty() ? "This provider type takes no options; got '" + e.getKey() + "'."
                                : "Unknown option '" + e.getKey() + "'; valid: "
                                        + String.join(", ", specs.stream().map(OptionSpec::name).toList())
                                        + "."));
            } else {
                spec.get().check(e.getValue()).ifPresent(problems::add);
            }
        }
        return problems;
    }
}
