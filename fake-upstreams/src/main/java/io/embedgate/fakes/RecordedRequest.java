package io.embedgate.fakes;

import java.util.Map;

/** What a fake upstream received: method, path with query, headers (lower-case names) and body. */
public record RecordedRequest(String method, String uri, Map<String, String> headers, String body) {

    public String header(String name) {
        return headers.get(name.toLowerCase(java.util.Locale.ROOT));
    }
}
