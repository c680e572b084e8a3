package io.embedgate.api;

import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.embedgate.cache.CachedEmbeddings;
import io.embedgate.catalog.Catalog;
import io.embedgate.catalog.ProviderInstance;
import io.embedgate.debug.Trace;
import io.embedgate.routing.EmbeddingJob;
import io.embedgate.routing.Routed;
import io.vertx.ext.web.RoutingContext;

/**
 * Renders the response's {@code debug} object: what the API knows (request id, models, embedding
 * space, cache, option mapping, usage) in front of what the router recorded in the {@link Trace}.
 */
@Singleton
public class DebugJson {

    private final ObjectMapper json;
    private final Catalog catalog;

    @Inject
    public DebugJson(ObjectMapper json, Catalog catalog) {
        this.json = json;
        this.catalog = catalog;
    }

    /** The debug object of a successful response, as JSON bytes for the streaming writer. */
    byte[] debug(Trace trace, RoutingContext rc, EmbeddingRequest request, EmbeddingJob job, CachedEmbeddings.Answer a) {
        Routed r = a.routed();
        Map<String, Object> head = head(rc, request, job);
        head.put("model", r.model());
        head.put("provider", r.provider());
        head.put("upstream_model", r.upstreamModel());
        ProviderInstance served = catalog.instances().get(r.provider());
        head.put("options", options(job, served == null ? null : served.type()));
        Map<String, Object> cache = new LinkedHashMap<>();
        cache.put("enabled", a.consulted());
        if (a.consulted()) {
            cache.put("ttl_ms", job.cacheTtl().map(java.time.Duration::toMillis).orElse(null));
            cache.put("hits", a.hits());
            cache.put("misses", job.inputs().size() - a.hits());
            cache.put("sent_upstream", a.sent());
            cache.put("cached_tokens", a.cachedTokens());
        }
        head.put("cache", cache);
        head.put("usage", Map.of("prompt_tokens", r.usage().promptTokens(), "estimated", r.usage().estimated()));
        try {
            return json.writeValueAsBytes(trace.render(head));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("debug trace is not serialisable", e);
        }
    }

    /** The debug object of a failed request (routing ran, no answer). */
    Map<String, Object> failed(Trace trace, RoutingContext rc, EmbeddingRequest request, EmbeddingJob job) {
        Map<String, Object> head = head(rc, request, job);
        head.put("options", options(job, null));
        return trace.render(head);
    }

    private static Map<String, Object> head(RoutingContext rc, EmbeddingRequest request, EmbeddingJob job) {
        Map<String, Object> head = new LinkedHashMap<>();
        head.put("request_id", rc.get(HttpEdge.REQUEST_ID));
        head.put("requested_model", request.model());
        head.put("resolved_model", job.model().model().id());
        Map<String, Object> space = new LinkedHashMap<>();
        space.put("model", job.model().model().id());
        space.put("dimensions", job.outputDimensions(job.model().model().capabilities()));
        space.put("dtype", job.dtype().wireName());
        space.put("normalized", job.normalize());
        head.put("embedding_space", space);
        head.put("inputs", job.inputs().size());
        return head;
    }

    /** Which provider options were sent to the serving provider, and which were ignored (other providers' options). */
    private static Map<String, Object> options(EmbeddingJob job, String servedType) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("dimensions", job.dimensions().isPresent() ? job.dimensions().getAsInt() : null);
        out.put("dtype", job.dtype().wireName());
        out.put("normalize", job.normalize());
        if (servedType == null) {
            out.put("by_provider_type", job.providerOptions());
            return out;
        }
        Map<String, Object> applied = new LinkedHashMap<>();
        Map<String, Object> ignored = new LinkedHashMap<>();
        job.providerOptions().forEach((type, options) -> {
            if (options.isEmpty()) {
                return;
            }
            if (type.equals(servedType)) {
                applied.put(type, options);
            } else {
                ignored.put(type, Map.of("options", options, "reason", "served by a " + servedType + " provider"));
            }
        });
        out.put("applied", applied);
        out.put("ignored", ignored);
        return out;
    }
}
