package io.embedgate.provider.vertex;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

import io.embedgate.provider.support.OAuthTokenEndpoint;
import io.embedgate.provider.support.TokenCache;
import io.embedgate.provider.support.UpstreamAuth;
import io.embedgate.spi.Secrets;
import io.smallrye.mutiny.Uni;

/**
 * {@code Authorization: Bearer <token>} from a service account key: a signed JWT exchanged at the
 * key's token URI (the jwt-bearer grant), the token shared by every call and fetched again before it
 * expires ({@link TokenCache}). A token Vertex refuses is dropped ({@link #invalidate()}), so the next
 * call fetches another.
 */
final class ServiceAccountAuth implements UpstreamAuth, AutoCloseable {

    static final String GRANT_TYPE = "urn:ietf:params:oauth:grant-type:jwt-bearer";

    private final ServiceAccountKey key;
    private final OAuthTokenEndpoint endpoint;
    private final TokenCache cache;
    private final Clock clock;
    /** The token last fetched (the cache's current one), to be redacted and invalidated. */
    private volatile String latest;

    ServiceAccountAuth(ServiceAccountKey key, OAuthTokenEndpoint endpoint, Clock clock) {
        this.key = key;
        this.endpoint = endpoint;
        this.clock = clock;
        this.cache = new TokenCache(this::fetch, clock);
    }

    private Uni<TokenCache.Token> fetch() {
        return Uni.createFrom().deferred(() -> {
            String assertion = key.assertion(clock.instant());
            Map<String, String> form = new LinkedHashMap<>();
            form.put("grant_type", GRANT_TYPE);
            form.put("assertion", assertion);
            return endpoint.fetch(OAuthTokenEndpoint.form(form), assertion).invoke(t -> latest = t.value());
        });
    }

    @Override
    public Uni<Map<String, String>> headers(Request request) {
        return cache.get().map(token -> Map.of("Authorization", "Bearer " + token));
    }

    /** Drops the current token after Vertex refused it (revoked, or expired early): the next call fetches one. */
    void invalidate() {
        String t = latest;
        if (t != null) {
            cache.invalidate(t);
        }
    }

    @Override
    public String redact(String text) {
        return Secrets.redact(text, latest);
    }

    @Override
    public void close() {
        endpoint.close();
    }

    @Override
    public String toString() {
        return "ServiceAccountAuth[" + key + "]";
    }
}
