package io.embedgate.api;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.jboss.resteasy.reactive.RestResponse;

import io.embedgate.routing.EmbeddingJob;
import io.embedgate.routing.EmbeddingRouter;
import io.smallrye.mutiny.Uni;

/** {@code POST /v1/embeddings}, OpenAI-compatible. */
@Path("/v1/embeddings")
public class EmbeddingsResource {

    /** Names the provider instance that produced the vectors. */
    public static final String PROVIDER_HEADER = "x-embedgate-provider";
    /** Names the upstream model the provider used. */
    public static final String UPSTREAM_MODEL_HEADER = "x-embedgate-upstream-model";

    @Inject
    RequestValidator validator;
    @Inject
    EmbeddingRouter router;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<RestResponse<EmbeddingsResponse>> create(EmbeddingRequest request) {
        EmbeddingJob job = validator.validate(request);
        boolean base64 = "base64".equals(request.encodingFormat());
        return router.embed(job).map(r -> RestResponse.ResponseBuilder
                .ok(new EmbeddingsResponse(r.embeddings(), r.model(), r.usage(), base64))
                .header(PROVIDER_HEADER, r.provider())
                .header(UPSTREAM_MODEL_HEADER, r.upstreamModel())
                .build());
    }
}
