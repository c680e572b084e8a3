package io.embedgate.provider.google;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.smallrye.mutiny.Uni;

/**
 * {@code POST {base}/v1beta/models/{model}:batchEmbedContents}, the call the official SDK uses for
 * any number of inputs: one request element per input, so N inputs give N vectors. The key goes in
 * the {@code x-goog-api-key} header, never in the URL.
 */
@Path("/v1beta/models")
public interface GeminiApi {

    @POST
    @Path("/{model}:batchEmbedContents")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    Uni<Response> batchEmbed(@PathParam("model") String model, byte[] body);
}
