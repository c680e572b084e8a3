package io.embedgate.provider.support;

import java.util.List;
import java.util.Map;

import io.embedgate.spi.Secrets;
import io.smallrye.mutiny.Uni;

/**
 * {@code Authorization: Bearer <token>} from a {@link TokenCache} (a Google service account's token,
 * an Entra ID token): shared by every call, refreshed ahead of expiry; a token the provider refuses is
 * dropped, and the call is tried once more with a fresh one ({@link #refused}).
 */
public final class BearerTokenAuth implements UpstreamAuth, AutoCloseable {

    private static final String PREFIX = "Bearer ";

    private final TokenCache tokens;
    private final AutoCloseable source;
    private final List<String> secrets;

    /**
     * @param source  what fetches the tokens (a token endpoint's pool), closed with the instance
     * @param secrets the credentials behind the tokens (a client secret), also removed from upstream text
     */
    public BearerTokenAuth(TokenCache tokens, AutoCloseable source, String... secrets) {
        this.tokens = tokens;
        this.source = source;
        this.secrets = List.of(secrets);
    }

    @Override
    public Uni<Map<String, String>> headers(Request request) {
        return tokens.get().map(token -> Map.of("Authorization", PREFIX + token));
    }

    @Override
    public boolean refused(Map<String, String> sent) {
        String header = sent.get("Authorization");
        if (header == null || !header.startsWith(PREFIX)) {
            return false;
        }
        tokens.invalidate(header.substring(PREFIX.length()));
        return true;
    }

    @Override
    public String redact(String text) {
        String out = Secrets.redact(text, tokens.current());
        for (String s : secrets) {
            out = Secrets.redact(out, s);
        }
        return out;
    }

    @Override
    public void close() throws Exception {
        source.close();
    }
}
