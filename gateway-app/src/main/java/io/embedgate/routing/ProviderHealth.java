package io.embedgate.routing;

import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import jakarta.enterprise.util.TypeLiteral;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.jboss.logging.Logger;

import io.embedgate.catalog.Catalog;
import io.embedgate.config.GatewayConfig;
import io.embedgate.spi.EmbeddingResult;
import io.embedgate.spi.UpstreamException;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import io.smallrye.faulttolerance.api.Guard;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniSubscription;

/**
 * Health of each provider instance: a long-lived SmallRye Fault Tolerance circuit breaker per
 * instance (failures of the provider count; a client's bad input does not) and a moving average of
 * its latency. The router orders candidates by it; it decides nothing else.
 */
@Singleton
public class ProviderHealth {

    private static final Logger LOG = Logger.getLogger(ProviderHealth.class);
    private static final TypeLiteral<Uni<EmbeddingResult>> RESULT = new TypeLiteral<>() {
    };

    private final Map<String, Guard> breakers = new ConcurrentHashMap<>();
    private final Map<String, CircuitBreakerState> states = new ConcurrentHashMap<>();
    private final Map<String, Long> openedAt = new ConcurrentHashMap<>();
    private final Map<String, Double> latencyMillis = new ConcurrentHashMap<>();
    private final long delayNanos;

    private final MeterRegistry registry;

    @Inject
    public ProviderHealth(Catalog catalog, GatewayConfig config, MeterRegistry registry) {
        this.registry = registry;
        GatewayConfig.Routing.CircuitBreaker cb = config.routing().circuitBreaker();
        this.delayNanos = cb.delay().toNanos();
        for (String name : catalog.instances().keySet()) {
            states.put(name, CircuitBreakerState.CLOSED);
            Gauge.builder("embedgate.circuit.state", () -> states.get(name).ordinal())
                    .description("Circuit breaker per provider instance: 0 closed, 1 open, 2 half-open")
                    .tag("provider", name).register(registry);
            okTimers.put(name, upstreamTimer(name, "ok"));
            breakers.put(name, Guard.create()
                    .withCircuitBreaker()
                    .requestVolumeThreshold(cb.requestVolume())
                    .failureRatio(cb.failureRatio())
                    .delay(cb.delay().toMillis(), ChronoUnit.MILLIS)
                    .successThreshold(cb.successThreshold())
                    .when(ProviderHealth::countsAsFailure)
                    .onStateChange(s -> changed(name, s))
                    .done()
                    // The guarded call is already non-blocking: offloading it would add an event-loop hop per call.
                    .withThreadOffload(false)
                    .build());
        }
    }

    /** Provider-side failures open the breaker; rejected input and rate limits do not. */
    static boolean countsAsFailure(Throwable t) {
        if (!(t instanceof UpstreamException e)) {
            return true;
        }
        return switch (e.kind()) {
            case BAD_REQUEST, RATE_LIMITED, QUOTA_EXHAUSTED -> false;
            default -> true;
        };
    }

    private void changed(String name, CircuitBreakerState state) {
        states.put(name, state);
        if (state == CircuitBreakerState.OPEN) {
            openedAt.put(name, System.nanoTime());
        }
        LOG.infof("Circuit breaker of provider '%s' is now %s", name, state);
    }

    /**
     * One upstream call through the instance's breaker; an open breaker fails fast. Every failure
     * comes out as an {@link UpstreamException}; latency and outcome are recorded here.
     */
    public Uni<EmbeddingResult> call(String instance, Supplier<Uni<EmbeddingResult>> call) {
        Guard guard = breakers.get(instance);
        long start = System.nanoTime();
        Uni<EmbeddingResult> guarded = guard == null ? call.get() : cancellable(guard, call);
        // One stage for both outcomes (each Mutiny stage costs a context capture); a failure is
        // returned as a failed Uni, as throwing here would wrap it in a CompositeException.
        return guarded.onItemOrFailure().transformToUni((result, failure) -> {
            long nanos = System.nanoTime() - start;
            if (failure == null) {
                Timer ok = okTimers.get(instance);
                (ok != null ? ok : upstreamTimer(instance, "ok")).record(nanos, TimeUnit.NANOSECONDS);
                recordLatency(instance, nanos);
                return Uni.createFrom().item(result);
            }
            UpstreamException e = failure instanceof UpstreamException u ? u
                    : failure instanceof CircuitBreakerOpenException ? new UpstreamException(instance, UpstreamException.Kind.CONNECTION, 0,
                            null, "circuit_open", "circuit breaker open after recent failures", false, null, failure)
                    : UpstreamException.connection(instance, failure);
            upstreamTimer(instance, e.kind().name().toLowerCase(Locale.ROOT)).record(nanos, TimeUnit.NANOSECONDS);
            return Uni.createFrom().failure(e);
        });
    }

    /**
     * The guarded call, cancellable. The guard subscribes to the call's Uni on a subscription of its
     * own and does not pass a cancellation on, so when the caller cancels (a client that hung up) the
     * upstream request would run on and its answer be read and dropped. This keeps the inner
     * subscription and cancels it, which resets the upstream request. The guard only holds a breaker,
     * so the call is subscribed while the outer Uni is, before anyone can cancel it.
     */
    private static Uni<EmbeddingResult> cancellable(Guard guard, Supplier<Uni<EmbeddingResult>> call) {
        AtomicReference<UniSubscription> inner = new AtomicReference<>();
        return guard.get(() -> call.get().onSubscription().invoke(inner::set), RESULT).onCancellation().invoke(() -> {
            UniSubscription s = inner.get();
            if (s != null) {
                s.cancel();
            }
        });
    }

    private final Map<String, Timer> upstreamTimers = new ConcurrentHashMap<>();
    /** The success timer of every instance, looked up without building a key on each call. */
    private final Map<String, Timer> okTimers = new ConcurrentHashMap<>();

    /** Upstream latency by instance and outcome; built once per label pair. */
    private Timer upstreamTimer(String instance, String outcome) {
        return upstreamTimers.computeIfAbsent(instance + '\u0000' + outcome, k -> Timer.builder("embedgate.upstream.duration")
                .description("Upstream call latency by provider instance and outcome").publishPercentileHistogram()
                .tag("provider", instance).tag("outcome", outcome).register(registry));
    }

    /**
     * True while the breaker is open and its delay has not passed. After the delay the instance is
     * ordered normally again, so the breaker's trial call can happen and close it.
     */
    public boolean unhealthy(String instance) {
        if (states.get(instance) != CircuitBreakerState.OPEN) {
            return false;
        }
        Long since = openedAt.get(instance);
        return since == null || System.nanoTime() - since < delayNanos;
    }

    public CircuitBreakerState state(String instance) {
        return states.getOrDefault(instance, CircuitBreakerState.CLOSED);
    }

    /** Exponentially weighted moving average of successful call latency (alpha 0.2). */
    public void recordLatency(String instance, long nanos) {
        double ms = nanos / 1e6;
        latencyMillis.merge(instance, ms, (old, now) -> old * 0.8 + now * 0.2);
    }

    /** Recent latency in ms; 0 for an instance not yet measured, so new instances get tried. */
    public double latency(String instance) {
        return latencyMillis.getOrDefault(instance, 0.0);
    }
}
