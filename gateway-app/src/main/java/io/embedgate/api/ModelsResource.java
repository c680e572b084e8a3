package io.embedgate.api;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import io.embedgate.auth.ApiKeys;
import io.embedgate.auth.AuthFilter;
import io.embedgate.auth.KeyPolicy;
import io.embedgate.catalog.Candidate;
import io.embedgate.catalog.Catalog;
import io.embedgate.catalog.CatalogModel;
import io.embedgate.catalog.ResolvedModel;
import io.embedgate.spi.InputType;
import io.embedgate.spi.ModelCapabilities;
import io.embedgate.spi.OutputDtype;
import io.vertx.ext.web.RoutingContext;

/**
 * The models catalogue in OpenAI's list shape, extended with what an embeddings client needs to
 * know: which providers serve a model, its dimensions and limits.
 */
@Path("/v1/models")
@Produces(MediaType.APPLICATION_JSON)
public class ModelsResource {

    private static final long CREATED = Instant.now().getEpochSecond();

    @Inject
    Catalog catalog;
    @Inject
    ApiKeys keys;

    public record ModelList(String object, List<ModelEntry> data) {
    }

    public record ModelEntry(
            String id,
            String object,
            long created,
            @JsonProperty("owned_by") String ownedBy,
            @JsonProperty("supported_endpoints") List<String> supportedEndpoints,
            int dimensions,
            @JsonProperty("min_dimensions") int minDimensions,
            @JsonProperty("max_dimensions") int maxDimensions,
            @JsonProperty("reducible_dimensions") boolean reducibleDimensions,
            @JsonProperty("max_inputs_per_call") int maxInputsPerCall,
            @JsonProperty("max_tokens_per_input") int maxTokensPerInput,
            @JsonProperty("token_id_input") boolean tokenIdInput,
            @JsonProperty("output_dtypes") List<String> outputDtypes,
            @JsonProperty("provider_output_dtypes") List<String> providerOutputDtypes,
            @JsonProperty("input_prefixes") List<String> inputPrefixes,
            List<ServedBy> providers,
            @JsonInclude(JsonInclude.Include.NON_NULL) Pricing pricing) {
    }

    /** The model's list price, when the gateway knows it: what {@code usage.cost} is computed from. */
    public record Pricing(@JsonProperty("usd_per_million_tokens") java.math.BigDecimal usdPerMillionTokens,
            @JsonProperty("as_of") String asOf) {
    }

    public record ServedBy(
            String id,
            String type,
            @JsonProperty("model") String pinnedModel,
            @JsonProperty("upstream_model") String upstreamModel,
            boolean alpha) {
    }

    /** The models the request's gateway key may use, each with the instances it may use. */
    @GET
    public ModelList list(RoutingContext rc) {
        KeyPolicy key = keys.policy(rc.get(AuthFilter.KEY_ID));
        return new ModelList("list", catalog.models().values().stream()
                .filter(m -> m.available() && key.allowsModel(m.id()))
                .map(m -> Map.entry(m, m.candidates().stream().filter(key::allowsCandidate).toList()))
                .filter(e -> !e.getValue().isEmpty())
                .map(e -> entry(e.getKey().id(), e.getKey(), e.getValue()))
                .toList());
    }

    @GET
    @Path("{id: .+}")
    public ModelEntry get(@PathParam("id") String id, RoutingContext rc) {
        ResolvedModel r = keys.policy(rc.get(AuthFilter.KEY_ID)).restrict(catalog.resolve(id), "model");
        return entry(id, r.model(), r.candidates());
    }

    private static ModelEntry entry(String id, CatalogModel m, List<Candidate> candidates) {
        ModelCapabilities caps = m.capabilities();
        return new ModelEntry(id, "model", CREATED, candidates.get(0).instance().type(), List.of("embeddings"),
                caps.nativeDimensions(), caps.minDimensions(), caps.maxDimensions(), caps.reducible(),
                candidates.stream().mapToInt(c -> c.capabilities().maxInputsPerCall()).min().orElse(caps.maxInputsPerCall()),
                candidates.stream().mapToInt(c -> c.capabilities().maxTokensPerInput()).filter(t -> t > 0).min().orElse(0),
                candidates.stream().anyMatch(c -> c.capabilities().tokenIdInput()),
                // Every float model gives every element type: what the provider cannot, the gateway computes.
                Arrays.stream(OutputDtype.values()).map(OutputDtype::wireName).toList(),
                caps.dtypes().stream().sorted().map(OutputDtype::wireName).toList(),
                m.inputPrefixes().keySet().stream().sorted().map(InputType::wireName).toList(),
                candidates.stream().map(c -> new ServedBy(c.instance().name(), c.instance().type(),
                        c.instance().name() + "/" + m.id(), c.upstreamModel(), c.instance().alpha())).toList(),
                m.price().map(p -> new Pricing(p.usdPerMillionTokens(), p.asOf().toString())).orElse(null));
    }
}
