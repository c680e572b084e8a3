package io.embedgate.provider.ollama;

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
import io.embedgate.spi.OptionSpec;
import io.embedgate.spi.ProviderAdapter;
import io.embedgate.spi.ProviderClient;
import io.vertx.core.Vertx;

/**
 * Ollama's native API ({@code POST /api/embed}). A server without a size parameter here: a
 * Matryoshka model is declared in the catalogue ({@code matryoshka}) and shortened by the gateway, and
 * its text prefixes ({@code input-prefixes}) are how {@code embedding_options.input_type} reaches it,
 * since Ollama has no input-type knob. Options, from {@code embedding_options.ollama}:
 * {@code truncate} and {@code keep_alive}.
 */
@ApplicationScoped
public class OllamaAdapter implements ProviderAdapter {

    /** Quarkus' Vert.x instance: the HTTP client of every instance runs on its event loops. */
    @Inject
    Vertx vertx;

    public static final String TYPE = "ollama";
    static final String TRUNCATE = "truncate";
    static final String KEEP_ALIVE = "keep_alive";

    /**
     * Ollama takes any number of inputs in one call, but answers them as one runner batch and one JSON
     * body: 512 keeps a reply of 1024-dimension vectors near 10 MB and lets the gateway's chunks of a
     * large request overlap on a server with several parallel slots.
     */
    static final int MAX_INPUTS = 512;

    /**
     * The library models by their Ollama name; a tag other than {@code latest} may be another size
     * (snowflake-arctic-embed:22m is 384), so it needs its catalogue {@code dimensions}. Vectors are
     * L2-normalised by the server; the context is the model's.
     */
    private static final Map<String, ModelCapabilities> KNOWN = Map.of(
            "nomic-embed-text", ollama(768, 8192),
            "all-minilm", ollama(384, 512),
            "mxbai-embed-large", ollama(1024, 512),
            "bge-m3", ollama(1024, 8192),
            "snowflake-arctic-embed", ollama(1024, 512),
            "snowflake-arctic-embed2", ollama(1024, 8192),
            "bge-large", ollama(1024, 512),
            "paraphrase-multilingual", ollama(768, 512),
            "embeddinggemma", ollama(768, 2048));

    private static ModelCapabilities ollama(int dimensions, int context) {
        return ModelCapabilities.builder(dimensions).maxInputsPerCall(MAX_INPUTS).maxTokensPerInput(context).build();
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
        return "Ollama native API: POST {base}/api/embed (no key locally; Bearer for ollama.com); Ollama has no input-type option, so models use text prefixes";
    }

    @Override
    public Optional<ModelCapabilities> knownModel(String upstreamModel) {
        String name = upstreamModel.endsWith(":latest") ? upstreamModel.substring(0, upstreamModel.length() - ":latest".length())
                : upstreamModel;
        return Optional.ofNullable(KNOWN.get(name));
    }

    /** Ollama's own options, declared once: validation, the OpenAPI schema and the docs come from here. */
    static final List<OptionSpec> OPTIONS = List.of(
            OptionSpec.bool(TRUNCATE).describe("Cut inputs longer than the context (Ollama's default); false makes them a 400."),
            OptionSpec.text(KEEP_ALIVE).describe("How long the model stays loaded after the call, e.g. 5m, 1h, 0 (Ollama's duration)."));

    @Override
    public List<OptionSpec> options() {
        return OPTIONS;
    }

    /** A local server needs no key; one set (ollama.com) is sent as a Bearer token. */
    @Override
    public List<String> validate(InstanceSettings settings) {
        return UpstreamHttp.urlProblems(settings);
    }

    @Override
    public ProviderClient connect(InstanceSettings settings) {
        String key = settings.apiKey().orElse("");
        UpstreamEndpoint endpoint = UpstreamEndpoint.of(settings, key.isEmpty() ? Map.of() : Map.of("Authorization", "Bearer " + key));
        return new HttpProviderClient(UpstreamHttp.connect(vertx, settings, endpoint), key, OllamaWire.WIRE);
    }
}
