package io.embedgate.spi;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Configuration of one provider instance, e.g. {@code openai} or {@code openai-eu}.
 *
 * @param name           the instance name used in routing, logs and errors
 * @param type           the adapter type
 * @param baseUrl        the upstream base URL; nothing a client sends can change it. Empty for
 *                       providers that call no upstream (the in-process model); remote adapters
 *                       report its absence from {@link ProviderAdapter#validate}
 * @param apiKey         the provider key; never logged, never returned
 * @param headers        extra static headers sent upstream (e.g. {@code OpenAI-Project})
 * @param connectTimeout TCP connect timeout
 * @param maxConnections size of this instance's connection pool on each event loop
 * @param preset         a named bundle of defaults the adapter knows (an OpenAI-compatible host's
 *                       URL, auth style, models and quirks); what is set explicitly wins
 * @param settings       the adapter's own instance settings (e.g. Azure's {@code api-version}),
 *                       from {@code gateway.providers.<name>.settings.*}
 */
public record InstanceSettings(
        String name,
        String type,
        Optional<URI> baseUrl,
        Optional<String> apiKey,
        Map<String, String> headers,
        Duration connectTimeout,
        int maxConnections,
        Optional<String> preset,
        Map<String, String> settings) {

    public InstanceSettings(String name, String type, Optional<URI> baseUrl, Optional<String> apiKey, Map<String, String> headers,
            Duration connectTimeout, int maxConnections) {
        this(name, type, baseUrl, apiKey, headers, connectTimeout, maxConnections, Optional.empty(), Map.of());
    }

    public InstanceSettings {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        baseUrl = baseUrl == null ? Optional.empty() : baseUrl;
        apiKey = apiKey == null ? Optional.empty() : apiKey.filter(k -> !k.isBlank());
        headers = headers == null ? Map.of() : Map.copyOf(headers);
        preset = preset == null ? Optional.empty() : preset.filter(p -> !p.isBlank());
        settings = settings == null ? Map.of() : Map.copyOf(settings);
        connectTimeout = connectTimeout == null ? Duration.ofSeconds(5) : connectTimeout;
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections must be >= 1");
        }
    }

    /** The same instance with another base URL (a preset's, when none is configured). */
    public InstanceSettings withBaseUrl(Optional<URI> url) {
        return new InstanceSettings(name, type, url, apiKey, headers, connectTimeout, maxConnections, preset, settings);
    }

    /** The same instance with other extra headers. */
    public InstanceSettings withHeaders(Map<String, String> h) {
        return new InstanceSettings(name, type, baseUrl, apiKey, h, connectTimeout, maxConnections, preset, settings);
    }

    /** A setting of the adapter's own ({@code gateway.providers.<name>.settings.<key>}). */
    public Optional<String> setting(String key) {
        return Optional.ofNullable(settings.get(key)).filter(v -> !v.isBlank());
    }

    @Override
    public String toString() {
        // The key must never reach a log line, even through toString().
        return "InstanceSettings[name=" + name + ", type=" + type + ", baseUrl=" + baseUrl.map(URI::toString).orElse("<none>")
                + ", apiKey=" + (apiKey.isPresent() ? "***" : "<none>") + preset.map(p -> ", preset=" + p).orElse("") + "]";
    }
}
