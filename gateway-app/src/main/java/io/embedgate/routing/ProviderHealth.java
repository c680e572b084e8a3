package io.embedgate.routing;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.embedgate.catalog.Catalog;
import io.embedgate.config.GatewayConfig;
import io.embedgate.config.RoutingConfig;
import io.embedgate.spi.EmbeddingResult;
import io.embedgate.spi.UpstreamException;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;

/**
 * Health of each provider instance: a long-lived {@link CircuitBreaker} per instance (failures of the
 * provider count; a client's bad input does not) and a moving average of its latency. The router
 * orders candidates by it; it decides nothing else. Built at start-up, so a nonsensical breaker
 * setting fails the start.
 */
@Startup
@Singleton
public class ProviderHealth {

    private static final Logger LOG = Logger.getLogger(ProviderHealth.class);

    private final Map<String, CircuitBreaker> breakers;
    private final Map<String, Double> latencyMillis = new ConcurrentHashMap<>();

    private final MeterRegistry registry;

    @Inject
    public ProviderHealth(Catalog catalog, GatewayConfig config, MeterRegistry registry) {
        this.registry = registry;
        CircuitBreaker.Config cb = breakerConfig(config.routing().circuitBreaker());
        Map<String, CircuitBreaker> built = new HashMap<>();
        for (String name : catalog.instances().keySet()) {
            CircuitBreaker breaker = new CircuitBreaker(cb, System::nanoTime, s -> changed(name, s));
            built.put(name, breaker);
            Gauge.builder("embedgate.circuit.state", () -> breaker.state().ordinal())
                    .description("Circuit breaker per provider instance: 0 closed, 1 open, 2 half-open")
                    .tag("provider", name).register(registry);
            okTimers.put(name, upstreamTimer(name, "ok"));
        }
        this.breakers = Map.copyOf(built);
    }

    private static CircuitBreaker.Config breakerConfig(RoutingConfig.CircuitBreaker cb) {
        try {
            return new CircuitBreaker.Config(cb.requestVolume(), cb.failureRatio(), cb.window(), cb.delay(), cb.successThreshold());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("gateway.routing.circuit-breaker." + e.getMessage(), e);
        }
    }

    /** Provider-side failures open the breaker; rejected input and rate limits do not. */
    static boolean countsAsFailure(Throwable t) {
        if (!(t instanceof UpstreamException e)) {
            return true;
        }
        return switch (e.kind()) {
            case BAD_REQUEST, RATE_LIMITED, QUOTA_EXHAUSTED, GATEWAY_OVERLOADED -> false;
            default -> true;
        };
    }

    private void changed(String name, CircuitBreaker.State state) {
        if (state != CircuitBreaker.State.OPEN) {
            // A latency measured before the outage says nothing now, and a high one would order the
            // instance behind its peers, where it gets no probes and so never closes.
            latencyMillis.remove(name);
        }
        LOG.infof("Circuit breaker of provider '%s' is now %s", name, state);
    }

    /**
     * One upstream call through the instance's breaker; an open breaker fails fast. Every failure
     * comes out as an {@link UpstreamException}; latency and outcome are recorded here.
     */
    public Uni<EmbeddingResult> call(String instance, Supplier<Uni<EmbeddingResult>> call) {
        CircuitBreaker breaker = breakers.get(instance);
        if (breaker == null) {
            return measured(instance, call.get(), null, System.nanoTime());
        }
        // Admitted on subscription, not here: a Uni built and never subscribed must not hold a probe slot.
        return Uni.createFrom().deferred(() -> {
            long start = System.nanoTime();
            CircuitBreaker.Permit permit = breaker.tryAcquire();
            if (permit == null) {
                upstreamTimer(instance, "connection").record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                return Uni.createFrom().failure(new UpstreamException(instance, UpstreamException.Kind.CONNECTION, 0, null,
                        "circuit_open", "circuit breaker open after recent failures", false, null, null));
            }
            Uni<EmbeddingResult> upstream;
            try {
                upstream = call.get();
            } catch (RuntimeException e) {
                upstream = Uni.createFrom().failure(e);
            }
            // A client that hung up cancels the upstream call; the call then says nothing about the instance.
            return measured(instance, upstream, permit, start).onCancellation().invoke(permit::abandoned);
        });
    }

    private Uni<EmbeddingResult> measured(String instance, Uni<EmbeddingResult> upstream, CircuitBreaker.Permit permit, long start) {
        // One stage for both outcomes (each Mutiny stage costs a context capture); a failure is
        // returned as a failed Uni, as throwing here would wrap it in a CompositeException.
        return upstream.onItemOrFailure().transformToUni((result, failure) -> {
            long nanos = System.nanoTime() - start;
            if (failure == null) {
                if (permit != null) {
                    permit.succeeded();
                }
                Timer ok = okTimers.get(instance);
                (ok != null ? ok : upstreamTimer(instance, "ok")).record(nanos, TimeUnit.NANOSECONDS);
                recordLatency(instance, nanos);
                return Uni.createFrom().item(result);
            }
            if (permit != null) {
                if (countsAsFailure(failure)) {
                    permit.failed();
                } else {
                    permit.abandoned();
                }
            }
            UpstreamException e = failure instanceof UpstreamException u ? u : UpstreamException.connection(instance, failure);
            upstreamTimer(instance, e.kind().name().toLowerCase(Locale.ROOT)).record(nanos, TimeUnit.NANOSECONDS);
            return Uni.createFrom().failure(e);
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
     * ordered normally again, so its probes can happen and close the breaker. Asking moves a breaker
     * whose delay has passed to half-open, which forgets the instance's latency.
     */
    public boolean unhealthy(String instance) {
        CircuitBreaker breaker = breakers.get(instance);
        return breaker != null && breaker.refusing();
    }

    public CircuitBreaker.State state(String instance) {
        CircuitBreaker breaker = breakers.get(instance);
        return breaker == null ? CircuitBreaker.State.CLOSED : breaker.state();
    }

    /**
     * Exponentially weighted moving average of successful call latency (alpha 0.2), kept only while
     * the breaker is closed: a half-open instance stays unmeasured, ordered like a new one, until its
     * probes have closed the breaker.
     */
    public void recordLatency(String instance, long nanos) {
        CircuitBreaker breaker = breakers.get(instance);
        if (breaker != null && breaker.state() != CircuitBreaker.State.CLOSED) {
            return;
        }
        double ms = nanos / 1e6;
        latencyMillis.merge(instance, ms, (old, now) -> old * 0.8 + now * 0.2);
    }

    /** Recent latency in ms; 0 for an instance not yet measured, so new instances get tried. */
    public double latency(String instance) {
        return latencyMillis.getOrDefault(instance, 0.0);
    }
}
