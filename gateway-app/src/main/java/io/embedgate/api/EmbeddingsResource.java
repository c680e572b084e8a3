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
import io.embedgate.routing.Routed;
import io.embedgate.spi.Embedding;
import io.embedgate.spi.Float32;
import io.embedgate.spi.UpstreamException;
import io.smallrye.mutiny.Uni;

/** {@code POST /v1/embeddings} (OpenAI-compatible) and {@code POST /v2/gateway/embeddings} (same body and answer). */
@Path("/")
public class EmbeddingsResource {

    /** Names the provider instance that produced the vectors. */
    public static final String PROVIDER_HEADER = "x-embedgate-provider";
    /** Names the upstream model the provider used. */
    public static final String UPSTREAM_MODEL_HEADER = "x-embedgate-upstream-model";
    /** Present ("true") when the provider reported no token counts and usage is the gateway's estimate. */
    public static final String USAGE_ESTIMATED_HEADER = "x-embedgate-usage-estimated";

    @Inject
    RequestValidator validator;
    @Inject
    EmbeddingRouter router;

    @POST
    @Path("v1/embeddings")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<RestResponse<EmbeddingsResponse>> create(EmbeddingRequest request) {
        return embed(request);
    }

    @POST
    @Path("v2/gateway/embeddings")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<RestResponse<EmbeddingsResponse>> gateway(EmbeddingRequest request) {
        return embed(request);
    }

    private Uni<RestResponse<EmbeddingsResponse>> embed(EmbeddingRequest request) {
        EmbeddingJob job = validator.validate(request);
        boolean base64 = "base64".equals(request.encodingFormat());
        return router.embed(job).map(r -> {
            if (!base64) {
                requireFiniteFloats(r);
            }
            return r;
        }).map(r -> {
            var response = RestResponse.ResponseBuilder.ok(new EmbeddingsResponse(r.embeddings(), r.model(), r.usage(), base64))
                    .header(PROVIDER_HEADER, r.provider())
                    .header(UPSTREAM_MODEL_HEADER, r.upstreamModel());
            if (r.usage().estimated()) {
                response.header(USAGE_ESTIMATED_HEADER, "true");
            }
            return response.build();
        });
    }

    /**
     * Float clients get JSON numbers, which cannot express NaN or infinity: decode every vector and
     * check it before the response starts, so a bad provider answer becomes a clean 502.
     */
    private static void requireFiniteFloats(Routed r) {
        for (Embedding e : r.embeddings()) {
            if (e instanceof Embedding.Floats f) {
                float[] v;
                try {
                    v = f.values();
                } catch (IllegalArgumentException badBase64) {
                    throw UpstreamException.invalidResponse(r.provider(), "embedding is not valid base64");
                }
                if (!Float32.allFinite(v)) {
                    throw UpstreamException.invalidResponse(r.provider(), "embedding contains NaN or infinite values");
                }
            }
        }
    }
}
