package io.embedgate.debug;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.embedgate.spi.EmbeddingResult;
import io.embedgate.spi.UpstreamException;
import io.embedgate.spi.WireTap;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;

/**
 * The trace of one request, filled in by the router, the cache and the API as the request runs. It
 * feeds two sinks: the client's {@code debug} object (when the request asked for one, {@link #on()})
 * and OpenTelemetry spans (when tracing is enabled, {@link #spans()}): a span per upstream attempt
 * under the request's server span, which gets the routing decisions as attributes. {@link #OFF} is
 * what a request carries when neither is wanted: callers check {@link #active()} so the hot path
 * does no work for it.
 *
 * <p>Chunks of one request can finish on different event-loop threads, so mutations are synchronized.
 */
public final class Trace {

    public static final Trace OFF = new Trace(null, null, null, null);

    private final DebugSettings settings;
    private final Redactor redactor;
    private final Tracer tracer;
    private final Context parent;
    private final long start = System.nanoTime();
    private final Map<String, Object> timings = new LinkedHashMap<>();
    private final List<Map<String, Object>> plans = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final List<Attempt> attempts = new ArrayList<>();
    private final Map<String, Object> served = new LinkedHashMap<>();

    /**
     * @param settings what the client asked to see; null for no debug object
     * @param tracer   null unless the request is traced by OpenTelemetry
     * @param parent   the request's OpenTelemetry context (its server span)
     */
    public Trace(DebugSettings settings, Redactor redactor, Tracer tracer, Context parent) {
        this.settings = settings;
        this.redactor = redactor;
        this.tracer = tracer;
        this.parent = parent;
    }

    /** Whether the client asked for a debug object. */
    public boolean on() {
        return settings != null;
    }

    /** Whether spans are recorded for this request. */
    public boolean spans() {
        return tracer != null;
    }

    /** Whether anything is recorded at all. */
    public boolean active() {
        return settings != null || tracer != null;
    }

    /** The routing decisions, as attributes of the request's server span. */
    public synchronized void annotate(String model, String provider, String upstreamModel, int inputs, int cacheHits) {
        if (tracer == null) {
            return;
        }
        Span span = Span.fromContext(parent);
        span.setAttribute("embedgate.model", model);
        span.setAttribute("embedgate.inputs", inputs);
        if (provider != null) {
            span.setAttribute("embedgate.provider", provider);
            span.setAttribute("embedgate.upstream_model", upstreamModel);
        }
        if (cacheHits >= 0) {
            span.setAttribute("embedgate.cache.hits", cacheHits);
        }
        List<String> candidates = new ArrayList<>();
        List<String> excluded = new ArrayList<>();
        for (Map<String, Object> p : plans) {
            for (Object c : (List<?>) p.get("candidates")) {
                candidates.add(p.get("model") + "@" + ((Map<?, ?>) c).get("provider"));
            }
            for (Object e : (List<?>) p.get("excluded")) {
                excluded.add(String.valueOf(((Map<?, ?>) e).get("reason")));
            }
        }
        span.setAttribute(AttributeKey.stringArrayKey("embedgate.candidates"), candidates);
        if (!excluded.isEmpty()) {
            span.setAttribute(AttributeKey.stringArrayKey("embedgate.excluded"), excluded);
        }
        if (!notes.isEmpty()) {
            span.setAttribute(AttributeKey.stringArrayKey("embedgate.routing_notes"), List.copyOf(notes));
        }
        span.setAttribute("embedgate.attempts", attempts.size());
    }

    /** Marks the end of a phase: {@code <name>_ms} is the time since the request reached the gateway's handler. */
    public synchronized void mark(String phase) {
        if (on()) {
            timings.put(phase + "_ms", millis(System.nanoTime() - start));
        }
    }

