package io.embedgate.provider.support;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import jakarta.ws.rs.client.ClientRequestFilter;

import org.jboss.resteasy.reactive.client.api.QuarkusRestClientProperties;

import io.embedgate.spi.InstanceSettings;
import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;

/** Builds the REST client of one provider instance: its own pool, timeouts and static headers. */
public final class ProviderRestClients {

    private ProviderRestClients() {
    }

    /** What a remote instance cannot do without: a base URL and a key (for {@code ProviderAdapter.validate}). */
    public static List<String> problems(InstanceSettings settings) {
        List<String> problems = new ArrayList<>(2);
        if (settings.baseUrl().isEmpty()) {
            problems.add("no base-url configured");
        }
        if (settings.apiKey().isEmpty()) {
            problems.add("no api-key configured");
        }
        return problems;
    }

    /** The client of an instance, sending the endpoint's static headers (computed once) on every call. */
    public static <T> T build(InstanceSettings settings, UpstreamEndpoint endpoint, Class<T> api) {
        Map<String, String> fixed = Map.copyOf(endpoint.headers());
        return QuarkusRestClientBuilder.newBuilder()
                .baseUri(UpstreamEndpoint.baseUrl(settings))
                .connectTimeout(settings.connectTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .property(QuarkusRestClientProperties.CONNECTION_POOL_SIZE, settings.maxConnections())
                .property(QuarkusRestClientProperties.KEEP_ALIVE_ENABLED, true)
                // Error statuses come back as responses, so adapters can map their bodies and headers.
                .disableDefaultMapper(true)
                .register((ClientRequestFilter) request -> fixed.forEach(request.getHeaders()::putSingle))
                .build(api);
    }
}
