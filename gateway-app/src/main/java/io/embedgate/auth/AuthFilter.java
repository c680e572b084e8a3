package io.embedgate.auth;

import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import io.embedgate.api.ApiException;
import io.embedgate.api.ErrorResponses;
import io.embedgate.config.GatewayConfig;
import io.vertx.ext.web.RoutingContext;

/**
 * Every {@code /v1} route needs {@code Authorization: Bearer <gateway key>}. Runs before route
 * matching, so unknown {@code /v1} paths are not revealed to unauthenticated callers. Health and
 * metrics live under {@code /q} and stay open.
 */
public class AuthFilter {

    /** Request property and routing-context key holding the authenticated key's id. */
    public static final String KEY_ID = "embedgate.key-id";

    @Inject
    ApiKeys keys;
    @Inject
    GatewayConfig config;

    @ServerRequestFilter(preMatching = true)
    public Response authenticate(ContainerRequestContext request, RoutingContext rc) {
        String path = request.getUriInfo().getPath();
        if (!(path.equals("/v1") || path.startsWith("/v1/") || path.startsWith("/v2/"))) {
            return null;
        }
        if (!config.auth().enabled()) {
            return null;
        }
        String header = request.getHeaderString("Authorization");
        if (header == null || header.isBlank()) {
            return ErrorResponses.of(new ApiException(401, "invalid_request_error", null, null,
                    "Missing gateway key: send 'Authorization: Bearer <key>'.", null));
        }
        if (header.length() < 8 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return ErrorResponses.of(new ApiException(401, "invalid_request_error", "invalid_api_key", null,
                    "The Authorization header must be 'Bearer <key>'.", null));
        }
        var id = keys.authenticate(header.substring(7).trim());
        if (id.isEmpty()) {
            return ErrorResponses.of(new ApiException(401, "invalid_request_error", "invalid_api_key", null,
                    "Incorrect gateway key provided.", null));
        }
        request.setProperty(KEY_ID, id.get());
        rc.put(KEY_ID, id.get());
        return null;
    }
}
