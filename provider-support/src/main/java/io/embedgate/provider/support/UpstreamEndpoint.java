package io.embedgate.provider.support;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

import io.embedgate.spi.InstanceSettings;

/**
 * Where one provider instance's calls go and the static headers they carry (configured ones plus
 * the key header). Built once per instance; used to build its {@link UpstreamHttp} client and to report each
 * exchange to a debug {@link io.embedgate.spi.WireTap}.
 */
public record UpstreamEndpoint(String provider, String baseUrl, Map<String, String> headers) {

    public static UpstreamEndpoint of(InstanceSettings settings, Map<String, String> authHeaders) {
        Map<String, String> headers = new LinkedHashMap<>(settings.headers());
        headers.putAll(authHeaders);
        headers.put("User-Agent", "embedgate");
        String base = baseUrl(settings).toString();
        return new UpstreamEndpoint(settings.name(), base.endsWith("/") ? base.substring(0, base.length() - 1) : base,
                java.util.Collections.unmodifiableMap(headers));
    }

    /** The base URL of a remote instance; its adapter's validate() has already disabled one without. */
    static URI baseUrl(InstanceSettings settings) {
        return settings.baseUrl().orElseThrow(() -> new IllegalStateException(settings.name() + ": no base-url configured"));
    }

    /** The full URL of a path under the base URL, e.g. {@code /embeddings}. */
    public String url(String path) {
        return baseUrl + path;
    }

    @Override
    public String toString() {
        // Headers carry the key: never print them.
        return "UpstreamEndpoint[" + provider + " " + baseUrl + "]";
    }
}
