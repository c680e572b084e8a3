package io.embedgate.spi;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What a provider reported about its rate limits on one reply (OpenAI's
 * {@code x-ratelimit-remaining-requests} and its kin): for requests and for tokens, how many are left,
 * the limit per minute, and how long until the allowance is back to the full limit. Every part is
 * optional: providers send different subsets, and a reply may carry none.
 */
public record ProviderQuota(Allowance requests, Allowance tokens) {

    /** A reply that said nothing about limits. */
    public static final ProviderQuota NONE = new ProviderQuota(Allowance.UNKNOWN, Allowance.UNKNOWN);

    public ProviderQuota {
        Objects.requireNonNull(requests, "requests");
        Objects.requireNonNull(tokens, "tokens");
    }

    /** True when neither allowance says how much is left. */
    public boolean empty() {
        return requests.remaining().isEmpty() && tokens.remaining().isEmpty();
    }

    /**
     * One allowance.
     *
     * @param remaining how many are left now
     * @param limit     the limit per minute (RPM or TPM)
     * @param reset     the time until the allowance is back to its limit
     */
    public record Allowance(OptionalLong remaining, OptionalLong limit, Optional<Duration> reset) {

        public static final Allowance UNKNOWN = new Allowance(OptionalLong.empty(), OptionalLong.empty(), Optional.empty());

        public Allowance {
            Objects.requireNonNull(remaining, "remaining");
            Objects.requireNonNull(limit, "limit");
            Objects.requireNonNull(reset, "reset");
        }
    }
}
