package io.embedgate.provider.azure;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

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
 * Azure OpenAI: OpenAI's models behind a customer's deployments, at {@code https://{resource}.openai.azure.com}.
 * The catalogue's upstream model is the deployment name. Instance settings
 * ({@code gateway.providers.<name>.settings.*}): {@code api-version} (default {@value #DEFAULT_API_VERSION}),
 * {@code api} ({@code deployments}, the classic route, or {@code v1}), and {@code model.<deployment>} naming
 * the OpenAI model a deployment runs, so its capabilities are known (a deployment named after its model
 * needs none). Authorisation: the instance's {@code api-key} header when it has a key, else an Entra ID
 * token ({@code Authorization: Bearer}) from the client credentials {@code tenant-id}, {@code client-id},
 * {@code client-secret}, at {@code authority-host} (sovereign clouds), for {@code scope}: see
 * {@link EntraCredentials}.
 */
@ApplicationScoped
public class AzureAdapter implements ProviderAdapter {

    /** Quarkus' Vert.x instance: the HTTP client of every instance runs on its event loops. */
    @Inject
    Vertx vertx;

    public static final String TYPE = "azure-openai";
    static final String DEFAULT_API_VERSION = "2024-06-01";
    static final String API_VERSION = "api-version";
    static final String API = "api";
    static final String MODEL_OF = "model.";

    /**
     * The OpenAI models Azure deploys: 2048 inputs per call (legacy deployments 16: set the catalogue's
     * max-inputs-per-call), 8192 tokens per input, token ids accepted, OpenAI's sizes
     * (https://learn.microsoft.com/azure/ai-services/openai/how-to/embeddings).
     */
    static final Map<String, ModelCapabilities> KNOWN = Map.of(
            "text-embedding-3-small", azureModel(1536).reducibleFrom(1).build(),
            "text-embedding-3-large", azureModel(3072).reducibleFrom(1).build(),
            "text-embedding-ada-002", azureModel(1536).build());

    private static ModelCapabilities.Builder azureModel(int dimensions) {
        return ModelCapabilities.builder(dimensions).maxInputsPerCall(2048).maxTokensPerInput(8192).tokenIdInput();
    }

    @Override
    public String type() {
        return TYPE;
    }

    /** A deployment named after its model. */
    @Override
    public Map<String, ModelCapabilities> knownModels() {
        return KNOWN;
    }

    @Override
    public String describe() {
        return "Azure OpenAI: POST {base}/openai/deployments/{deployment}/embeddings?api-version=... (settings.api=deployments, the default) or POST {base}/openai/v1/embeddings (settings.api=v1), key in the api-key header, or without a key an Entra ID token as Authorization: Bearer (client credentials: settings.tenant-id, client-id, client-secret, authority-host, scope; POST {authority-host}/{tenant-id}/oauth2/v2.0/token)";
    }

    @Override
    public Optional<ModelCapabilities> knownModel(InstanceSettings instance, String deployment) {
        return Optional.ofNullable(KNOWN.get(instance.setting(MODEL_OF + deployment).orElse(deployment)));
    }

    @Override
    public List<String> validate(InstanceSettings settings) {
        List<String> problems = new ArrayList<>(UpstreamHttp.urlProblems(settings));
        if (settings.apiKey().isEmpty()) {
            // Without a key, Entra ID: complete, or the instance is disabled saying what is missing.
            if (!EntraCredentials.anySet(settings)) {
                problems.add("no api-key or Entra ID client credentials configured");
            } else {
                problems.addAll(EntraCredentials.problems(settings));
            }
        }
        String prefix = "gateway.providers." + settings.name() + ".settings.";
        settings.settings().forEach((key, value) -> {
            if (key.startsWith(MODEL_OF)) {
                if (!KNOWN.containsKey(value.trim())) {
                    problems.add(prefix + key + "=" + value + " is not an OpenAI embedding model Azure deploys; known: "
                            + String.join(", ", new TreeSet<>(KNOWN.keySet())));
                }
            } else if (!key.equals(API) && !key.equals(API_VERSION) && !EntraCredentials.SETTINGS.contains(key)) {
                problems.add(prefix + key + " is not a setting of type " + TYPE + "; known: api, api-version, model.<deployment>, "
                        + String.join(", ", EntraCredentials.SETTINGS));
            }
        });
        AzureWire.Route.of(settings.setting(API).orElse(null)).ifPresentOrElse(r -> {
        }, () -> problems.add(prefix + API + "=" + settings.setting(API).orElse("") + " must be deployments or v1"));
        return problems;
    }

    @Override
    public ProviderClient connect(InstanceSettings settings) {
        AzureWire.Route route = AzureWire.Route.of(settings.setting(API).orElse(null)).orElseThrow();
        HttpProviderClient.Wire wire = AzureWire.wire(route, settings.setting(API_VERSION).orElse(DEFAULT_API_VERSION));
        if (settings.apiKey().isEmpty()) {
            // Entra ID: the key header is never sent along with the bearer token.
            UpstreamHttp http = UpstreamHttp.connect(vertx, settings, UpstreamEndpoint.of(settings, Map.of()));
            return new HttpProviderClient(http, "", wire,
                    EntraToken.auth(vertx, settings, EntraCredentials.of(settings), Clock.systemUTC()));
        }
        String key = settings.apiKey().get();
        // Azure's key header; never Bearer, which Azure reserves for Entra ID tokens.
        UpstreamEndpoint endpoint = UpstreamEndpoint.of(settings, Map.of("api-key", key));
        return new HttpProviderClient(UpstreamHttp.connect(vertx, settings, endpoint), key, wire);
    }
}
