package io.embedgate.routing;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

import org.jboss.logging.Logger;

import io.embedgate.catalog.Candidate;
import io.embedgate.debug.Trace;
import io.embedgate.spi.Deadline;
import io.embedgate.spi.EmbeddingCall;
import io.embedgate.spi.EmbeddingResult;
import io.embedgate.spi.UpstreamException;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;

/**
 * One upstream call through the instance's circuit breaker, retried per the request's retry policy:
 * exponential backoff with full jitter, or the provider's retry-after, never past the deadline. Each
 * attempt is a step of the debug trace; what each reply says of the provider's rate limits (and a
 * 429) goes to {@link Headroom}.
 */
final class UpstreamAttempts {

    /** The router's category: routing debug output stays in one place for operators. */
    private static final Logger LOG = Logger.getLogger(EmbeddingRouter.class);

    private final ProviderHealth health;
    private final Headroom headroom;
    private final MeterRegistry registry;

    UpstreamAttempts(ProviderHealth health, Headroom headroom, MeterRegistry registry) {
        this.health = health;
        this.headroom = headroom;
        this.registry = registry;
    }

    /**
     * @param chunk  index of this call's chunk of the request (for the trace)
     * @param offset index of the chunk's first input in the request (for the trace)
     */
    Uni<EmbeddingResult> call(Candidate c, EmbeddingCall call, RoutingPolicy.RetryPolicy retry, Trace trace, int chunk, int offset) {
        return attempt(c, call, retry, trace, chunk, offset, 0);
    }

    private Uni<EmbeddingResult> attempt(Candidate c, EmbeddingCall call, RoutingPolicy.RetryPolicy retry, Trace trace, int chunk,
            int offset, int attempt) {
        String provider = c.instance().name();
        Deadline deadline = call.deadline();
        Duration remaining = deadline.remaining();
        if (remaining.isZero()) {
            return Uni.createFrom().failure(UpstreamException.timeout(provider, Duration.ZERO));
        }
        Trace.Attempt traced = trace.active()
                ? trace.attempt(provider, call.upstreamModel(), chunk, offset, offset + call.inputs().size(), attempt + 1)
                : null;
        EmbeddingCall sent = trace.on() ? call.withTap(traced) : call;
        // Few operators on purpose: each Mutiny stage captures and restores context on the hot path.
        Uni<EmbeddingResult> one = health.call(provider, () -> c.instance().client().embed(sent)
                .ifNoItem().after(remaining).on(Timers.executor()).failWith(() -> UpstreamException.timeout(provider, remaining)));
        one = one.invoke(r -> {
            headroom.reported(provider, r.quota());
            if (traced != null) {
                traced.done(r, null);
            }
        });
        return one.onFailure(UpstreamException.class).recoverWithUni(t -> {
            UpstreamException e = (UpstreamException) t;
            if (e.kind() == UpstreamException.Kind.RATE_LIMITED && e.httpStatus() == 429) {
                headroom.rateLimited(provider, e.retryAfter(), e.quota());
            } else {
                headroom.reported(provider, e.quota());
            }
            Duration delay = attempt < retry.count() && retryable(e, retry) ? backoff(retry, attempt, e) : null;
            boolean retrying = delay != null && delay.compareTo(deadline.remaining()) < 0;
            if (traced != null) {
                if (retrying) {
                    traced.retryIn(delay);
                }
                traced.done(null, e);
            }
            if (!retrying) {
                return Uni.createFrom().failure(e);
            }
            LOG.debugf("retrying %s in %d ms after %s (attempt %d of %d)", provider, delay.toMillis(), e.kind(), attempt + 2,
                    retry.count() + 1);
            registry.counter("embedgate.retries", "provider", provider).increment();
            if (delay.toMillis() < 1) {
                // "Retry now" (a zero or past retry-after, or a backoff that rounded to zero):
                // Mutiny's delay takes only positive durations.
                return attempt(c, call, retry, trace, chunk, offset, attempt + 1);
            }
            return Uni.createFrom().voidItem().onItem().delayIt().onExecutor(Timers.executor()).by(delay)
                    .chain(() -> attempt(c, call, retry, trace, chunk, offset, attempt + 1));
        });
    }

    /** Retried: the policy's status codes and connection failures, unless the provider says retrying is pointless. */
    static boolean retryable(UpstreamException e, RoutingPolicy.RetryPolicy retry) {
        if (!e.retryable() || e.kind() == UpstreamException.Kind.TIMEOUT) {
            return false;
        }
        return e.httpStatus() > 0 ? retry.onCodes().contains(e.httpStatus()) : e.kind() == UpstreamException.Kind.CONNECTION;
    }

    /**
     * Full-jitter exponential backoff (random in [0, min(max, initial * 2^attempt)]), or the provider's
     * retry-after when it gives one; null when the provider asks to wait longer than allowed.
     */
    static Duration backoff(RoutingPolicy.RetryPolicy retry, int attempt, UpstreamException e) {
        if (e.retryAfter().isPresent()) {
            Duration asked = e.retryAfter().get();
            return asked.compareTo(retry.maxRetryAfter()) > 0 ? null : asked;
        }
        long cap = Math.min(retry.max().toNanos(), retry.initial().toNanos() << Math.min(attempt, 20));
        return Duration.ofNanos((long) (ThreadLocalRandom.current().nextDouble() * cap));
    }
}
