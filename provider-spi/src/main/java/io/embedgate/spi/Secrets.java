package io.embedgate.spi;

import java.util.regex.Pattern;

/** Keeps provider keys out of anything that leaves the process. */
public final class Secrets {

    public static final String MASK = "[REDACTED]";

    // Shapes of common provider keys, caught even when a provider echoes someone else's key.
    private static final Pattern KEY_SHAPES = Pattern.compile(
            "(sk-[A-Za-z0-9_\\-.]{6,}|AIza[0-9A-Za-z_\\-]{20,}|(?i:bearer)\\s+[A-Za-z0-9_\\-.~+/]{8,}=*)");

    private Secrets() {
    }

    /** Removes {@code key} and anything shaped like a provider key from {@code text}. */
    public static String redact(String text, String key) {
        if (text == null) {
            return null;
        }
        String out = text;
        if (key != null && key.length() >= 4) {
            out = out.replace(key, MASK);
        }
        return KEY_SHAPES.matcher(out).replaceAll(MASK);
    }
}
