package io.embedgate.api;

import java.math.BigDecimal;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.jboss.resteasy.reactive.RestResponse;

import io.embedgate.auth.ApiKeys;
import io.embedgate.auth.AuthFilter;
import io.embedgate.auth.KeyPolicy;
import io.embedgate.cache.CachedEmbeddings;
import io.embedgate.catalog.Catalog;
import io.embedgate.catalog.CatalogModel;
import io.embedgate.catalog.Price;
import io.embedgate.debug.DebugSettings;
import io.embedgate.debug.Redactor;
import io.embedgate.debug.Trace;
import io.embedgate.limits.MemoryBudget;
import io.embedgate.limits.MemoryEstimate;
import io.embedgate.limits.ResponseSizeLimit;
import io.embedgate.observability.RequestRecord;
import io.embedgate.ratelimit.RateLimits;
import io.embedgate.ratelimit.Rates;
import io.embedgate.routing.EmbeddingJob;
import io.embedgate.routing.Routed;
import io.embedgate.usage.UsageLedger;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code POST /v1/embeddings} (OpenAI-compatible) and {@code POST /v2/gateway/embeddings} (same body
 * and answer, so their responses are documented once, on the class).
 */
@APIResponse(responseCode = "200", description = "One embedding per input, in input order.", content = @Content(mediaType = "application/json", schema = @Schema(implementation = EmbeddingsResponseSchema.class)))
@APIResponse(responseCode = "400", description = "Invalid request; error.param names the field.", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorBody.class)))
@APIResponse(responseCode = "401", description = "Missing or unknown gateway key.", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorBody.class)))
@APIResponse(responseCode = "403", description = "The gateway key may not use debug, this model or its providers (model_not_allowed).", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorBody.class)))
@APIResponse(responseCode = "404", description = "Unknown model, or no usable provider for it.", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorBody.class)))
@APIResponse(responseCode = "413", description = "Request body too large.", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorBody.class)))
@APIResponse(responseCode = "429", description = "A provider is rate limiting (retry-after passed on).", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorBody.class)))
@APIResponse(responseCode = "502", description = "Every provider tried failed; the message names the provider, never its key.", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorBody.class)))
@APIResponse(responseCode = "504", description = "The request's deadline passed.", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorBody.class)))
@Path("/")
public class EmbeddingsResource {

    /** Names the provider instance that produced the vectors. */
    public static final String PROVIDER_HEADER = "x-embedgate-provider";
    /** USD for what this request sent upstream, at the model's list price; absent when the price is unknown. */
    public static final String COST_HEADER = "x-embedgate-cost-usd";
    /** Names the upstream model the provider used. */
    public static final String UPSTREAM_MODEL_HEADER = "x-embedgate-upstream-model";
    /** With the cache on: how many inputs were served from it and how many distinct inputs were sent upstream. */
    public static final String CACHE_HEADER = "x-embedgate-cache";
    /** Present ("true") when the provider reported no token counts and usage is the gateway's estimate. */
    public static final String USAGE_ESTIMATED_HEADER = "x-embedgate-usage-estimated";

    @Inject
    RequestValidator validator;
    @Inject
    ResponseSizeLimit responseSize;
    @Inject
    CachedEmbeddings embeddings;
    @Inject
    ApiKeys keys;
    @Inject
    Redactor redactor;
    @Inject
    DebugJson debugJson;
    @Inject
    Tracer tracer;
    @Inject
    MemoryBudget budget;
    @Inject
    RateLimits rateLimits;
    @Inject
    Catalog catalog;
    @Inject
    UsageLedger usage;

    @POST
    @Path("v1/embeddings")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<RestResponse<EmbeddingsResponse>> create(EmbeddingRequest request, RoutingContext rc) {
        return embed(request, rc);
    }

    @POST
    @Path("v2/gateway/embeddings")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<RestResponse<EmbeddingsResponse>> gateway(EmbeddingRequest request, RoutingContext rc) {
        return embed(request, rc);
    }

    private Uni<RestResponse<EmbeddingsResponse>> embed(EmbeddingRequest request, RoutingContext rc) {
        RequestRecord record = RequestRecord.of(rc);
        record.model = request == null ? null : request.model(); // logged even when the request is rejected
        String keyId = rc.get(AuthFilter.KEY_ID);
        Trace trace = trace(request, keyId);
        KeyPolicy key = keys.policy(keyId);
        EmbeddingJob validated = validator.validate(request, trace, key);
        trace.mark("validation");
        record.model = validated.model().model().id();
        record.inputs = validated.inputs().size();
        record.orqName = validated.attribution().name().orElse(null);
        record.contactId = validated.attribution().contactId().orElse(null);
        responseSize.checkBeforeRouting(validated);
        if (!key.limited()) {
            return budgeted(request, rc, record, key, trace, validated, null);
        }
        // One round trip to the shared buckets, waited for beside the cache's lookup; the headers go on
        // every response of a limited key. Nothing is answered or sent upstream before it admits.
        Rates.Cost cost = RateLimits.cost(validated.inputs());
        Uni<Void> admission = rateLimits.admit(key, cost).map(a -> {
            if (!a.allowed()) {
                throw RateLimits.refused(key, a);
            }
            a.headers().forEach(rc.response()::putHeader);
            return (Void) null;
        });
        return budgeted(request, rc, record, key, trace, validated, admission).invoke(response -> rateLimits.settle(key,
                cost.tokens(), response.getEntity().usage().promptTokens(), response.getEntity().cost()));
    }

