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
 */
public record InstanceSettings(
        String name,
        String type,
        Optional<URI> baseUrl,
        Optional<String> apiKey,
        Map<String, String> headers,
        Duration connectTimeout,
        int maxConnections) {

    public InstanceSettings {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        baseUrl = baseUrl == null ? Optional.empty() : baseUrl;
        apiKey = apiKey == null ? Optional.empty() : apiKey.filter(k -> !k.isBlank());
        headers = headers == null ? Map.of() : Map.copyOf(headers);
        connectTimeout = connectTimeout == null ? Duration.ofSeconds(5) : connectTimeout;
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections must be >= 1");
        }
    }

    @Override
    public String toString() {
        // The key must never reach a log line, even through toString().
        return "InstanceSettings[name=" + name + ", type=" + type + ", baseUrl=" + baseUrl.map(URI::toString).orElse("<none>")
                + ", apiKey=" + (apiKey.isPresent() ? "***" : "<none>") + "]";
    }
}
