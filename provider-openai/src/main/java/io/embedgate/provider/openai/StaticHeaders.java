package io.embedgate.provider.openai;

import java.util.Map;

import jakarta.ws.rs.client.ClientRequestContext;
import jakarta.ws.rs.client.ClientRequestFilter;

/** Adds the instance's precomputed Authorization header and configured extra headers to every call. */
final class StaticHeaders implements ClientRequestFilter {

    private final String authorization;
    private final Map<String, String> extra;

    StaticHeaders(String authorization, Map<String, String> extra) {
        this.authorization = authorization;
        this.extra = Map.copyOf(extra);
    }

    @Override
    public void filter(ClientRequestContext request) {
        var headers = request.getHeaders();
        extra.forEach(headers::putSingle);
        if (authorization != null) {
            headers.putSingle("Authorization", authorization);
        }
        headers.putSingle("User-Agent", "embedgate");
    }
}
