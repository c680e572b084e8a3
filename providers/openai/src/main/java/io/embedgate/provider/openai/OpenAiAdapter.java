package io.embedgate.provider.openai;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.embedgate.provider.support.HttpProviderClient;
import io.embedgate.provider.support.UpstreamEndpoint;
import io.embedgate.provider.support.UpstreamHttp;
import io.embedgate.spi.InstanceSettings;
import io.embedgate.spi.ModelCapabilities;
import io.embedgate.spi.ProviderAdapter;
import io.embedgate.spi.ProviderClient;
import io.vertx.core.Vertx;

/**
 * The OpenAI embeddings API, and any server speaking it (Azure's v1 route, vLLM, TEI, Ollama's
 * {@code /v1}). Base URL as in the SDKs, e.g. {@code https://api.openai.com/v1}.
 */
@ApplicationScoped
public class OpenAiAdapter implements ProviderAdapter {

    /** Quarkus' Vert.x instance: the HTTP client of every instance runs on its event loops. */
    @Inject
    Vertx vertx;

    public static final String TYPE = "openai";

    /**
     * 2048 inputs and 300k tokens per request, 8192 tokens per input, token ids accepted
     * (https://platform.openai.com/docs/api-reference/embeddings).
     */
    private static final Map<String, ModelCapabilities> KNOWN = Map.of(
            "text-embedding-3-small", openAiModel(1536).reducibleFrom(1).build(),
            "text-embedding-3-large", openAiModel(3072).reducibleFrom(1).build(),
            "text-embedding-ada-002", openAiModel(1536).build());

    private static ModelCapabilities.Builder openAiModel(int dimensions) {
        return ModelCapabilities.builder(dimensions).maxInputsPerCall(2048).maxTokensPerCall(300_000).maxTokensPerInput(8192)
                .tokenIdInput();
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Map<String, ModelCapabilities> knownModels() {
        return KNOWN;
    }

    @Override
    public String describe() {
        return "OpenAI embeddings API, POST {base}/embeddings, and any server that speaks it";
    }

    @Override
    public Optional<ModelCapabilities> knownModel(String upstreamModel) {
        return Optional.ofNullable(KNOWN.get(upstreamModel));
    }

    @Override
    public List<String> validate(InstanceSettings settings) {
        return UpstreamHttp.problems(settings);
    }

    @Override
    public ProviderClient connect(InstanceSettings settings) {
        String key = settings.apiKey().orElse("");
        UpstreamEndpoint endpoint = UpstreamEndpoint.of(settings, key.isEmpty() ? Map.of() : Map.of("Authorization", "Bearer " + key));
        return new HttpProviderClient(UpstreamHttp.connect(vertx, settings, endpoint), key, OpenAiWire.WIRE);
    }
}
