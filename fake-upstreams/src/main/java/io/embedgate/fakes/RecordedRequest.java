package io.embedgate.fakes;

import java.util.Map;

/**
 * What a fake upstream received: method, path with query, headers (lower-case names), body, and
 * when it arrived ({@link System#nanoTime()}).
 */
public record RecordedRequest(String method, String uri, Map<String, String> headers, String body, long receivedAtNanos) {

    public String header(String name) {
        return headers.get(name.toLowerCase(java.util.Locale.ROOT));
    }
}
