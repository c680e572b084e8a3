package io.embedgate.api;

import java.util.Map;

import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;

import io.embedgate.limits.MemoryBudget;
import io.embedgate.routing.ProviderRateLimited;
import io.embedgate.spi.EmbeddingInputs;
import io.embedgate.spi.UpstreamException;

/**
 * Every failure leaves in the OpenAI error envelope. Client mistakes get a 4xx naming the field;
 * upstream failures get 502/504/429 naming the provider instance and never its key; anything
 * unexpected is a logged 500 without internals.
 */
public class ErrorMappers {

    private static final Logger LOG = Logger.getLogger(ErrorMappers.class);

    @ServerExceptionMapper
    public Response api(ApiException e) {
        return respond(e);
    }

    @ServerExceptionMapper
    public Response upstream(UpstreamException e) {
        return respond(fromUpstream(e));
    }

    /** A failure of a request that asked for debug: the usual envelope, plus the trace. */
    @ServerExceptionMapper
    public Response debugged(DebuggedFailure f) {
        Throwable t = f.getCause();
        ApiException e = t instanceof ApiException a ? a
                : t instanceof UpstreamException u ? fromUpstream(u)
                        : t instanceof MemoryBudget.Overloaded o ? ApiException.overloaded(o.getMessage()) : internal(t);
        return ErrorResponses.of(e, f.debug());
    }

    /** No room in the memory budget within the wait: 503 with retry-after, which the SDKs retry. */
    @ServerExceptionMapper
    public Response overloaded(MemoryBudget.Overloaded e) {
        return respond(ApiException.overloaded("The gateway is at its memory limit for requests in flight: " + e.getMessage()
                + ". Retry shortly."));
    }

    /** Malformed JSON, wrong value types, bad {@code input} shapes. */
    @ServerExceptionMapper
    public Response json(JsonProcessingException e) {
        JsonParseException repeated = repeatedKey(e);
        if (repeated != null) {
            // The parser still stands on the repeated key.
            String param = path(repeated.getProcessor().getParsingContext());
            return respond(ApiException.invalid(param, "'" + param + "' appears more than once in the same object; send each key once."));
        }
        if (!(e instanceof JsonMappingException m)) {
            return respond(ApiException.invalid(null, "The request body is not valid JSON: " + e.getOriginalMessage()));
        }
        String param = path(m);
        Class<?> target = m instanceof MismatchedInputException mi ? mi.getTargetType() : null;
        String message;
        if (target == EmbeddingInputs.class) {
            message = m.getOriginalMessage();
        } else if (param == null) {
            message = "The request body must be a JSON object with 'model' and 'input'.";
        } else {
            // Jackson's own wording names Java types; say it in API terms.
            message = "'" + param + "' " + expected(target) + ".";
        }
        return respond(ApiException.invalid(param, message));
    }

    /** Quarkus ships a mapper for exactly this type (an empty 400); ours must be as specific to win. */
    @ServerExceptionMapper
    public Response mismatched(MismatchedInputException e) {
        return json(e);
    }

    private static String expected(Class<?> target) {
        if (target == String.class) {
            return "must be a string";
        }
        if (target == Integer.class || target == int.class || target == Long.class || target == long.class) {
            return "must be an integer";
        }
        if (target == Boolean.class || target == boolean.class) {
            return "must be a boolean";
        }
        if (target == Double.class || target == double.class || target == Float.class || target == float.class) {
            return "must be a number";
        }
        return "has the wrong type";
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        if (e.getCause() instanceof JsonProcessingException json) {
            return json(json);
        }
        int status = e.getResponse().getStatus();
        String message = switch (status) {
            case 404 ->
                "Unknown route. This gateway serves POST /v1/embeddings, POST /v2/gateway/embeddings, GET /v1/models and GET /v1/models/{model}.";
            case 405 -> "Method not allowed on this route"
                    + (e instanceof NotAllowedException n ? ": allowed " + n.getResponse().getAllowedMethods() : "") + ".";
            case 415 -> "Content-Type must be application/json.";
            case 406 -> "This route only produces application/json.";
            default -> e.getMessage() == null ? "Request failed." : e.getMessage();
        };
        if (e instanceof NotSupportedException) {
            message = "Content-Type must be application/json.";
        }
        String type = status >= 500 ? "server_error" : "invalid_request_error";
        return respond(new ApiException(status, type, null, null, message, null));
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable t) {
        return respond(internal(t));
    }

    /** Anything unexpected: logged in full, answered without internals. */
    private static ApiException internal(Throwable t) {
        LOG.error("Unexpected failure", t);
        return new ApiException(500, "server_error", null, null, "The gateway failed unexpectedly; the error was logged.", null);
    }

