package io.embedgate.admin;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.embedgate.api.ApiException;
import io.embedgate.api.ErrorBody;
import io.embedgate.api.UsageRange;
import io.embedgate.api.UsageResource;
import io.embedgate.usage.UsageLedger;
import io.embedgate.usage.UsageRow;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;

/**
 * {@code GET /admin/usage}: every key's usage (or one key's) per UTC day and model, in the shape of
 * {@code GET /v1/usage}, one report per key.
 */
@Path("/admin/usage")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "admin")
public class AdminUsageResource {

    @Inject
    UsageLedger ledger;

    @RegisterForReflection
    @Schema(name = "AdminUsage", description = "Usage of every gateway key with any in the range, one report per key, sorted by key id.")
    public record Reports(@Schema(enumeration = "list", required = true) String object, @Schema(required = true) String start,
            @Schema(required = true) String end, @Schema(required = true) List<UsageResource.Report> data) {
    }

    @GET
    @APIResponse(responseCode = "200", description = "One usage report per key.", content = @Content(mediaType = "application/json", schema = @Schema(implementation = Reports.class)))
    @APIResponse(responseCode = "400", description = "A bad parameter; error.param names it.", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "401", description = "Not the admin credential.", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "503", description = "The shared Redis holding the usage cannot be read right now.", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorBody.class)))
    public Uni<Reports> usage(@Parameter(description = "Only this key's usage.") @QueryParam("key_id") String keyId,
            @Parameter(description = "First UTC day, YYYY-MM-DD; default: 29 days before end.") @QueryParam("start") String start,
            @Parameter(description = "Last UTC day, included; default: today; at most 366 days from start.") @QueryParam("end") String end,
            @Parameter(description = "Only this model (its public id).") @QueryParam("model") String model) {
        UsageRange range = UsageRange.of(start, end);
        Optional<String> key = Optional.ofNullable(keyId).filter(k -> !k.isEmpty());
        if (key.isPresent() && key.get().length() > 256) {
            throw ApiException.invalid("key_id", "key_id is at most 256 characters.");
        }
        LocalDate first = range.start();
        LocalDate last = range.end();
        return ledger.query(key, first, last, Optional.ofNullable(model).filter(m -> !m.isEmpty()))
                .onFailure(f -> !(f instanceof ApiException)).transform(UsageResource::unavailable)
                .map(rows -> {
                    Map<String, List<UsageRow>> byKey = new TreeMap<>();
                    rows.forEach(r -> byKey.computeIfAbsent(r.keyId(), k -> new ArrayList<>()).add(r));
                    List<UsageResource.Report> reports = new ArrayList<>(byKey.size());
                    byKey.forEach((id, its) -> reports.add(UsageResource.report(id, first, last, its)));
                    return new Reports("list", first.toString(), last.toString(), reports);
                });
    }
}
