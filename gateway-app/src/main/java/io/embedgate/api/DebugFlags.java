package io.embedgate.api;

import io.embedgate.debug.DebugSettings;

/** The request's {@code debug} object as settings: which parts of the trace the client gets. */
final class DebugFlags {

    private DebugFlags() {
    }

    /**
     * The request's {@code debug} object, or null when it asks for no debug output. Any flag set to
     * true turns debug on unless {@code enabled} is explicitly false.
     */
    static DebugSettings of(DebugRequest d) {
        if (d == null) {
            return null;
        }
        boolean full = false;
        if (d.traceLevel() != null) {
            full = switch (d.traceLevel()) {
                case "summary" -> false;
                case "full" -> true;
                default -> throw ApiException.invalid("debug.trace_level", "debug.trace_level must be 'summary' or 'full', got '"
                        + d.traceLevel() + "'.");
            };
        }
        boolean request = Boolean.TRUE.equals(d.returnUpstreamRequest());
        boolean response = Boolean.TRUE.equals(d.returnUpstreamResponse());
        boolean on = d.enabled() != null ? d.enabled() : request || response || Boolean.TRUE.equals(d.trace()) || d.traceLevel() != null;
        return on ? new DebugSettings(request, response, !Boolean.FALSE.equals(d.trace()), full) : null;
    }
}
