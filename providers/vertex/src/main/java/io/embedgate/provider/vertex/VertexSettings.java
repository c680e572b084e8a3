package io.embedgate.provider.vertex;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import io.embedgate.provider.support.UpstreamHttp;
import io.embedgate.spi.InstanceSettings;

/**
 * One Vertex instance's own settings, resolved and checked: the project and location its calls go to,
 * the base URL (the regional endpoint unless one is configured) and its credentials. Problems name the
 * setting, never a credential's value.
 */
record VertexSettings(String project, String location, InstanceSettings instance, Credentials credentials) {

    static final String PROJECT = "project";
    static final String LOCATION = "location";
    static final String CREDENTIALS_FILE = "credentials-file";
    static final String CREDENTIALS_JSON = "credentials-json";
    static final String ACCESS_TOKEN = "access-token";
    static final String DEFAULT_LOCATION = "us-central1";

    /** A key file is a few KB; anything much larger is not one. */
    private static final long MAX_KEY_FILE = 64 * 1024;
    private static final Pattern LOCATION_NAME = Pattern.compile("[a-z][a-z0-9-]{0,62}");
    /** Printable ASCII without spaces: what may follow {@code Bearer } in a header. */
    private static final Pattern TOKEN_CHARS = Pattern.compile("[\\x21-\\x7e]{1,16384}");

    /** How calls are authorised. Neither variant prints its secret. */
    sealed interface Credentials {
    }

    /** An access token obtained elsewhere (metadata server, gcloud), sent as is until it expires. */
    record AccessToken(String value) implements Credentials {

        @Override
        public String toString() {
            return "AccessToken[***]";
        }
    }

    /** A service account key, exchanged for tokens as needed. */
    record ServiceAccount(ServiceAccountKey key, String setting) implements Credentials {
    }

    /** The settings, or what is wrong with them. */
    record Resolved(Optional<VertexSettings> settings, List<String> problems) {
    }

    /**
     * Reads the instance's settings (the default instance's come from the environment through the
     * module's defaults file). Credentials, first found wins: {@code settings.access-token} (the most
     * specific: a token fetched for this instance), then {@code settings.credentials-json}, then
     * {@code settings.credentials-file} (GOOGLE_APPLICATION_CREDENTIALS, often inherited).
     */
    static Resolved resolve(InstanceSettings s) {
        List<String> problems = new ArrayList<>();
        Credentials credentials = credentials(s, problems);
        String location = s.setting(LOCATION).map(String::trim).orElse(DEFAULT_LOCATION);
        if (!LOCATION_NAME.matcher(location).matches()) {
            problems.add("settings.location '" + location + "' is not a Vertex location (e.g. us-central1, europe-west4, global)");
        }
        String project = s.setting(PROJECT)
                .or(() -> credentials instanceof ServiceAccount sa ? Optional.ofNullable(sa.key().projectId()) : Optional.empty())
                .map(String::trim).orElse(null);
        if (project == null || project.isBlank()) {
            problems.add("no settings.project configured (VERTEX_PROJECT or GOOGLE_CLOUD_PROJECT)");
        }
        InstanceSettings instance = s.baseUrl().isPresent() ? s : s.withBaseUrl(Optional.of(regionalEndpoint(location)));
        problems.addAll(UpstreamHttp.urlProblems(instance));
        if (!problems.isEmpty() || credentials == null) {
            return new Resolved(Optional.empty(), problems);
        }
        return new Resolved(Optional.of(new VertexSettings(project, location, instance, credentials)), List.of());
    }

    /** {@code https://{location}-aiplatform.googleapis.com}; the global location has no prefix. */
    static URI regionalEndpoint(String location) {
        return URI.create("global".equals(location) ? "https://aiplatform.googleapis.com"
                : "https://" + location + "-aiplatform.googleapis.com");
    }

    private static Credentials credentials(InstanceSettings s, List<String> problems) {
        Optional<String> token = s.setting(ACCESS_TOKEN);
        Optional<String> json = s.setting(CREDENTIALS_JSON);
        Optional<String> file = s.setting(CREDENTIALS_FILE);
        if (token.isPresent()) {
            String t = token.get().trim();
            if (!TOKEN_CHARS.matcher(t).matches()) {
                problems.add("settings.access-token is not a printable token");
                return null;
            }
            return new AccessToken(t);
        }
        if (json.isPresent()) {
            return serviceAccount(json.get(), "settings.credentials-json", problems);
        }
        if (file.isPresent()) {
            String path = file.get().trim();
            String content;
            try {
                Path p = Path.of(path);
                if (Files.size(p) > MAX_KEY_FILE) {
                    problems.add("settings.credentials-file " + path + " is too large to be a service account key");
                    return null;
                }
                content = Files.readString(p, StandardCharsets.UTF_8);
            } catch (IOException | RuntimeException e) {
                problems.add("settings.credentials-file " + path + " cannot be read (" + e.getClass().getSimpleName() + ")");
                return null;
            }
            return serviceAccount(content, "settings.credentials-file " + path, problems);
        }
        problems.add("no credentials configured: settings.access-token (VERTEX_ACCESS_TOKEN), settings.credentials-json "
                + "(VERTEX_CREDENTIALS_JSON) or settings.credentials-file (GOOGLE_APPLICATION_CREDENTIALS)");
        return null;
    }

    private static Credentials serviceAccount(String json, String setting, List<String> problems) {
        try {
            return new ServiceAccount(ServiceAccountKey.parse(json), setting);
        } catch (ServiceAccountKey.InvalidKey e) {
            problems.add(setting + " " + e.getMessage());
            return null;
        }
    }
}
