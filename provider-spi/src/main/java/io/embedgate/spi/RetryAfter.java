package io.embedgate.spi;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** Parses the retry hints providers send: {@code retry-after-ms}, {@code retry-after}, Google's {@code "47s"}. */
public final class RetryAfter {

    private RetryAfter() {
    }

    /**
     * @param retryAfterMs value of {@code retry-after-ms}, may be null
     * @param retryAfter   value of {@code retry-after} (seconds or an HTTP date), may be null
     * @return the delay, or null when neither header holds a usable value
     */
    public static Duration fromHeaders(String retryAfterMs, String retryAfter) {
        if (retryAfterMs != null) {
            try {
                double ms = Double.parseDouble(retryAfterMs.trim());
                if (ms >= 0 && Double.isFinite(ms)) {
                    return Duration.ofNanos((long) (ms * 1_000_000));
                }
            } catch (NumberFormatException ignored) {
                // fall through to retry-after
            }
        }
        if (retryAfter != null) {
            String v = retryAfter.trim();
            try {
                double s = Double.parseDouble(v);
                if (s >= 0 && Double.isFinite(s)) {
                    return Duration.ofNanos((long) (s * 1_000_000_000L));
                }
            } catch (NumberFormatException notSeconds) {
                try {
                    ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
                    Duration d = Duration.between(ZonedDateTime.now(at.getZone()), at);
                    return d.isNegative() ? Duration.ZERO : d;
                } catch (DateTimeParseException ignored) {
                    return null;
                }
            }
        }
        return null;
    }

    /** Parses protobuf-JSON durations such as {@code "47s"} or {@code "1.5s"}; null when unparseable. */
    public static Duration fromProtoDuration(String value) {
        if (value == null || !value.endsWith("s")) {
            return null;
        }
        try {
            double s = Double.parseDouble(value.substring(0, value.length() - 1));
            return s >= 0 && Double.isFinite(s) ? Duration.ofNanos((long) (s * 1_000_000_000L)) : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