    /** Admits the request into the memory budget (waiting for room if need be), then serves it. */
    private Uni<RestResponse<EmbeddingsResponse>> budgeted(EmbeddingRequest request, RoutingContext rc, RequestRecord record, KeyPolicy key,
            Trace trace, EmbeddingJob validated, Uni<Void> admission) {
        long need = MemoryEstimate.of(validated) + responseSize.heldWhole(validated);
        if (need > 2 * budget.capacity()) {
            throw new ApiException(413, "invalid_request_error", "request_too_large", "input", "This request would hold about "
                    + (need >> 20) + " MB in memory at once; this gateway allows at most " + (2 * budget.capacity() >> 20)
                    + " MB per request (twice gateway.limits.max-inflight-bytes). Split the inputs over several requests.", null);
        }
        MemoryBudget.Permit now = budget.tryAdmit(need);
        if (now != null) {
            return admitted(request, rc, record, key, trace, validated, now, admission);
        }
        return budget.admit(need, validated.deadline().remaining())
                .onItem().transformToUni(permit -> admitted(request, rc, record, key, trace, validated, permit, admission));
    }

    /**
     * Serves a request that holds its share of the memory budget. The share is given back when both
     * the response is over (sent, failed or abandoned) and the work behind it is done.
     */
    private Uni<RestResponse<EmbeddingsResponse>> admitted(EmbeddingRequest request, RoutingContext rc, RequestRecord record, KeyPolicy key,
            Trace trace, EmbeddingJob validated, MemoryBudget.Permit permit, Uni<Void> admission) {
        String keyId = key.keyId(); // the policy read once per request: a runtime key changed meanwhile holds from the next one
        EmbeddingJob job = validated.withMemory(permit);
        AtomicBoolean responseOver = new AtomicBoolean();
        Runnable responseDone = () -> {
            if (responseOver.compareAndSet(false, true)) {
                permit.release();
            }
        };
        rc.addEndHandler(end -> responseDone.run());
        if (rc.response().ended() || rc.response().closed()) {
            responseDone.run(); // over before the handler was added (the client hung up while the request waited)
        }
        boolean base64 = "base64".equals(request.encodingFormat());
        Uni<RestResponse<EmbeddingsResponse>> answer = embeddings
                .embed(job, keyId == null ? "" : keyId, key.cachePartitioned(), admission)
                .onTermination().invoke(permit::release).map(a -> {
                    Routed r = a.routed();
                    record.model = r.model();
                    record.promptTokens = r.usage().promptTokens();
                    record.cachedTokens = a.cachedTokens();
                    record.cacheHits = a.consulted() ? a.hits() : -1;
                    record.usageEstimated = r.usage().estimated();
                    if (trace.spans()) {
                        trace.annotate(r.model(), r.provider(), r.upstreamModel(), job.inputs().size(), a.consulted() ? a.hits() : -1);
                    }
                    byte[] debug = trace.on() ? debugJson.debug(trace, rc, request, job, a) : null;
                    Optional<Price> price = Optional.ofNullable(catalog.models().get(r.model())).flatMap(CatalogModel::price);
                    BigDecimal cost = price.map(p -> p.cost(r.usage().promptTokens())).orElse(null);
                    BigDecimal saved = a.consulted() ? price.map(p -> p.cost(a.cachedTokens())).orElse(null) : null;
                    record.cost = cost;
                    record.costSaved = saved;
                    usage.record(keyId, r.model(), job.inputs().size(), r.usage().promptTokens(), a.consulted() ? a.cachedTokens() : 0,
                            cost, saved);
                    var response = RestResponse.ResponseBuilder.ok(new EmbeddingsResponse(r.embeddings(), r.model(), r.usage(),
                            a.consulted() ? a.cachedTokens() : null, base64, debug, cost, saved))
                            .header(PROVIDER_HEADER, r.provider())
                            .header(UPSTREAM_MODEL_HEADER, r.upstreamModel());
                    if (r.usage().estimated()) {
                        response.header(USAGE_ESTIMATED_HEADER, "true");
                    }
                    if (cost != null) {
                        response.header(COST_HEADER, cost.toPlainString());
                    }
                    if (a.consulted()) {
                        response.header(CACHE_HEADER, "hits=" + a.hits() + "; misses=" + a.sent());
                    }
                    return response.build();
                });
        if (trace.spans()) {
            answer = answer.onFailure().invoke(t -> trace.annotate(job.model().model().id(), null, null, job.inputs().size(), -1));
        }
        // A failed request keeps its trace: the error envelope carries it (see ErrorMappers).
        return trace.on() ? answer.onFailure().transform(t -> new DebuggedFailure(t, debugJson.failed(trace, rc, request, job))) : answer;
    }

    /**
     * The request's trace: a debug object when the client asked for one (403 when its gateway key
     * may not use debug), spans when OpenTelemetry traces this request (its server span is valid).
     */
    private Trace trace(EmbeddingRequest request, String keyId) {
        DebugSettings settings = request == null ? null : DebugFlags.of(request.debug());
        boolean traced = Span.current().getSpanContext().isValid();
        if (settings == null) {
            return traced ? new Trace(null, redactor, tracer, Context.current()) : Trace.OFF;
        }
        if (!keys.debugAllowed(keyId)) {
            throw new ApiException(403, "permission_error", "debug_not_allowed", "debug",
                    "This gateway key may not use debug; the gateway operator can allow it with gateway.auth.keys." + keyId
                            + ".debug-allowed=true.",
                    null);
        }
        return new Trace(settings, redactor, traced ? tracer : null, traced ? Context.current() : null);
    }
}
