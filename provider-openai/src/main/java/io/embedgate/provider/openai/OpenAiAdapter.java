package io.embedgate.provider.openai;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;

import io.embedgate.spi.InstanceSettings;
import io.embedgate.spi.ModelCapabilities;
import io.embedgate.spi.ProviderAdapter;
import io.embedgate.spi.ProviderClient;
import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import org.jboss.resteasy.reactive.client.api.QuarkusRestClientProperties;

/**
 * The OpenAI embeddings API, and any server speaking it (Azure's v1 route, vLLM, TEI, Ollama's
 * {@code /v1}). Base URL as in the SDKs, e.g. {@code https://api.openai.com/v1}.
 */
@ApplicationScoped
public class OpenAiAdapter implements ProviderAdapter {

    public static final String TYPE = "openai";

    /** reference/providers.md §1: 2048 inputs per request, 8192 tokens per input, token ids accepted. */
    private static final Map<String, ModelCapabilities> KNOWN = Map.of(
            "text-embedding-3-small", new ModelCapabilities(1536, 1, true, 2048, 8192, true, Set.of(), true),
            "text-embedding-3-large", new ModelCapabilities(3072, 1, true, 2048, 8192, true, Set.of(), true),
            "text-embedding-ada-002", new ModelCapabilities(1536, 1536, false, 2048, 8192, true, Set.of(), true));

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Optional<ModelCapabilities> knownModel(String upstreamModel) {
        return Optional.ofNullable(KNOWN.get(upstreamModel));
    }

    @Override
    public List<String> validate(InstanceSettings settings) {
        return settings.apiKey().isPresent() ? List.of() : List.of("no api-key configured");
    }

    @Override
    public ProviderClient connect(InstanceSettings settings) {
        String key = settings.apiKey().orElse("");
        OpenAiEmbeddingsApi api = QuarkusRestClientBuilder.newBuilder()
                .baseUri(settings.baseUrl())
                .connectTimeout(settings.connectTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .property(QuarkusRestClientProperties.CONNECTION_POOL_SIZE, settings.maxConnections())
                .property(QuarkusRestClientProperties.KEEP_ALIVE_ENABLED, true)
                // Error statuses come back as responses, so their bodies and headers can be mapped.
                .disableDefaultMapper(true)
                .register(new StaticHeaders(key.isEmpty() ? null : "Bearer " + key, settings.headers()))
                .build(OpenAiEmbeddingsApi.class);
        return new OpenAiClient(settings.name(), key, api);
    }
}
