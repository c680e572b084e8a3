package io.embedgate.floor;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * One JSON endpoint and nothing else. Its time from process launch to the first 200 is the floor a
 * Quarkus JVM application cannot go below on the same machine and JVM; the gateway's start-up is
 * measured against it.
 */
@Path("/v1/embeddings")
public class FloorResource {

    public record Request(String model, Object input) {
    }

    public record Response(String object, String model) {
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response echo(Request request) {
        return new Response("list", request.model());
    }
}
