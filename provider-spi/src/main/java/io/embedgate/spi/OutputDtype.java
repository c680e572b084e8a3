package io.embedgate.spi;

import java.util.Locale;
import java.util.Optional;

/** Element type of a returned vector. Only some models (e.g. codestral-embed) support non-float types. */
public enum OutputDtype {

    FLOAT, INT8, UINT8, BINARY, UBINARY;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<OutputDtype> fromWireName(String name) {
        for (OutputDtype d : values()) {
            if (d.wireName().equals(name)) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }
}
