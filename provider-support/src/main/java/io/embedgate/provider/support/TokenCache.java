package io.embedgate.provider.support;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Supplier;

import io.smallrye.mutiny.Uni;

/**
 * One access token, fetched when first needed, shared by every call, and fetched again ahead of its
 * expiry: in the background while the old one is still good (calls never wait for a refresh), by the
 * first call that finds none. However many calls arrive at once, one fetch runs. A failed fetch is not
 * remembered: the next call tries again, and a failed background refresh leaves the old token in use
 * until it expires.
 */
public final class TokenCache {

    /**
     * A token and when it stops being accepted. {@link #toString()} never shows the value.
     */
    public record Token(String value, Instant expiresAt) {

        public Token {
            Objects.requireNonNull(value, "value");
            Objects.requireNonNull(expiresAt, "expiresAt");
        }

        @Override
        public String toString() {
            return "Token[***, expiresAt=" + expiresAt + "]";
        }
    }

    /** A token is refreshed this long before it expires (or halfway through a shorter life). */
    static final Duration REFRESH_AHEAD = Duration.ofMinutes(5);
    /** Treated as expired this long before its expiry, so that it is never sent in its last seconds. */
    static final Duration SAFETY = Duration.ofSeconds(30);
    /** After a failed background refresh, the next try waits this long (the old token is still good). */
    static final Duration RETRY_PAUSE = Duration.ofSeconds(10);

    private final Supplier<Uni<Token>> fetch;
    private final Clock clock;
    private volatile Token current;
    /** The fetch in flight, shared by its callers; null when none runs. Guarded by this. */
    private Uni<Token> inFlight;
    private volatile Instant refreshAt = Instant.MIN;

    public TokenCache(Supplier<Uni<Token>> fetch, Clock clock) {
        this.fetch = fetch;
        this.clock = clock;
    }

    /** The token to send now: the cached one while it is good, else the result of a (shared) fetch. */
    public Uni<String> get() {
        Token t = current;
        Instant now = clock.instant();
        if (t != null && now.isBefore(t.expiresAt().minus(SAFETY))) {
            if (!now.isBefore(refreshAt)) {
                refreshInBackground();
            }
            return Uni.createFrom().item(t.value());
        }
        return shared().map(Token::value);
    }

    /** The cached token's value, to be redacted from upstream text; null when there is none. */
    public String current() {
        Token t = current;
        return t == null ? null : t.value();
    }

    /** Drops the cached token, e.g. after the provider refused it as expired or revoked. */
    public void invalidate(String value) {
        Token t = current;
        if (t != null && t.value().equals(value)) {
            current = null;
        }
    }

    private void refreshInBackground() {
        shared().subscribe().with(t -> {
        }, failure -> {
            // The old token stays in use until it expires; the next call after that tries again.
        });
    }

    private synchronized Uni<Token> shared() {
        Uni<Token> running = inFlight;
        if (running == null) {
            running = Uni.createFrom().<Token>deferred(fetch::get).onItemOrFailure().invoke((token, failure) -> done(token)).memoize()
                    .indefinitely();
            inFlight = running;
        }
        return running;
    }

    private synchronized void done(Token token) {
        inFlight = null;
        Instant now = clock.instant();
        if (token == null) {
            // A failed refresh is tried again after a pause, not by every call that follows.
            refreshAt = now.plus(RETRY_PAUSE);
            return;
        }
        current = token;
        Duration life = Duration.between(now, token.expiresAt());
        Duration ahead = life.dividedBy(2).compareTo(REFRESH_AHEAD) < 0 ? life.dividedBy(2) : REFRESH_AHEAD;
        refreshAt = token.expiresAt().minus(ahead);
    }
}
