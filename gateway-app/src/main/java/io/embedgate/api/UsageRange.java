package io.embedgate.api;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.regex.Pattern;

/**
 * The UTC days a usage query asks for, from its {@code start} and {@code end} parameters: both
 * optional (the last 30 days, today included), {@code end} not before {@code start}, at most 366 days
 * in all. A bad one is a 400 naming the parameter. Shared by every usage route.
 */
public record UsageRange(LocalDate start, LocalDate end) {

    /** Days a query may span, both ends included. */
    public static final int MAX_DAYS = 366;
    /** Days shown when the query names none: the last 30, today included. */
    public static final int DEFAULT_DAYS = 30;
    /** Four-digit years only: LocalDate would also take +999999999-12-31, and a range from there overflows. */
    private static final Pattern DATE = Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}");

    /** The range of these query parameters (null or empty: absent), or a 400 naming the one at fault. */
    public static UsageRange of(String start, String end) {
        LocalDate last = day("end", end, LocalDate.now(ZoneOffset.UTC));
        LocalDate first = day("start", start, last.minusDays(DEFAULT_DAYS - 1));
        // The parameter the client gave is the one to change: end when it gave one, else start.
        String blamed = end == null || end.isEmpty() ? "start" : "end";
        if (last.isBefore(first)) {
            throw ApiException.invalid(blamed, "end (" + last + ") is before start (" + first + ").");
        }
        if (ChronoUnit.DAYS.between(first, last) >= MAX_DAYS) {
            throw ApiException.invalid(blamed, "The range from start (" + first + ") to end (" + last + ") spans more than " + MAX_DAYS
                    + " days; ask for at most " + MAX_DAYS + " at once.");
        }
        return new UsageRange(first, last);
    }

    private static LocalDate day(String param, String value, LocalDate absent) {
        if (value == null || value.isEmpty()) {
            return absent;
        }
        String shown = value.length() > 40 ? value.substring(0, 40) + "..." : value;
        if (DATE.matcher(value).matches()) {
            try {
                return LocalDate.parse(value);
            } catch (DateTimeParseException e) {
                // not a day of the calendar (2026-13-01, 2026-02-30): the same answer as any other bad value
            }
        }
        throw ApiException.invalid(param, param + " must be a date as YYYY-MM-DD (UTC), not '" + shown + "'.");
    }
}
