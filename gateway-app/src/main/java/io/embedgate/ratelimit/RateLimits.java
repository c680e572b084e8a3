package io.embedgate.ratelimit;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.embedgate.api.ApiException;
import io.embedgate.auth.KeyPolicy;
import io.embedgate.config.GatewayConfig;
import io.embedgate.redis.SharedRedis;
import io.embedgate.spi.EmbeddingInputs;
import io.embedgate.spi.TokenEstimate;
import io.smallrye.mutiny.Uni;

/**
 * The gateway keys' rate limits and budgets. With a shared Redis ({@code gateway.cache.redis.url}) the buckets
 * live there and every replica draws from the same ones, so replicas together admit exactly the
 * configured rate; without one, each process keeps its own. When Redis cannot be reached the gateway
 * fails open (each process on its own buckets meanwhile, a warning once per outage) or, with
 * {@code gateway.auth.rate-limits-fail-open=false}, closed (503).
 */
@Singleton
public class RateLimits {

    private static final Logger LOG = Logger.getLogger(RateLimits.class);

    private final LocalBuckets local = new LocalBuckets();
    private final LocalBudgets localBudgets = new LocalBudgets();
    /** Null without a shared Redis. */
    private final RedisBuckets shared;
    private final boolean failOpen;
    private final AtomicBoolean outage = new AtomicBoolean();

    @Inject
    public RateLimits(GatewayConfig config, SharedRedis redis) {
        this.shared = redis.enabled() ? new RedisBuckets(redis, redis.keyPrefix() + "ratelimit:") : null;
        this.failOpen = config.auth().rateLimitsFailOpen();
    }

    /** What a request of these inputs costs: one request, its inputs, its estimated tokens. */
    public static Rates.Cost cost(EmbeddingInputs inputs) {
        return new Rates.Cost(inputs.size(), TokenEstimate.usage(inputs));
    }

    /**
     * Checks the key's budgets and charges its buckets, or refuses the request: the admission carries
     * the headers for the response either way. Call only for a key with limits or budgets.
     */
    public Uni<Admission> admit(KeyPolicy key, Rates.Cost cost) {
        List<Rates.Dimension> dims = key.rates().dimensions(cost);
        List<Budgets.Limit> budgets = key.budgets().limits();
        long now = System.currentTimeMillis();
        LocalDate today = Budgets.today(now);
        if (shared == null) {
            return Uni.createFrom().item(locally(key, dims, budgets, today, now));
        }
        return shared.admit(key.keyId(), dims, budgets, today).invoke(a -> {
            if (outage.compareAndSet(true, false)) {
                LOG.info("Rate limits: the shared Redis answers again; the replicas share their buckets again");
            }
        }).onFailure().recoverWithItem(failure -> {
            if (outage.compareAndSet(false, true)) {
                LOG.warnf("Rate limits: the shared Redis cannot be reached (%s); %s until it answers", failure.getClass().getSimpleName(),
                        failOpen ? "each replica limits on its own buckets" : "rate-limited keys get 503");
            }
            if (!failOpen) {
                throw new ApiException(503, "server_error", "rate_limiter_unavailable", null,
                        "The gateway cannot check this key's rate limits right now; retry shortly.", java.util.Map.of("retry-after", "1"));
            }
            return locally(key, dims, budgets, today, System.currentTimeMillis());
        });
    }

    private Admission locally(KeyPolicy key, List<Rates.Dimension> dims, List<Budgets.Limit> budgets, LocalDate today, long now) {
        Admission over = localBudgets.check(key.keyId(), budgets, today);
        return over != null ? over : local.admit(key.keyId(), dims, now);
    }

    /**
     * After an answer: the provider's actual token count replaces the estimate charged at admission,
     * and what the answer spent (tokens sent upstream, their cost) counts against the key's budgets.
     * In the background.
     */
    public void settle(KeyPolicy key, long estimatedTokens, long actualTokens, BigDecimal cost) {
        // An answer from the cache spent nothing: no write at all.
        if (!key.budgets().none() && (actualTokens > 0 || cost != null && cost.signum() > 0)) {
            LocalDate today = Budgets.today(System.currentTimeMillis());
            if (shared == null || outage.get()) {
                localBudgets.spend(key.keyId(), today, actualTokens, cost);
            } else {
                shared.spend(key.keyId(), today, actualTokens, cost).subscribe().with(ok -> {
                }, failure -> localBudgets.spend(key.keyId(), today, actualTokens, cost));
            }
        }
        if (key.rates().tokensPerMinute().isEmpty() || actualTokens <= 0 || actualTokens == estimatedTokens) {
            return;
        }
        double refund = estimatedTokens - actualTokens;
        if (shared == null || outage.get()) {
            local.adjust(key.keyId(), "tokens", refund);
            return;
        }
        shared.adjust(key.keyId(), "tokens", refund).subscribe().with(ok -> {
        }, failure -> local.adjust(key.keyId(), "tokens", refund));
    }

    /** The 429 for a refused request, with the key's id and what to wait, or which budget is used up and when it resets. */
    public static ApiException refused(KeyPolicy key, Admission a) {
        if (a.exhausted() != null) {
            Budgets.Limit b = a.exhausted();
            LocalDate resets = b.period().resets(Budgets.today(System.currentTimeMillis()));
            return new ApiException(429, "insufficient_quota", "insufficient_quota", null, "Gateway key '" + key.keyId()
                    + "' has used its " + b.describe() + ": " + a.spent().stripTrailingZeros().toPlainString() + " spent; it resets at "
                    + resets + "T00:00:00Z.", a.headers());
        }
        String which = "";
        for (int i = 0; i < a.dimensions().size(); i++) {
            Rates.Dimension d = a.dimensions().get(i);
            if (a.remaining()[i] < d.cost() && a.remaining()[i] < d.limit()) {
                which = d.name() + " per minute (" + d.limit() + ")";
                break;
            }
        }
        return new ApiException(429, "rate_limit_exceeded", "rate_limit_exceeded", null, "Gateway key '" + key.keyId()
                + "' is over its rate limit" + (which.isEmpty() ? "" : " of " + which) + "; retry after " + a.waitMillis() + " ms.",
                a.headers());
    }
}
