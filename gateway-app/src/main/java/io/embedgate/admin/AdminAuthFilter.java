package io.embedgate.admin;

import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Locale;

import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import io.embedgate.api.ApiException;
import io.embedgate.api.ErrorResponses;
import io.embedgate.auth.StoredKey;
import io.embedgate.config.GatewayConfig;

/**
 * Every {@code /admin} route needs {@code Authorization: Bearer <admin credential>}: its own secret,
 * configured as a SHA-256 like the gateway keys. A gateway key never opens the admin API (whatever its
 * policy), and the admin credential is not a gateway key. Without a configured credential the admin
 * API is off. Runs before route matching, so unauthenticated callers learn nothing about its routes.
 */
public class AdminAuthFilter {

    private final byte[] adminHash;

    @Inject
    public AdminAuthFilter(GatewayConfig config) {
        String hex = config.admin().keySha256().map(s -> s.trim().toLowerCase(Locale.ROOT)).filter(s -> !s.isEmpty()).orElse(null);
        if (hex != null && !hex.matches("[0-9a-f]{64}")) {
            throw new IllegalStateException("gateway.admin.key-sha256 must be 64 hex characters (the SHA-256 of the admin credential)");
        }
        this.adminHash = hex == null ? null : HexFormat.of().parseHex(hex);
    }

    @ServerRequestFilter(preMatching = true)
    public Response authenticate(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        if (!(path.equals("/admin") || path.startsWith("/admin/"))) {
            return null;
        }
        if (adminHash == null) {
            return ErrorResponses.of(new ApiException(403, "permission_error", "admin_disabled", null,
                    "The admin API is off: set gateway.admin.key-sha256 to the SHA-256 of an admin credential.", null));
        }
        String header = request.getHeaderString("Authorization");
        if (header == null || header.length() < 8 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return ErrorResponses.of(new ApiException(401, "invalid_request_error", "invalid_admin_key", null,
                    "The admin API needs 'Authorization: Bearer <admin credential>'.", null));
        }
        byte[] presented = HexFormat.of().parseHex(StoredKey.hash(header.substring(7).trim()));
        if (!MessageDigest.isEqual(adminHash, presented)) {
            return ErrorResponses.of(new ApiException(401, "invalid_request_error", "invalid_admin_key", null,
                    "Incorrect admin credential provided; gateway keys do not open the admin API.", null));
        }
        return null;
    }
}
