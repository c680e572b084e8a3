package io.embedgate.provider.azure;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import io.embedgate.provider.support.OAuthTokenEndpoint;
import io.embedgate.spi.InstanceSettings;

/**
 * An app registration's client credentials for Microsoft Entra ID, from an instance's settings (named
 * after azure-identity's environment variables: {@code AZURE_TENANT_ID}, {@code AZURE_CLIENT_ID},
 * {@code AZURE_CLIENT_SECRET}, {@code AZURE_AUTHORITY_HOST}). {@link #toString()} never shows the secret.
 *
 * @param authority the authority host without a trailing slash, e.g. {@code https://login.microsoftonline.com}
 */
record EntraCredentials(String tenant, String clientId, String clientSecret, String authority, String scope) {

    static final String TENANT_ID = "tenant-id";
    static final String CLIENT_ID = "client-id";
    static final String CLIENT_SECRET = "client-secret";
    static final String AUTHORITY_HOST = "authority-host";
    static final String SCOPE = "scope";
    static final List<String> SETTINGS = List.of(TENANT_ID, CLIENT_ID, CLIENT_SECRET, AUTHORITY_HOST, SCOPE);
    static final String DEFAULT_AUTHORITY = "https://login.microsoftonline.com";
    static final String DEFAULT_SCOPE = "https://cognitiveservices.azure.com/.default";

    private static final String GUID = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";
    /** A tenant goes into the token URL's path: its id, or one of its verified domain names (contoso.onmicrosoft.com). */
    private static final Pattern TENANT = Pattern
            .compile(GUID + "|(?=.{4,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z]{2,63}");
    private static final Pattern CLIENT = Pattern.compile(GUID);
    private static final Pattern SCOPE_CHARS = Pattern.compile("[\\x21-\\x7e]{1,1024}");

    /** Whether any of the three credentials is set: the instance means to use Entra ID. */
    static boolean anySet(InstanceSettings settings) {
        return settings.setting(TENANT_ID).isPresent() || settings.setting(CLIENT_ID).isPresent()
                || settings.setting(CLIENT_SECRET).isPresent();
    }

    /**
     * What keeps these settings from working, each naming its setting in full; never a value (the
     * secret's least of all: a secret pasted into the wrong setting must not reach a log either).
     */
    static List<String> problems(InstanceSettings settings) {
        String prefix = "gateway.providers." + settings.name() + ".settings.";
        List<String> problems = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (String name : List.of(TENANT_ID, CLIENT_ID, CLIENT_SECRET)) {
            if (settings.setting(name).isEmpty()) {
                missing.add(prefix + name);
            }
        }
        if (!missing.isEmpty()) {
            problems.add("Entra ID client credentials are incomplete: " + String.join(", ", missing) + " not set");
        }
        settings.setting(TENANT_ID).map(String::trim).filter(t -> !TENANT.matcher(t).matches()).ifPresent(
                t -> problems.add(prefix + TENANT_ID + " must be a tenant id (a GUID) or a domain name such as contoso.onmicrosoft.com"));
        settings.setting(CLIENT_ID).map(String::trim).filter(c -> !CLIENT.matcher(c).matches())
                .ifPresent(c -> problems.add(prefix + CLIENT_ID + " must be an application (client) id, a GUID"));
        authorityProblem(settings.setting(AUTHORITY_HOST).orElse(DEFAULT_AUTHORITY))
                .ifPresent(p -> problems.add(prefix + AUTHORITY_HOST + p));
        String scope = settings.setting(SCOPE).orElse(DEFAULT_SCOPE).trim();
        if (!SCOPE_CHARS.matcher(scope).matches() || !scope.endsWith("/.default")) {
            problems.add(prefix + SCOPE + " must be a resource's /.default scope, e.g. " + DEFAULT_SCOPE);
        }
        return problems;
    }

    /** Why the authority host is unfit (https, or http on loopback for tests; no query), if it is. */
    private static Optional<String> authorityProblem(String value) {
        URI uri;
        try {
            uri = new URI(value.trim());
        } catch (URISyntaxException e) {
            return Optional.of(" is not a URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!uri.isAbsolute() || uri.getHost() == null || uri.getRawUserInfo() != null || uri.getRawQuery() != null
                || uri.getRawFragment() != null || !(scheme.equals("https") || scheme.equals("http"))) {
            return Optional.of(" must be an absolute https URL without query, e.g. " + DEFAULT_AUTHORITY);
        }
        if (scheme.equals("http") && !loopback(uri.getHost())) {
            // The client secret travels in the form body: never in clear text beyond this machine.
            return Optional.of(" must be https (plain http only on loopback)");
        }
        return Optional.empty();
    }

    private static boolean loopback(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return h.equals("localhost") || h.equals("[::1]") || h.equals("::1") || h.matches("127(\\.\\d{1,3}){3}");
    }

    /** The credentials of an instance whose {@link #problems} are none. */
    static EntraCredentials of(InstanceSettings settings) {
        String authority = settings.setting(AUTHORITY_HOST).orElse(DEFAULT_AUTHORITY).trim();
        while (authority.endsWith("/")) {
            authority = authority.substring(0, authority.length() - 1);
        }
        return new EntraCredentials(settings.setting(TENANT_ID).orElseThrow().trim(), settings.setting(CLIENT_ID).orElseThrow().trim(),
                settings.setting(CLIENT_SECRET).orElseThrow().trim(), authority, settings.setting(SCOPE).orElse(DEFAULT_SCOPE).trim());
    }

    /** {@code {authority}/{tenant}/oauth2/v2.0/token}. */
    URI tokenUrl() {
        return URI.create(authority + "/" + tenant + "/oauth2/v2.0/token");
    }

    /** The client-credentials grant's form body. */
    byte[] form() {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("grant_type", "client_credentials");
        f.put("client_id", clientId);
        f.put("client_secret", clientSecret);
        f.put("scope", scope);
        return OAuthTokenEndpoint.form(f);
    }

    @Override
    public String toString() {
        return "EntraCredentials[tenant=" + tenant + ", clientId=" + clientId + ", clientSecret=***, authority=" + authority + ", scope="
                + scope + "]";
    }
}
