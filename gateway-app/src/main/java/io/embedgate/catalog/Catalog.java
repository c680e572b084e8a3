package io.embedgate.catalog;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

import io.embedgate.api.ApiException;
import io.embedgate.config.GatewayConfig;
import io.embedgate.config.ModelConfig;
import io.embedgate.config.ProviderConfig;
import io.embedgate.spi.InputType;
import io.embedgate.spi.InstanceSettings;
import io.embedgate.spi.Matryoshka;
import io.embedgate.spi.ModelCapabilities;
import io.embedgate.spi.ProviderAdapter;
import io.quarkus.runtime.Startup;

/**
 * The provider instances and the model catalogue, built once at start-up from configuration and the
 * adapters on the class path. Configuration mistakes fail the start with a message naming the key.
 */
@Startup
@Singleton
public class Catalog {

    private static final Logger LOG = Logger.getLogger(Catalog.class);

    private final Map<String, ProviderInstance> instances = new LinkedHashMap<>();
    private final Map<String, String> disabled = new LinkedHashMap<>();
    /** Disabled instances that only a provider module's defaults configure: not worth a warning each. */
    private final List<String> unconfigured = new ArrayList<>();
    private final Map<String, CatalogModel> models = new TreeMap<>();
    private final GatewayConfig config;
    private final Map<String, ProviderAdapter> adapters = new LinkedHashMap<>();

    @Inject
    public Catalog(GatewayConfig config, @Any Instance<ProviderAdapter> adapterBeans) {
        this.config = config;
        for (ProviderAdapter a : adapterBeans) {
            adapters.put(a.type(), a);
        }
        config.providers().forEach((name, p) -> connect(name, p, adapters));
        if (!unconfigured.isEmpty()) {
            LOG.infof("Provider instances of the modules' defaults without a key or endpoint, not enabled: %s", unconfigured);
        }
        config.models().forEach((id, m) -> models.put(id, buildModel(id, m, adapters, config)));
        for (CatalogModel m : models.values()) {
            if (!m.available() && !m.unavailable().stream().allMatch(u -> unconfigured.contains(u.substring(0, u.indexOf(':'))))) {
                LOG.warnf("Model '%s' has no usable provider (%s): requests for it get 404", m.id(), String.join(", ", m.unavailable()));
            }
        }
        LOG.infof("Catalogue: %d provider instance(s) %s, %d model(s) available", instances.size(), instances.keySet(),
                models.values().stream().filter(CatalogModel::available).count());
    }

    private void connect(String name, ProviderConfig p, Map<String, ProviderAdapter> adapters) {
        if (name.contains("/")) {
            throw new IllegalStateException("gateway.providers." + name + ": a provider name must not contain '/'");
        }
        ProviderAdapter adapter = adapters.get(p.type());
        if (adapter == null) {
            throw new IllegalStateException("gateway.providers." + name + ".type=" + p.type()
                    + " is not a known provider type; known types: " + adapters.keySet());
        }
        if (!p.enabled()) {
            disabled.put(name, "disabled in configuration");
            return;
        }
        InstanceSettings settings = settings(name, p);
        List<String> problems = adapter.validate(settings);
        if (!problems.isEmpty()) {
            String why = String.join("; ", problems);
            disabled.put(name, why);
            if (fromModuleDefaults(name)) {
                unconfigured.add(name);
            } else {
                LOG.warnf("Provider instance '%s' (%s) is disabled: %s", name, p.type(), why);
            }
            return;
        }
        if (p.weight() <= 0) {
            throw new IllegalStateException("gateway.providers." + name + ".weight must be > 0");
        }
        if (p.requestsPerMinute().orElse(1) < 1 || p.tokensPerMinute().orElse(1) < 1) {
            throw new IllegalStateException("gateway.providers." + name + ".requests-per-minute and tokens-per-minute must be >= 1");
        }
        instances.put(name, new ProviderInstance(name, p.type(), p.alpha(), p.weight(), p.priority(), p.maxConcurrentCalls(),
                adapter.connect(settings), p.requestsPerMinute(), p.tokensPerMinute()));
    }

