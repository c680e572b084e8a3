package io.embedgate.api;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** Builds the HTTP response of an {@link ApiException}: envelope body, status and headers. */
public final class ErrorResponses {

    private ErrorResponses() {
    }

    public static Response of(ApiException e) {
        return of(e, null);
    }

    /** With the client's debug trace next to the error, when it asked for one. */
    public static Response of(ApiException e, java.util.Map<String, Object> debug) {
        Object body = debug == null ? e.body() : new ErrorBody.WithDebug(e.body().error(), debug);
        Response.ResponseBuilder b = Response.status(e.status()).type(MediaType.APPLICATION_JSON_TYPE).entity(body);
        e.headers().forEach(b::header);
        if (e.status() == 401) {
            b.header("WWW-Authenticate", "Bearer");
        }
        return b.build();
    }
}
