package io.embedgate.provider.mistral;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.smallrye.mutiny.Uni;

/** {@code POST {base}/embeddings} with a Bearer key; base URL as in the SDK, e.g. {@code https://api.mistral.ai/v1}. */
@Path("/embeddings")
public interface MistralApi {

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    Uni<Response> embed(byte[] body);
}