    /**
     * True when nothing but a provider module's microprofile-config.properties (ordinal 100) configures the
     * instance: a default the operator never touched, such as a hosted preset waiting for its key variable.
     */
    private static boolean fromModuleDefaults(String name) {
        var config = ConfigProvider.getConfig();
        for (String key : List.of("type", "base-url", "api-key", "preset")) {
            var value = config.getConfigValue("gateway.providers." + name + "." + key);
            if (value.getRawValue() != null && value.getSourceOrdinal() > 100) {
                return false;
            }
        }
        return true;
    }

    private static InstanceSettings settings(String name, ProviderConfig p) {
        return new InstanceSettings(name, p.type(), p.baseUrl(), p.apiKey(), p.headers(), p.connectTimeout(), p.maxConnections(),
                p.preset(), p.settings());
    }

    private CatalogModel buildModel(String id, ModelConfig m, Map<String, ProviderAdapter> adapters, GatewayConfig config) {
        String key = "gateway.models." + id;
        List<Candidate> candidates = new ArrayList<>();
        List<String> unavailable = new ArrayList<>();
        Optional<Matryoshka> matryoshka = m.matryoshka().map(r -> Matryoshka.fromWireName(r).orElseThrow(
                () -> new IllegalStateException(key + ".matryoshka=" + r + " is not a recipe; known: truncate, layer-norm")));
        Map<InputType, String> prefixes = inputPrefixes(key, m);
        ModelCapabilities first = null;
        for (String name : m.providers()) {
            ProviderConfig p = config.providers().get(name);
            if (p == null) {
                throw new IllegalStateException(key + ".providers names '" + name + "', which is not configured under gateway.providers");
            }
            String upstream = m.upstreamModels().getOrDefault(name, m.upstreamModel().orElse(id));
            ModelCapabilities caps = capabilities(key, upstream, m, adapters.get(p.type()), settings(name, p));
            if (first == null) {
                first = caps;
            } else if (caps.nativeDimensions() != first.nativeDimensions()) {
                throw new IllegalStateException(key + ": providers disagree on the model's size (" + first.nativeDimensions()
                        + " vs " + caps.nativeDimensions() + "); one model id must be one vector space");
            }
            ProviderInstance instance = instances.get(name);
            if (instance == null) {
                unavailable.add(name + ": " + disabled.getOrDefault(name, "not connected"));
            } else {
                candidates.add(new Candidate(instance, upstream, caps, matryoshka,
                        inputTypes(adapters.get(p.type()), settings(name, p), upstream, prefixes)));
            }
        }
        if (first == null) {
            throw new IllegalStateException(key + ".providers must name at least one provider instance");
        }
        return new CatalogModel(id, List.copyOf(candidates), List.copyOf(unavailable), first, prefixes,
                Price.of(key, m.pricePerMillionTokens(), m.priceAsOf()));
    }

    private static InputTypes inputTypes(ProviderAdapter adapter, InstanceSettings instance, String upstream,
            Map<InputType, String> prefixes) {
        Map<InputType, String> values = new EnumMap<>(InputType.class);
        if (adapter.inputTypeOption().isPresent()) {
            for (InputType t : InputType.values()) {
                adapter.inputTypeValue(instance, t, upstream).ifPresent(v -> values.put(t, v));
            }
        }
        return new InputTypes(adapter.inputTypeOption(), values, prefixes);
    }

    private static Map<InputType, String> inputPrefixes(String key, ModelConfig m) {
        Map<InputType, String> prefixes = new EnumMap<>(InputType.class);
        m.inputPrefixes().forEach((type, prefix) -> prefixes.put(InputType.fromWireName(type).orElseThrow(
                () -> new IllegalStateException(
                        key + ".input-prefixes." + type + " is not an input type; known: " + InputType.wireNames())),
                prefix));
        return Map.copyOf(prefixes);
    }

