package io.embedgate.provider.azure;

import java.time.Clock;
import java.util.regex.Pattern;

import io.embedgate.provider.support.BearerTokenAuth;
import io.embedgate.provider.support.OAuthTokenEndpoint;
import io.embedgate.provider.support.TokenCache;
import io.embedgate.spi.InstanceSettings;
import io.embedgate.spi.UpstreamException;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

/**
 * An instance's Entra ID access token: fetched with its client credentials from
 * {@code {authority}/{tenant}/oauth2/v2.0/token}, shared by its calls, refreshed ahead of expiry, and
 * dropped when Azure refuses it ({@link BearerTokenAuth}).
 */
final class EntraToken {

    /** Entra ends each error description with these ids: a support ticket's business, not a client's. */
    private static final Pattern TRACE_IDS = Pattern.compile("\\s*Trace ID: [^)]*");

    private final EntraCredentials credentials;
    private final byte[] form;
    private final OAuthTokenEndpoint endpoint;

    private EntraToken(Vertx vertx, InstanceSettings settings, EntraCredentials credentials, Clock clock) {
        this.credentials = credentials;
        this.form = credentials.form();
        this.endpoint = OAuthTokenEndpoint.connect(vertx, settings, credentials.tokenUrl(), clock);
    }

    /**
     * What authorises each of the instance's calls: {@code Authorization: Bearer <token>}, never with
     * {@code api-key} (Azure's SDKs send one or the other).
     */
    static BearerTokenAuth auth(Vertx vertx, InstanceSettings settings, EntraCredentials credentials, Clock clock) {
        EntraToken token = new EntraToken(vertx, settings, credentials, clock);
        return new BearerTokenAuth(new TokenCache(token::fetch, clock), token.endpoint, credentials.clientSecret());
    }

    private Uni<TokenCache.Token> fetch() {
        return endpoint.fetch(form, credentials.clientSecret()).onFailure(UpstreamException.class)
                .transform(e -> withoutTraceIds((UpstreamException) e));
    }

    /** Keeps Entra's AADSTS code and message (they say what to fix), drops its trace and correlation ids. */
    static UpstreamException withoutTraceIds(UpstreamException e) {
        String message = e.getMessage();
        String clean = message == null ? null : TRACE_IDS.matcher(message).replaceAll("");
        return clean == null || clean.equals(message) ? e : e.withMessage(clean);
    }
}
