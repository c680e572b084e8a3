package io.embedgate.catalog;

import java.util.Map;
import java.util.Optional;

import io.embedgate.spi.InputType;

/**
 * How one candidate takes {@code embedding_options.input_type}: as its provider's own option (worked
 * out once at start-up from the adapter), or, where the provider has no such option, as the model's
 * text prefix. Never both: a doubled prompt hurts quality.
 *
 * @param option   the provider option that carries it, when the provider has one here
 * @param values   that option's value for each input type it has an equivalent for
 * @param prefixes the model's text prefixes, used only when {@code values} is empty
 */
public record InputTypes(Optional<String> option, Map<InputType, String> values, Map<InputType, String> prefixes) {

    public static final InputTypes NONE = new InputTypes(Optional.empty(), Map.of(), Map.of());

    public InputTypes {
        values = Map.copyOf(values);
        prefixes = values.isEmpty() ? Map.copyOf(prefixes) : Map.of();
    }

    /** The provider option value for {@code type}, when this candidate sends one. */
    public Optional<String> value(InputType type) {
        return option.isPresent() ? Optional.ofNullable(values.get(type)) : Optional.empty();
    }

    /** The text prefix for {@code type}, when this candidate adds one. */
    public Optional<String> prefix(InputType type) {
        return Optional.ofNullable(prefixes.get(type));
    }
}
