package io.embedgate.provider.azure;

import java.time.Clock;
import java.util.regex.Pattern;

import io.embedgate.provider.support.OAuthTokenEndpoint;
import io.embedgate.provider.support.TokenCache;
import io.embedgate.spi.InstanceSettings;
import io.embedgate.spi.Secrets;
import io.embedgate.spi.UpstreamException;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

/**
 * An instance's Entra ID access token: fetched with its client credentials from
 * {@code {authority}/{tenant}/oauth2/v2.0/token}, shared by its calls, refreshed ahead of expiry, and
 * dropped when Azure refuses it.
 */
final class EntraToken implements AutoCloseable {

    /** Entra ends each error description with these ids: a support ticket's business, not a client's. */
    private static final Pattern TRACE_IDS = Pattern.compile("\\s*Trace ID: [^)]*");

    private final EntraCredentials credentials;
    private final byte[] form;
    private final OAuthTokenEndpoint endpoint;
    private final TokenCache cache;

    EntraToken(Vertx vertx, InstanceSettings settings, EntraCredentials credentials, Clock clock) {
        this.credentials = credentials;
        this.form = credentials.form();
        this.endpoint = OAuthTokenEndpoint.connect(vertx, settings, credentials.tokenUrl(), clock);
        this.cache = new TokenCache(this::fetch, clock);
    }

    /** The token to send now. Fails with an {@link UpstreamException} of the instance when none can be had. */
    Uni<String> get() {
        return cache.get();
    }

    /** Azure refused {@code token} (revoked, or expired early): the next call fetches another. */
    void refused(String token) {
        cache.invalidate(token);
    }

    /** {@code text} without the client secret, {@code token} (may be null) or anything token-shaped. */
    String redact(String text, String token) {
        return Secrets.redact(Secrets.redact(text, credentials.clientSecret()), token);
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

    @Override
    public void close() {
        endpoint.close();
    }
}
