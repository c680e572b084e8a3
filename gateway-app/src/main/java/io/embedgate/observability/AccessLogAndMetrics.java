package io.embedgate.observability;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

import io.embedgate.api.EmbeddingsResource;
import io.embedgate.api.HttpEdge;
import io.embedgate.auth.AuthFilter;
import io.embedgate.catalog.Catalog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * One access-log line and the request metrics per embeddings request, written when the response
 * ends (success or error). Labels are bounded: model ids from the catalogue, provider instance
 * names, configured key ids and status codes; never contact ids or free text.
 */
@ApplicationScoped
public class AccessLogAndMetrics {

    private static final Logger ACCESS = Logger.getLogger("io.embedgate.access");
    /** The status logged and counted for a request whose client hung up before the answer (nginx's 499). */
    static final int CLIENT_CLOSED_REQUEST = 499;

    @Inject
    MeterRegistry registry;

    /** Meters by label values: looked up once, not rebuilt per request (label sets are bounded). */
    private final Map<String, Counter> meters = new ConcurrentHashMap<>();
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();
    @Inject
    Catalog catalog;
    @ConfigProperty(name = "quarkus.log.console.json.enabled", defaultValue = "false")
    boolean jsonLogs;

    void install(@Observes Router router) {
        router.route("/v1/embeddings").order(-900).handler(this::track);
        router.route("/v2/gateway/embeddings").order(-900).handler(this::track);
    }

    private void track(RoutingContext rc) {
        long start = System.nanoTime();
        // Vert.x Web runs the end handlers once: with success when the response has ended, with a
        // failure when the connection closed first (the client hung up).
        rc.addEndHandler(end -> record(rc, System.nanoTime() - start, end.succeeded()));
        rc.next();
    }

    private void record(RoutingContext rc, long nanos, boolean answered) {
        RequestRecord r = RequestRecord.of(rc);
        // A request the client abandoned is not the 200 the response object was initialised with.
        int status = answered ? rc.response().getStatusCode() : CLIENT_CLOSED_REQUEST;
        String provider = rc.response().headers().get(EmbeddingsResource.PROVIDER_HEADER);
        String model = r.model != null && catalog.models().containsKey(r.model) ? r.model : "_unknown";
        String key = rc.get(AuthFilter.KEY_ID);
        String keyId = key == null ? "_none" : key;
        String p = provider == null ? "_none" : provider;
        meters.computeIfAbsent(model + '\u0000' + p + '\u0000' + status, k -> Counter.builder("embedgate.requests")
                .description("Embeddings requests by model, provider and HTTP status")
                .tag("model", model).tag("provider", p).tag("status", Integer.toString(status)).register(registry)).increment();
        timers.computeIfAbsent(model, k -> Timer.builder("embedgate.request.duration").description("Time to answer an embeddings request")
                .publishPercentileHistogram().tag("model", model).register(registry)).record(nanos, TimeUnit.NANOSECONDS);
        if (status == 200) {
            String id = keyId + '\u0000' + model + '\u0000' + p;
            meters.computeIfAbsent("in\u0000" + id,
                    k -> Counter.builder("embedgate.inputs").description("Inputs embedded, by gateway key, model and provider")
                            .tag("key_id", keyId).tag("model", model).tag("provider", p).register(registry))
                    .increment(r.inputs);
            meters.computeIfAbsent("tok\u0000" + id,
                    k -> Counter.builder("embedgate.tokens").description("Tokens sent upstream, by gateway key, model and provider")
                            .tag("key_id", keyId).tag("model", model).tag("provider", p).register(registry))
                    .increment(r.promptTokens);
            if (r.cost != null) {
                meters.computeIfAbsent("usd\u0000" + id,
                        k -> Counter.builder("embedgate.cost").baseUnit("usd")
                                .description(
                                        "USD of the tokens sent upstream at the models' list prices, by gateway key, model and provider")
                                .tag("key_id", keyId).tag("model", model).tag("provider", p).register(registry))
                        .increment(r.cost.doubleValue());
            }
            if (r.costSaved != null) {
                meters.computeIfAbsent("saved\u0000" + id,
                        k -> Counter.builder("embedgate.cost.saved").baseUnit("usd")
                                .description("USD the cache saved at the models' list prices, by gateway key, model and provider")
                                .tag("key_id", keyId).tag("model", model).tag("provider", p).register(registry))
                        .increment(r.costSaved.doubleValue());
            }
        }
        if (!ACCESS.isInfoEnabled()) {
            return;
        }
        String requestId = rc.get(HttpEdge.REQUEST_ID);
        if (jsonLogs) {
            accessJson(requestId, keyId, r, p, status, nanos);
            return;
        }
        // Built by hand: printf-style formatting was the largest single cost of a small request.
        StringBuilder line = new StringBuilder(256)
                .append("request_id=").append(requestId)
                .append(" key_id=").append(keyId)
                .append(" orq_name=").append(quote(r.orqName))
                .append(" contact_id=").append(quote(r.contactId))
                .append(" model=").append(r.model == null ? "-" : quote(r.model))
                .append(" provider=").append(p)
                .append(" inputs=").append(r.inputs)
                .append(" tokens=").append(r.promptTokens)
                .append(" cached_tokens=").append(r.cachedTokens)
                .append(" cache_hits=").append(r.cacheHits < 0 ? "-" : Integer.toString(r.cacheHits))
                .append(" status=").append(status)
                .append(" latency_ms=");
        long tenths = (nanos + 50_000) / 100_000;
        line.append(tenths / 10).append('.').append(tenths % 10);
        ACCESS.info(line.toString());
    }

    /** With JSON logs, the same fields as structured values (the formatter writes them under "mdc"). */
    private void accessJson(String requestId, String keyId, RequestRecord r, String provider, int status, long nanos) {
        String[] keys = {"request_id", "key_id", "orq_name", "contact_id", "model", "provider", "inputs", "tokens", "cached_tokens",
                "cache_hits", "status", "latency_ms"};
        String[] values = {requestId, keyId, strip(r.orqName), strip(r.contactId), strip(r.model), provider, Integer.toString(r.inputs),
                Long.toString(r.promptTokens), Long.toString(r.cachedTokens), r.cacheHits < 0 ? null : Integer.toString(r.cacheHits),
                Integer.toString(status), Double.toString(Math.round(nanos / 100_000.0) / 10.0)};
        for (int i = 0; i < keys.length; i++) {
            if (values[i] != null) {
                MDC.put(keys[i], values[i]);
            }
        }
        try {
            ACCESS.info("access");
        } finally {
            for (String k : keys) {
                MDC.remove(k);
            }
        }
    }

    private static String strip(String s) {
        if (s == null) {
            return null;
        }
        String q = quote(s);
        return q.substring(1, q.length() - 1);
    }

    /** Client-supplied values are quoted and stripped of control characters (no log injection). */
    static String quote(String s) {
        if (s == null) {
            return "-";
        }
        StringBuilder b = new StringBuilder(Math.min(s.length(), 128) + 2).append('"');
        for (int i = 0; i < s.length() && i < 128; i++) {
            char c = s.charAt(i);
            b.append(c < 0x20 || c == '"' || c == '\\' ? '_' : c);
        }
        return b.append('"').toString();
    }
}
