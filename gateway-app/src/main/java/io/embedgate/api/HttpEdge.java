package io.embedgate.api;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.embedgate.config.GatewayConfig;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * First handler of every HTTP request, before JAX-RS: assigns the request id (echoing a sane one
 * the client sent) and turns away bodies whose declared length exceeds the limit with a 413 in the
 * OpenAI envelope, before a byte of them is read. Chunked bodies are counted while read, with the
 * same 413.
 */
@ApplicationScoped
public class HttpEdge {

    public static final String REQUEST_ID_HEADER = "x-request-id";
    /** Key of the request id in the Vert.x routing context. */
    public static final String REQUEST_ID = "embedgate.request-id";

    @Inject
    GatewayConfig config;
    @Inject
    ObjectMapper mapper;

    void install(@Observes Router router) {
        long max = config.limits().maxBodySize().asLongValue();
        byte[] tooLarge = tooLargeBody(max);
        BodyHandler chunkedBodies = BodyHandler.create(false).setBodyLimit(max);
        byte[] badUri = envelope(
                "The request URL is not valid: it must be a URI, with every '%' followed by two hex digits (percent-encoding).",
                "invalid_request_error", null);
        router.route().order(-1000).handler(rc -> edge(rc, max, tooLarge, badUri, chunkedBodies));
        // A path Vert.x Web cannot decode (should one pass the URI check) is answered from inside its
        // route matching, before any handler runs; this gives that 400 the envelope too.
        router.errorHandler(400, rc -> {
            if (rc.response().ended()) {
                return;
            }
            byte[] body = rc.failure() instanceof IllegalArgumentException || rc.failure() == null ? badUri
                    : envelope(String.valueOf(rc.failure().getMessage()), "invalid_request_error", null);
            rc.response().setStatusCode(400).putHeader("content-type", "application/json").end(io.vertx.core.buffer.Buffer.buffer(body));
        });
        // BodyHandler fails the request with 413 when a chunked body outgrows the limit.
        router.route().order(-1000).failureHandler(rc -> {
            if (rc.statusCode() == 413 && !rc.response().ended()) {
                rejectTooLarge(rc, tooLarge);
            } else {
                rc.next();
            }
        });
    }

    private static void rejectTooLarge(RoutingContext rc, byte[] tooLarge) {
        rc.response().setStatusCode(413).putHeader("content-type", "application/json").putHeader("connection", "close")
                .end(io.vertx.core.buffer.Buffer.buffer(tooLarge));
    }

    private static void edge(RoutingContext rc, long max, byte[] tooLarge, byte[] badUri, BodyHandler chunkedBodies) {
        String id = rc.request().getHeader(REQUEST_ID_HEADER);
        if (!acceptable(id)) {
            id = newId();
        }
        rc.put(REQUEST_ID, id);
        rc.response().putHeader(REQUEST_ID_HEADER, id);
        if (!validUri(rc.request().uri())) {
            rc.response().setStatusCode(400).putHeader("content-type", "application/json").end(io.vertx.core.buffer.Buffer.buffer(badUri));
            return;
        }
        String length = rc.request().getHeader("content-length");
        if (length != null && declaredLength(length) > max) {
            rejectTooLarge(rc, tooLarge);
            return;
        }
        if (length == null && rc.request().version() != HttpVersion.HTTP_2
                && rc.request().headers().contains("transfer-encoding", "chunked", true)) {
            // HTTP/1.1 chunked: count while reading. (Quarkus REST cannot take a pre-read HTTP/2 body;
            // an HTTP/2 body without content-length meets Quarkus' own limit: a 413 without envelope.)
            chunkedBodies.handle(rc);
            return;
        }
        rc.next();
    }

    /** The check Quarkus makes of every request URI (see {@link GatewayMain}), here so that its 400 carries the envelope. */
    static boolean validUri(String uri) {
        try {
            new java.net.URI(uri);
            return true;
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }

    private byte[] tooLargeBody(long max) {
        return envelope("The request body is larger than the gateway's limit of " + max + " bytes; split the inputs over several requests.",
                "invalid_request_error", "request_too_large");
    }

    private byte[] envelope(String message, String type, String code) {
        try {
            return mapper.writeValueAsBytes(ErrorBody.of(message, type, null, code));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long declaredLength(String v) {
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Client ids are echoed only when short and made of safe characters (no header or log injection). */
    static boolean acceptable(String id) {
        if (id == null || id.isEmpty() || id.length() > 128) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' || c == ':')) {
                return false;
            }
        }
        return true;
    }

    static String newId() {
        return RequestIds.next();
    }
}