    /** One model the router will try, its candidates in order and those excluded, with the reason. */
    public synchronized void plan(String role, String model, int dimensions, List<Map<String, Object>> candidates,
            List<Map<String, Object>> excluded) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("role", role);
        p.put("model", model);
        p.put("dimensions", dimensions);
        p.put("candidates", candidates);
        p.put("excluded", excluded);
        plans.add(p);
    }

    public synchronized void note(String note) {
        if (active() && !notes.contains(note)) {
            notes.add(note);
        }
    }

    /** The instance that produced the answer and what the gateway did to its vectors. */
    public synchronized void served(String provider, String type, String upstreamModel, boolean normalizedByGateway) {
        served.put("provider", provider);
        served.put("provider_type", type);
        served.put("upstream_model", upstreamModel);
        served.put("normalized_by_gateway", normalizedByGateway);
    }

    /** Starts recording one upstream call; the returned tap goes into the call so the adapter reports its exchange. */
    public synchronized Attempt attempt(String provider, String upstreamModel, int chunk, int from, int to, int number) {
        Attempt a = new Attempt(provider, upstreamModel, chunk, from, to, number);
        attempts.add(a);
        return a;
    }

    public DebugSettings settings() {
        return settings;
    }

    /** The {@code debug} object; {@code head} holds the API's fields (request id, model, cache...). */
    public synchronized Map<String, Object> render(Map<String, Object> head) {
        Map<String, Object> out = new LinkedHashMap<>(head);
        if (!served.isEmpty()) {
            out.put("served_by", new LinkedHashMap<>(served));
        }
        out.put("routing", List.copyOf(plans));
        if (!notes.isEmpty()) {
            out.put("notes", List.copyOf(notes));
        }
        if (settings.attempts() || settings.returnUpstreamRequest() || settings.returnUpstreamResponse()) {
            List<Map<String, Object>> list = new ArrayList<>();
            for (Attempt a : attempts) {
                list.add(a.render());
            }
            out.put("attempts", list);
        }
        mark("total");
        out.put("timings", new LinkedHashMap<>(timings));
        return out;
    }

    static double millis(long nanos) {
        return Math.round(nanos / 10_000.0) / 100.0;
    }

    /** One upstream call: what the router saw, and the wire exchange the adapter reported. */
    public final class Attempt implements WireTap {

        private final Map<String, Object> fields = new LinkedHashMap<>();
        private final long started = System.nanoTime();
        private Map<String, Object> request;
        private Map<String, Object> response;
        private int requestBytes = -1;
        private int responseBytes = -1;
        private final Span span;

        Attempt(String provider, String upstreamModel, int chunk, int from, int to, int number) {
            fields.put("provider", provider);
            fields.put("upstream_model", upstreamModel);
            fields.put("chunk", chunk);
            fields.put("attempt", number);
            if (settings != null && settings.full()) {
                fields.put("inputs", Map.of("from", from, "to", to, "count", to - from));
            }
            span = tracer == null ? null
                    : tracer.spanBuilder("embedgate.upstream " + provider).setParent(parent)
                            .setSpanKind(SpanKind.INTERNAL)
                            .setAttribute("embedgate.provider", provider)
                            .setAttribute("embedgate.upstream_model", upstreamModel)
                            .setAttribute("embedgate.chunk", chunk)
                            .setAttribute("embedgate.attempt", number)
                            .setAttribute("embedgate.inputs", to - from)
                            .startSpan();
        }

        @Override
        public void request(String method, String url, Map<String, String> headers, byte[] body) {
            synchronized (Trace.this) {
                requestBytes = body.length;
                if (settings != null && settings.returnUpstreamRequest()) {
                    Map<String, Object> r = new LinkedHashMap<>();
                    r.put("method", method);
                    r.put("url", redactor.url(url));
                    r.put("headers", redactor.headers(headers));
                    r.put("body", redactor.body(body));
                    request = r;
                }
            }
        }

        @Override
        public void response(int status, Map<String, List<String>> headers, byte[] body) {
            synchronized (Trace.this) {
                fields.put("status", status);
                responseBytes = body.length;
                if (settings != null && settings.returnUpstreamResponse()) {
                    Map<String, Object> r = new LinkedHashMap<>();
                    r.put("status", status);
                    r.put("headers", redactor.headers(headers));
                    r.put("body", redactor.body(body));
                    response = r;
                }
            }
        }

        /** The call's outcome as the router saw it (after the adapter decoded or mapped it). */
        public void done(EmbeddingResult result, Throwable failure) {
            synchronized (Trace.this) {
                record(result, failure);
                if (span != null) {
                    span.setAttribute("embedgate.outcome", String.valueOf(fields.get("outcome")));
                    if (fields.get("status") instanceof Integer status) {
                        span.setAttribute("http.response.status_code", status);
                    }
                    if (failure != null) {
                        span.setStatus(StatusCode.ERROR,
                                redactor == null ? failure.getClass().getSimpleName() : redactor.text(failure.getMessage()));
                    }
                    span.end();
                }
            }
        }

        private void record(EmbeddingResult result, Throwable failure) {
            fields.put("latency_ms", millis(System.nanoTime() - started));
            if (failure == null) {
                fields.put("outcome", "ok");
                if (settings != null && settings.full()) {
                    fields.put("vectors", result.embeddings().size());
                    fields.put("usage", Map.of("prompt_tokens", result.usage().promptTokens(), "estimated", result.usage().estimated()));
                }
                return;
            }
            Map<String, Object> error = new LinkedHashMap<>();
            if (failure instanceof UpstreamException e) {
                fields.put("outcome", e.kind().name().toLowerCase(java.util.Locale.ROOT));
                if (e.httpStatus() > 0) {
                    fields.put("status", e.httpStatus());
                }
                e.errorCode().ifPresent(c -> error.put("code", c));
                e.retryAfter().ifPresent(d -> error.put("retry_after_ms", d.toMillis()));
            } else {
                fields.put("outcome", "error");
            }
            error.put("message", redactor == null ? failure.getClass().getSimpleName() : redactor.text(failure.getMessage()));
            fields.put("error", error);
        }

        public void retryIn(Duration delay) {
            synchronized (Trace.this) {
                fields.put("retry_delay_ms", delay.toMillis());
                if (span != null) {
                    span.setAttribute("embedgate.retry_delay_ms", delay.toMillis());
                }
            }
        }

        Map<String, Object> render() {
            Map<String, Object> out = new LinkedHashMap<>(fields);
            if (settings != null && settings.full()) {
                if (requestBytes >= 0) {
                    out.put("request_bytes", requestBytes);
                }
                if (responseBytes >= 0) {
                    out.put("response_bytes", responseBytes);
                }
            }
            if (request != null) {
                out.put("request", request);
            }
            if (response != null) {
                out.put("response", response);
            }
            return out;
        }
    }
}
