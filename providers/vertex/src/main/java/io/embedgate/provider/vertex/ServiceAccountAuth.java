package io.embedgate.provider.vertex;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

import io.embedgate.provider.support.BearerTokenAuth;
import io.embedgate.provider.support.OAuthTokenEndpoint;
import io.embedgate.provider.support.TokenCache;
import io.smallrye.mutiny.Uni;

/**
 * Access tokens from a service account key: a JWT signed with the key, exchanged at the key's token
 * URI (the jwt-bearer grant). Sent as {@code Authorization: Bearer} by a {@link BearerTokenAuth}, which
 * shares a token among the calls, fetches it again before it expires and drops one Vertex refuses.
 */
final class ServiceAccountAuth {

    static final String GRANT_TYPE = "urn:ietf:params:oauth:grant-type:jwt-bearer";

    private final ServiceAccountKey key;
    private final OAuthTokenEndpoint endpoint;
    private final Clock clock;

    private ServiceAccountAuth(ServiceAccountKey key, OAuthTokenEndpoint endpoint, Clock clock) {
        this.key = key;
        this.endpoint = endpoint;
        this.clock = clock;
    }

    /** What authorises each call of an instance with this key. */
    static BearerTokenAuth auth(ServiceAccountKey key, OAuthTokenEndpoint endpoint, Clock clock) {
        ServiceAccountAuth source = new ServiceAccountAuth(key, endpoint, clock);
        return new BearerTokenAuth(new TokenCache(source::fetch, clock), endpoint);
    }

    private Uni<TokenCache.Token> fetch() {
        return Uni.createFrom().deferred(() -> {
            // A fresh assertion per fetch: it is valid for an hour from now.
            String assertion = key.assertion(clock.instant());
            Map<String, String> form = new LinkedHashMap<>();
            form.put("grant_type", GRANT_TYPE);
            form.put("assertion", assertion);
            return endpoint.fetch(OAuthTokenEndpoint.form(form), assertion);
        });
    }

    @Override
    public String toString() {
        return "ServiceAccountAuth[" + key + "]";
    }
}
