package io.embedgate.provider.support;

import java.util.Map;

import io.smallrye.mutiny.Uni;

/**
 * How an instance's requests are authorised when one static header is not enough: a signature over
 * each request (AWS SigV4) or a bearer token that expires and is fetched again (OAuth2: a Google
 * service account, Azure Entra ID). An instance with a plain key needs none of this: its key is one
 * of the endpoint's static headers, and its calls take the same path as before.
 */
public interface UpstreamAuth {

    /**
     * One request as it goes on the wire, for whoever signs it.
     *
     * @param host    the {@code Host} header's value ({@code host} or {@code host:port})
     * @param rawPath the path as sent, percent-encoded, with the base URL's path in front
     * @param headers the headers the request carries that a signature may cover (content-type)
     */
    record Request(String method, String host, String rawPath, Map<String, String> headers, byte[] body) {
    }

    /**
     * The headers that authorise {@code request}, e.g. {@code Authorization}. May wait for a token;
     * fails with an {@link io.embedgate.spi.UpstreamException} naming the provider, never a secret.
     */
    Uni<Map<String, String>> headers(Request request);

    /** {@code text} (an upstream error message) without any secret this auth holds now: a key, a token. */
    String redact(String text);

    /**
     * The provider refused the credentials that {@code sent} carried (a 401): whether the call is worth
     * one more try with fresh ones. A token source drops that token (revoked, or expired early) and says
     * yes; a signature, which would only be computed again from the same keys, says no.
     */
    default boolean refused(Map<String, String> sent) {
        return false;
    }
}