    /** The adapter's knowledge of the model, overridden by whatever the catalogue entry sets. */
    private static ModelCapabilities capabilities(String key, String upstream, ModelConfig m, ProviderAdapter adapter,
            InstanceSettings instance) {
        ModelCapabilities caps = adapter.knownModel(instance, upstream).orElse(null);
        if (caps == null) {
            if (m.dimensions().isEmpty()) {
                throw new IllegalStateException(key + ": provider type '" + adapter.type() + "' does not know model '" + upstream
                        + "'; set " + key + ".dimensions (and max-inputs-per-call, reducible-dimensions as needed)");
            }
            caps = ModelCapabilities.fixed(m.dimensions().getAsInt(), adapter.maxInputsPerCall(instance).orElse(2048));
        } else if (m.dimensions().isPresent()) {
            caps = caps.withNativeDimensions(m.dimensions().getAsInt());
        }
        if (m.reducibleDimensions().isPresent()) {
            caps = caps.withReducible(m.reducibleDimensions().get());
        }
        if (m.minDimensions().isPresent()) {
            caps = caps.withMinDimensions(m.minDimensions().getAsInt());
        }
        if (m.maxInputsPerCall().isPresent()) {
            caps = caps.withMaxInputsPerCall(m.maxInputsPerCall().getAsInt());
        }
        if (m.tokenIdInput().isPresent()) {
            caps = caps.withTokenIdInput(m.tokenIdInput().get());
        }
        if (m.matryoshka().isPresent()) {
            // The gateway shortens: any size from min-dimensions up to the native one.
            caps = caps.withReducible(true).withMinDimensions(m.minDimensions().orElse(1));
        }
        return caps;
    }

    /** Every model, available or not, by id. */
    public Map<String, CatalogModel> models() {
        return models;
    }

    public Map<String, ProviderInstance> instances() {
        return instances;
    }

    /** True when {@code name} is a configured provider instance (enabled or not) or an installed provider type. */
    public boolean knowsProvider(String name) {
        return config.providers().containsKey(name) || adapters.containsKey(name);
    }

    /** True when {@code name} is a configured provider instance name (enabled or not). */
    public boolean isInstance(String name) {
        return config.providers().containsKey(name);
    }

    /** The adapter of a provider type, if that type is installed. */
    public Optional<ProviderAdapter> adapter(String type) {
        return Optional.ofNullable(adapters.get(type));
    }

    /**
     * Resolves {@code text-embedding-3-small} (any provider serving it) or
     * {@code openai/text-embedding-3-small} (pinned to an instance name or provider type).
     * A full id is tried first, so catalogue ids that contain '/' keep working.
     */
    public ResolvedModel resolve(String requested) {
        CatalogModel model = models.get(requested);
        if (model != null) {
            return available(model, model.candidates(), Optional.empty(), requested);
        }
        int slash = requested.indexOf('/');
        if (slash > 0) {
            String provider = requested.substring(0, slash);
            model = models.get(requested.substring(slash + 1));
            if (model != null) {
                // An instance name pins that instance; otherwise a provider type pins every instance of it.
                boolean isInstance = config.providers().containsKey(provider);
                List<Candidate> pinned = model.candidates().stream()
                        .filter(c -> isInstance ? c.instance().name().equals(provider) : c.instance().type().equals(provider))
                        .toList();
                if (pinned.isEmpty() && instances.values().stream().noneMatch(i -> i.name().equals(provider) || i.type().equals(provider))
                        && !disabled.containsKey(provider)) {
                    throw ApiException.modelNotFound(requested, "Unknown provider '" + provider + "' in model '" + requested + "'.");
                }
                if (pinned.isEmpty() && model.unavailable().stream().noneMatch(u -> u.startsWith(provider + ":"))) {
                    throw ApiException.modelNotFound(requested, "Provider '" + provider + "' does not serve model '" + model.id()
                            + "' on this gateway.");
                }
                return available(model, pinned, Optional.of(provider), requested);
            }
        }
        throw ApiException.modelNotFound(requested, "The model '" + requested
                + "' does not exist on this gateway. GET /v1/models lists the available models.");
    }

    private static ResolvedModel available(CatalogModel model, List<Candidate> candidates, Optional<String> pinned, String requested) {
        if (candidates.isEmpty()) {
            throw ApiException.modelNotFound(requested,
                    "The model '" + requested + "' is not available: no provider serving it is configured"
                            + unavailableNote(model) + ".");
        }
        return new ResolvedModel(model, candidates, pinned);
    }

    private static String unavailableNote(CatalogModel model) {
        return model.unavailable().isEmpty() ? "" : " (configured but unavailable: " + String.join("; ", model.unavailable()) + ")";
    }

    @PreDestroy
    void close() {
        instances.values().forEach(i -> i.client().close());
    }
}
