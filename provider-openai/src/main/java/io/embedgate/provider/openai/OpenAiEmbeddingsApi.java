package io.embedgate.provider.openai;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.smallrye.mutiny.Uni;

/**
 * {@code POST {base}/embeddings}. Bodies are raw bytes: {@link OpenAiWire} streams JSON itself, so
 * vectors are decoded straight from base64 into {@code float[]} without a DTO tree. The default
 * exception mapper is disabled per client, so error statuses arrive here with their bodies.
 */
@Path("/embeddings")
public interface OpenAiEmbeddingsApi {

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    Uni<Response> embed(byte[] body);
}
