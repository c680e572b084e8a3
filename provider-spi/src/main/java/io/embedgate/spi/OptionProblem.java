package io.embedgate.spi;

/**
 * A rejected provider option.
 *
 * @param field   the option's key inside {@code embedding_options.<type>}, e.g. {@code task_type}
 * @param message a complete sentence for the client, listing valid values where there is a set
 */
public record OptionProblem(String field, String message) {
}
