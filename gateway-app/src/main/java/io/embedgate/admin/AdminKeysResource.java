package io.embedgate.admin;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.embedgate.api.ApiException;
import io.embedgate.auth.ApiKeys;
import io.embedgate.auth.KeySpec;
import io.embedgate.auth.KeySpecJson;
import io.embedgate.auth.RuntimeKeyStore;
import io.embedgate.auth.StoredKey;
import io.smallrye.mutiny.Uni;

/**
 * {@code /admin/keys}: gateway keys at run time. Create (the key is in that answer and never again),
 * list, read, change the policy, rotate and revoke. Keys from configuration are listed too, read-only.
 * Bodies are read strictly: an unknown field is a 400 naming it.
 */
@Path("/admin/keys")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "admin", description = "Needs 'Authorization: Bearer <admin credential>' (gateway.admin.key-sha256); gateway keys are refused.")
public class AdminKeysResource {

    /** The longest a rotated key keeps working beside its successor. */
    static final Duration MAX_GRACE = Duration.ofDays(7);

    @Inject
    KeyOperations operations;
    @Inject
    RuntimeKeyStore store;
    @Inject
    ApiKeys keys;

    @GET
    @Operation(summary = "Every gateway key: from configuration (read-only) and created at run time (revoked ones included)")
    @APIResponse(responseCode = "200", description = "{object: list, data: [gateway_key]}; never a key or its hash.")
    public Uni<ObjectNode> list() {
        Uni<List<StoredKey>> runtime = store.enabled() ? store.all().map(AdminKeysResource::parsed)
                .onFailure().transform(KeyOperations::unavailable)
                : Uni.createFrom().item(List.of());
        return runtime.map(stored -> {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            out.put("object", "list");
            ArrayNode data = out.putArray("data");
            keys.configured().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey())
                    .forEach(e -> data.add(configView(e.getKey(), e.getValue())));
            stored.stream().sorted(Comparator.comparing(StoredKey::id)).forEach(k -> data.add(view(k)));
            return out;
        });
    }

    @GET
    @Path("{id}")
    @Operation(summary = "One gateway key")
    @APIResponse(responseCode = "200", description = "The gateway_key.")
    @APIResponse(responseCode = "404", description = "No such key.")
    public Uni<ObjectNode> get(@PathParam("id") String id) {
        KeySpec configured = keys.configured().get(id);
        if (configured != null) {
            return Uni.createFrom().item(configView(id, configured));
        }
        return operations.get(id).map(AdminKeysResource::view);
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create a key: {id?, description?, policy?}; the answer's 'key' is shown this once")
    @APIResponse(responseCode = "201", description = "The gateway_key with its 'key'.")
    @APIResponse(responseCode = "400", description = "A field is invalid; error.param names it.")
    @APIResponse(responseCode = "409", description = "The id exists (or existed), or no shared Redis is configured.")
    public Uni<RestResponse<ObjectNode>> create(JsonNode body) {
        JsonNode b = object(body, Set.of("id", "description", "policy"));
        JsonNode id = b.get("id");
        if (id != null && !id.isNull() && !id.isTextual()) {
            throw ApiException.invalid("id", "id must be a string");
        }
        KeySpec spec = spec(b);
        return operations.create(id == null || id.isNull() ? Optional.empty() : Optional.of(id.asText()), spec)
                .map(issued -> RestResponse.status(RestResponse.Status.CREATED, issued(issued)));
    }

    @PUT
    @Path("{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Replace a runtime key's description and policy")
    @APIResponse(responseCode = "200", description = "The changed gateway_key.")
    @APIResponse(responseCode = "409", description = "The key is revoked or defined in configuration.")
    public Uni<ObjectNode> update(@PathParam("id") String id, JsonNode body) {
        JsonNode b = object(body, Set.of("id", "description", "policy"));
        if (b.has("id") && !id.equals(b.get("id").asText())) {
            throw ApiException.invalid("id", "id in the body must be the path's id, '" + id + "'; ids do not change.");
        }
        return operations.update(id, spec(b)).map(AdminKeysResource::view);
    }

    @POST
    @Path("{id}/rotate")
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "A new key for this id, shown once; {grace_seconds?}: how long the old key keeps working (default 0, at most 7 days)")
    @APIResponse(responseCode = "200", description = "The gateway_key with its new 'key'.")
    public Uni<ObjectNode> rotate(@PathParam("id") String id, JsonNode body) {
        JsonNode b = body == null || body.isNull() || body.isMissingNode() ? JsonNodeFactory.instance.objectNode()
                : object(body, Set.of("grace_seconds"));
        Duration grace = Duration.ZERO;
        JsonNode g = b.get("grace_seconds");
        if (g != null && !g.isNull()) {
            if (!g.isIntegralNumber() || !g.canConvertToLong() || g.longValue() < 0 || g.longValue() > MAX_GRACE.toSeconds()) {
                throw ApiException.invalid("grace_seconds",
                        "grace_seconds must be a whole number from 0 to " + MAX_GRACE.toSeconds() + ".");
            }
            grace = Duration.ofSeconds(g.longValue());
        }
        return operations.rotate(id, grace).map(AdminKeysResource::issued);
    }

    @DELETE
    @Path("{id}")
    @Operation(summary = "Revoke a runtime key (and its predecessor in a rotation's grace); its id is never reused")
    @APIResponse(responseCode = "200", description = "The revoked gateway_key.")
    public Uni<ObjectNode> revoke(@PathParam("id") String id) {
        return operations.revoke(id).map(AdminKeysResource::view);
    }

    private static KeySpec spec(JsonNode body) {
        try {
            return KeySpecJson.read(body.get("policy"), body.get("description"), "policy");
        } catch (KeySpec.Invalid e) {
            throw ApiException.invalid(e.field(), e.getMessage());
        }
    }

    /** The body as an object holding only these fields. */
    private static JsonNode object(JsonNode body, Set<String> fields) {
        if (body == null || !body.isObject()) {
            throw ApiException.invalid(null, "The body must be a JSON object.");
        }
        body.fieldNames().forEachRemaining(f -> {
            if (!fields.contains(f)) {
                throw ApiException.invalid(f,
                        "Unknown field " + f + "; expected " + String.join(", ", fields.stream().sorted().toList()) + ".");
            }
        });
        return body;
    }

    private static List<StoredKey> parsed(RuntimeKeyStore.Snapshot s) {
        List<StoredKey> out = new ArrayList<>();
        s.values().forEach((id, raw) -> {
            try {
                out.add(StoredKey.parse(raw));
            } catch (IllegalArgumentException e) {
                // Left out; RuntimeKeys logs it once.
            }
        });
        return out;
    }

    static ObjectNode view(StoredKey k) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("object", "gateway_key");
        n.put("id", k.id());
        n.put("source", "runtime");
        n.put("status", k.revoked() ? "revoked" : "active");
        k.spec().description().ifPresent(d -> n.put("description", d));
        n.put("created_at", k.createdAt().toString());
        k.rotatedAt().ifPresent(t -> n.put("rotated_at", t.toString()));
        k.revokedAt().ifPresent(t -> n.put("revoked_at", t.toString()));
        k.previousValidUntil().filter(t -> !k.revoked()).ifPresent(t -> n.put("previous_key_valid_until", t.toString()));
        n.set("policy", KeySpecJson.write(k.spec()));
        return n;
    }

    private static ObjectNode configView(String id, KeySpec spec) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("object", "gateway_key");
        n.put("id", id);
        n.put("source", "config");
        n.put("status", "active");
        n.set("policy", KeySpecJson.write(spec));
        return n;
    }

    private static ObjectNode issued(KeyOperations.Issued issued) {
        ObjectNode n = view(issued.key());
        n.put("key", issued.secret());
        return n;
    }
}
