package io.embedgate.debug;

/**
 * What a client asked to see with its request's {@code debug} object.
 *
 * @param returnUpstreamRequest  include each upstream request (URL, headers, body), secrets masked
 * @param returnUpstreamResponse include each upstream response (status, headers, body), vectors truncated
 * @param attempts               include the timeline of upstream attempts ({@code debug.trace}, on by default)
 * @param full                   {@code trace_level: full}: per-chunk detail on every attempt
 */
public record DebugSettings(boolean returnUpstreamRequest, boolean returnUpstreamResponse, boolean attempts, boolean full) {
}
