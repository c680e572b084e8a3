package io.embedgate.spi;

/**
 * Token usage of one call.
 *
 * @param estimated true when the provider reported no counts and the adapter estimated them
 */
public record Usage(long promptTokens, long totalTokens, boolean estimated) {

    public static final Usage NONE = new Usage(0, 0, false);

    public Usage plus(Usage other) {
        return new Usage(promptTokens + other.promptTokens, totalTokens + other.totalTokens,
                estimated || other.estimated);
    }
}
