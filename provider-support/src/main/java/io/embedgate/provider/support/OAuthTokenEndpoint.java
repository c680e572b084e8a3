package io.embedgate.provider.support;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import io.embedgate.spi.InstanceSettings;
import io.embedgate.spi.ReplyAllowance;
import io.embedgate.spi.Secrets;
import io.embedgate.spi.UpstreamException;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

/**
 * An OAuth2 token endpoint (RFC 6749 section 5): a form POST answered by
 * {@code {"access_token","expires_in","token_type"}} or {@code {"error","error_description"}}. Used
 * for a Google service account's signed JWT and Azure Entra ID's client credentials. Its own
 * connection pool (another host than the provider's), built once per instance. What it answers is
 * checked before use: a token goes into a header, so it must be a short printable string.
 */
public final class OAuthTokenEndpoint implements AutoCloseable {

    /** A token answer is a few KB; an endpoint that sends more is not one. */
    static final long MAX_REPLY = 64 * 1024;
    /** Tokens are trusted for at most this long, whatever the endpoint says. */
    static final Duration MAX_LIFETIME = Duration.ofHours(24);
    /** Printable ASCII without spaces: what may follow {@code Bearer } in a header. */
    private static final Pattern TOKEN_CHARS = Pattern.compile("[\\x21-\\x7e]{1,16384}");
    private static final JsonFactory JSON = new JsonFactory();

    private final UpstreamHttp http;
    private final String path;
    private final String provider;
    private final Clock clock;

    private OAuthTokenEndpoint(UpstreamHttp http, String path, String provider, Clock clock) {
        this.http = http;
        this.path = path;
        this.provider = provider;
        this.clock = clock;
    }

    /**
     * A client of {@code url} for the instance {@code instance} (its connect timeout and name; none of
     * its headers or keys).
     */
    public static OAuthTokenEndpoint connect(Vertx vertx, InstanceSettings instance, URI url, Clock clock) {
        URI origin = URI.create(url.getScheme() + "://" + url.getRawAuthority());
        InstanceSettings tokenHost = instance.withBaseUrl(Optional.of(origin)).withHeaders(Map.of());
        String path = (url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath())
                + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
        return new OAuthTokenEndpoint(UpstreamHttp.connect(vertx, tokenHost, UpstreamEndpoint.of(tokenHost, Map.of())), path,
                instance.name(), clock);
    }

    /** A form body ({@code application/x-www-form-urlencoded}) of these fields, in order. */
    public static byte[] form(Map<String, String> fields) {
        StringJoiner out = new StringJoiner("&");
        fields.forEach(
                (k, v) -> out.add(URLEncoder.encode(k, StandardCharsets.UTF_8) + "=" + URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Asks for a token with a form body. Failures are {@link UpstreamException}s of the provider
     * instance: the endpoint's refusal ({@code invalid_client}, {@code invalid_grant}) as an
     * authentication error, its 429 and 5xx as retryable ones; {@code secret} (and anything shaped like
     * a key) is removed from whatever text the endpoint sends back.
     */
    public Uni<TokenCache.Token> fetch(byte[] form, String secret) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/x-www-form-urlencoded");
        return http.post(path, form, headers, new UpstreamHttp.ReplyLimit(MAX_REPLY, ReplyAllowance.UNLIMITED),
                reply -> read(reply, secret));
    }

    private TokenCache.Token read(UpstreamHttp.Reply reply, String secret) {
        Map<String, Object> fields;
        try {
            fields = fields(reply.body());
        } catch (IOException | RuntimeException e) {
            fields = Map.of();
        }
        int status = reply.status();
        if (status >= 200 && status < 300) {
            Object token = fields.get("access_token");
            if (!(token instanceof String t) || !TOKEN_CHARS.matcher(t).matches()) {
                throw UpstreamException.invalidResponse(provider, "the token endpoint answered without a usable access_token");
            }
            Duration life = lifetime(fields.get("expires_in"));
            return new TokenCache.Token(t, clock.instant().plus(life));
        }
        String error = fields.get("error") instanceof String e ? Secrets.token(e, secret) : null;
        String description = fields.get("error_description") instanceof String d ? Secrets.redact(d, secret) : null;
        String message = "could not obtain an access token (token endpoint answered " + status
                + (error == null ? "" : ": " + error) + (description == null ? "" : ": " + shorten(description)) + ")";
        if (status == 400 || status == 401 || status == 403) {
            // invalid_client, invalid_grant, unauthorized_client: our credentials are wrong; retrying will not help.
            return thrown(
                    new UpstreamException(provider, UpstreamException.Kind.AUTHENTICATION, 401, "authentication_error", error, message,
                            false, null, null));
        }
        return thrown(UpstreamException.fromStatus(provider, status, "token_endpoint_error", error, message, null, null));
    }

    private static TokenCache.Token thrown(UpstreamException e) {
        throw e;
    }

    /** {@code expires_in} in seconds (a number, or a string as Entra's v1 endpoint sends it); an hour when absent. */
    static Duration lifetime(Object expiresIn) {
        long seconds = 3600;
        if (expiresIn instanceof Number n) {
            seconds = n.longValue();
        } else if (expiresIn instanceof String s && s.matches("\\d{1,9}")) {
            seconds = Long.parseLong(s);
        }
        if (seconds <= 0) {
            seconds = 60;
        }
        Duration d = Duration.ofSeconds(seconds);
        return d.compareTo(MAX_LIFETIME) > 0 ? MAX_LIFETIME : d;
    }

    private static String shorten(String s) {
        String oneLine = s.replaceAll("[\\r\\n\\t]+", " ").trim();
        return oneLine.length() <= 300 ? oneLine : oneLine.substring(0, 300) + "...";
    }

    /** The top-level string and number fields of a JSON object. */
    static Map<String, Object> fields(byte[] body) throws IOException {
        Map<String, Object> out = new LinkedHashMap<>();
        try (JsonParser p = JSON.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return out;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if (value == JsonToken.VALUE_STRING) {
                    out.put(name, p.getText());
                } else if (value == JsonToken.VALUE_NUMBER_INT) {
                    out.put(name, p.getLongValue());
                } else {
                    p.skipChildren();
                }
            }
        }
        return out;
    }

    @Override
    public void close() {
        http.close();
    }
}
