package io.embedgate.api;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;

import io.embedgate.auth.AuthFilter;
import io.embedgate.usage.UsageCounters;
import io.embedgate.usage.UsageLedger;
import io.embedgate.usage.UsageRow;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /v1/usage}: the calling gateway key's own usage per UTC day and model, from the usage
 * ledger ({@link UsageLedger}).
 */
@Path("/v1/usage")
@Produces(MediaType.APPLICATION_JSON)
public class UsageResource {

    @Inject
    UsageLedger ledger;

    @RegisterForReflection
    @Schema(name = "Usage", description = "A gateway key's usage per UTC day and model.")
    public record Report(
            @Schema(enumeration = "usage", required = true) String object,
            @JsonProperty("key_id") @Schema(required = true, description = "The id of the gateway key the usage belongs to ('anonymous' "
                    + "with authentication off).") String keyId,
            @Schema(required = true, description = "First UTC day of the range (YYYY-MM-DD).") String start,
            @Schema(required = true, description = "Last UTC day of the range, included.") String end,
            @Schema(required = true, description = "One entry per day and model with usage, sorted by date then model.") List<Entry> data,
            @Schema(required = true, description = "The entries summed.") Totals total) {
    }

    @RegisterForReflection
    @Schema(name = "UsageEntry")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Entry(
            @Schema(required = true, description = "UTC day (YYYY-MM-DD).") String date,
            @Schema(required = true, description = "The public id of the model that answered.") String model,
            @Schema(required = true, description = "Successful answers.") long requests,
            @Schema(required = true, description = "Inputs in those answers.") long inputs,
            @Schema(required = true, description = "Tokens sent upstream (usage.prompt_tokens).") long tokens,
            @JsonProperty("cached_tokens") @Schema(required = true, description = "Tokens of the inputs served from the cache.") long cachedTokens,
            @JsonSerialize(using = PlainDecimal.class) @Schema(description = "USD at the model's list price; absent when the model has no "
                    + "price.") BigDecimal cost,
            @JsonProperty("cost_saved") @JsonSerialize(using = PlainDecimal.class) @Schema(description = "USD the cached inputs would have "
                    + "cost; absent when the model has no price.") BigDecimal costSaved) {
    }

    @RegisterForReflection
    @Schema(name = "UsageTotals")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Totals(
            long requests,
            long inputs,
            long tokens,
            @JsonProperty("cached_tokens") long cachedTokens,
            @JsonSerialize(using = PlainDecimal.class) @Schema(description = "USD of the priced models; absent when none has a price.") BigDecimal cost,
            @JsonProperty("cost_saved") @JsonSerialize(using = PlainDecimal.class) BigDecimal costSaved) {
    }

    @GET
    @APIResponse(responseCode = "200", description = "The key's usage per day and model.", content = @Content(mediaType = "application/json", schema = @Schema(implementation = Report.class)))
    @APIResponse(responseCode = "400", description = "A bad start, end or range; error.param names the parameter.", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "401", description = "Missing or unknown gateway key.", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "503", description = "The shared Redis holding the usage cannot be read right now.", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorBody.class)))
    public Uni<Report> usage(
            @Parameter(description = "First UTC day, YYYY-MM-DD; default: 29 days before end.") @QueryParam("start") String start,
            @Parameter(description = "Last UTC day, included, YYYY-MM-DD; default: today. At most 366 days from start.") @QueryParam("end") String end,
            @Parameter(description = "Only this model (its public id, as in the answers' model field).") @QueryParam("model") String model,
            RoutingContext rc) {
        String keyId = Optional.ofNullable(rc.<String>get(AuthFilter.KEY_ID)).orElse(UsageLedger.ANONYMOUS);
        UsageRange range = UsageRange.of(start, end);
        LocalDate first = range.start();
        LocalDate last = range.end();
        Optional<String> onlyModel = Optional.ofNullable(model).filter(m -> !m.isEmpty());
        return ledger.query(Optional.of(keyId), first, last, onlyModel)
                .onFailure(f -> !(f instanceof ApiException)).transform(UsageResource::unavailable)
                .map(rows -> report(keyId, first, last, rows));
    }

    /** The 503 for a ledger that cannot be read (its shared Redis is down or slow). */
    public static ApiException unavailable(Throwable cause) {
        return new ApiException(503, "server_error", "usage_unavailable", null,
                "The gateway cannot read the usage ledger right now; retry shortly.", Map.of("retry-after", "1"));
    }

    /** The answer for one key: its rows, and their sum. */
    public static Report report(String keyId, LocalDate first, LocalDate last, List<UsageRow> rows) {
        UsageCounters total = UsageCounters.ZERO;
        for (UsageRow r : rows) {
            total = total.plus(r.counters());
        }
        List<Entry> data = rows.stream().map(r -> {
            UsageCounters c = r.counters();
            return new Entry(r.date().toString(), r.model(), c.requests(), c.inputs(), c.tokens(), c.cachedTokens(), c.cost(),
                    c.costSaved());
        }).toList();
        return new Report("usage", keyId, first.toString(), last.toString(), data,
                new Totals(total.requests(), total.inputs(), total.tokens(), total.cachedTokens(), total.cost(), total.costSaved()));
    }
}
