package io.embedgate.health;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import io.embedgate.catalog.Catalog;
import io.embedgate.routing.ProviderHealth;

/**
 * Reports each provider instance's reachability (circuit breaker state, recent latency) under
 * {@code /q/health/ready}, with what the instance says of itself (an in-process model's load state).
 * Always UP: an upstream outage is the router's business (failover, fallbacks), and taking the gateway
 * out of rotation would only turn it into a total outage; nor does a local model still loading keep
 * the remote providers from serving.
 */
@Readiness
@ApplicationScoped
public class ProvidersReadiness implements HealthCheck {

    @Inject
    Catalog catalog;
    @Inject
    ProviderHealth health;

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder b = HealthCheckResponse.named("providers").up();
        catalog.instances().forEach((name, instance) -> {
            String state = health.state(name).name().toLowerCase(java.util.Locale.ROOT);
            double latency = health.latency(name);
            StringBuilder own = new StringBuilder();
            instance.client().status()
                    .forEach((what, how) -> own.append(own.length() == 0 ? "; " : ", ").append(what).append(' ').append(how));
            b.withData(name, instance.type() + ", circuit " + state
                    + (latency > 0 ? String.format(java.util.Locale.ROOT, ", recent latency %.1f ms", latency) : ", no call yet") + own);
        });
        return b.build();
    }
}