    /** The status a client sees for each kind of upstream failure. */
    static ApiException fromUpstream(UpstreamException e) {
        String p = e.provider();
        String status = e.httpStatus() > 0 ? " (HTTP " + e.httpStatus() + ")" : "";
        Map<String, String> headers = Map.of(EmbeddingsResource.PROVIDER_HEADER, p);
        return switch (e.kind()) {
            case BAD_REQUEST -> e.input().isPresent()
                    ? new ApiException(400, "invalid_request_error", e.errorCode().orElse(null), "input",
                            "Provider '" + p + "' rejected input[" + e.input().getAsInt() + "]" + status + ": " + e.getMessage(), headers)
                    : new ApiException(400, "invalid_request_error", e.errorCode().orElse(null), null,
                            "Provider '" + p + "' rejected the request" + status + ": " + e.getMessage(), headers);
            case AUTHENTICATION -> new ApiException(502, "upstream_error", "provider_auth_failed", null,
                    "Provider '" + p + "' rejected the gateway's credentials" + status + "; the gateway operator must fix its key.",
                    headers);
            case PERMISSION -> new ApiException(502, "upstream_error", "provider_permission_denied", null,
                    "Provider '" + p + "' denied access" + status + ": " + e.getMessage(), headers);
            case NOT_FOUND -> new ApiException(502, "upstream_error", "provider_model_not_found", null,
                    "Provider '" + p + "' does not know the model" + status + ": " + e.getMessage(), headers);
            case RATE_LIMITED, QUOTA_EXHAUSTED -> rateLimited(e, headers, status);
            case TIMEOUT -> new ApiException(504, "timeout_error", "provider_timeout", null,
                    "Provider '" + p + "' did not answer in time: " + e.getMessage() + ".", headers);
            case CONNECTION -> new ApiException(502, "upstream_error", "provider_unreachable", null,
                    "Provider '" + p + "' could not be reached: " + e.getMessage(), headers);
            case INVALID_RESPONSE -> new ApiException(502, "upstream_error", "provider_invalid_response", null,
                    "Provider '" + p + "' sent an invalid response: " + e.getMessage(), headers);
            case SERVER_ERROR -> new ApiException(502, "upstream_error", "provider_error", null,
                    "Provider '" + p + "' failed" + status + ": " + e.getMessage(), headers);
            case GATEWAY_OVERLOADED -> ApiException.overloaded("The gateway is short of memory for this request right now ("
                    + e.getMessage() + "); retry shortly.");
        };
    }

    private static ApiException rateLimited(UpstreamException e, Map<String, String> headers, String status) {
        if (ProviderRateLimited.is(e)) {
            return providersAtLimit(e);
        }
        Map<String, String> h = new java.util.HashMap<>(headers);
        e.retryAfter().ifPresent(d -> {
            // The same moment in both (SDKs read one or the other): whole seconds rounded up, and the
            // milliseconds; a provider's "retry now" (0) stays 0 in both.
            long ms = Math.max(0, d.toMillis());
            h.put("retry-after", Long.toString((ms + 999) / 1000));
            h.put("retry-after-ms", Long.toString(ms));
        });
        String code = e.kind() == UpstreamException.Kind.QUOTA_EXHAUSTED ? "insufficient_quota" : "rate_limit_exceeded";
        return new ApiException(429, "rate_limit_error", code, null,
                "Provider '" + e.provider() + "' is rate limiting the gateway" + status + ": " + e.getMessage(), h);
    }

    /**
     * The router called no provider: every instance it could use is at its rate limit. retry-after is
     * the earliest estimated refill, at least 1 s (a client retrying sooner would find the same).
     */
    private static ApiException providersAtLimit(UpstreamException e) {
        long ms = Math.max(1, e.retryAfter().map(java.time.Duration::toMillis).orElse(1000L));
        long seconds = Math.max(1, (ms + 999) / 1000);
        return new ApiException(429, "rate_limit_error", ProviderRateLimited.CODE, null, e.getMessage(),
                Map.of("retry-after", Long.toString(seconds), "retry-after-ms", Long.toString(ms)));
    }

    static Response respond(ApiException e) {
        return ErrorResponses.of(e);
    }

    /**
     * StrictJson's duplicate-key error, thrown by the parser as is, or wrapped by databind when it
     * happened inside a nested object.
     */
    private static JsonParseException repeatedKey(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof JsonParseException p && p.getProcessor() != null && p.getOriginalMessage() != null
                    && p.getOriginalMessage().startsWith("Duplicate field ")) {
                return p;
            }
        }
        return null;
    }

    /** JSON path of where a parser stands, e.g. {@code orq.load_balancer[0].weight}. */
    private static String path(JsonStreamContext at) {
        StringBuilder b = new StringBuilder();
        for (JsonStreamContext c = at; c != null && !c.inRoot(); c = c.getParent()) {
            String segment = c.inArray() ? "[" + Math.max(0, c.getCurrentIndex()) + "]" : c.getCurrentName();
            if (segment == null) {
                continue;
            }
            if (!b.isEmpty() && b.charAt(0) != '[') {
                b.insert(0, '.');
            }
            b.insert(0, segment);
        }
        return b.isEmpty() ? null : b.toString();
    }

    /** JSON path of a mapping error, e.g. {@code input} or {@code input[3]}. */
    private static String path(JsonMappingException e) {
        StringBuilder b = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                if (!b.isEmpty()) {
                    b.append('.');
                }
                b.append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                b.append('[').append(r.getIndex()).append(']');
            }
        }
        return b.isEmpty() ? null : b.toString();
    }
}
