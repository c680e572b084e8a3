package io.embedgate.api;

import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The wire shape of a successful embeddings response, for the OpenAPI document only: the response
 * itself is streamed by {@link EmbeddingsResponseWriter}, not serialised from a bean.
 */
@Schema(name = "EmbeddingsResponse", description = "OpenAI's embeddings list, plus 'debug' when the request asked for it.")
public record EmbeddingsResponseSchema(
        @Schema(enumeration = "list", required = true) String object,
        @Schema(required = true, description = "One entry per input, in input order.") List<Item> data,
        @Schema(required = true, description = "The public id of the model that produced every vector (a fallback's id when one was used).", examples = "text-embedding-3-small") String model,
        @Schema(required = true) UsageSchema usage,
        @Schema(description = "Present only when the request set debug: request id, resolved model and embedding space, routing plans with "
                + "candidates and exclusions, notes, upstream attempts (with bodies when asked, secrets masked), cache, option mapping, "
                + "usage estimation and timings.") Map<String, Object> debug) {

    @Schema(name = "Embedding")
    public record Item(
            @Schema(enumeration = "embedding") String object,
            int index,
            @Schema(description = "Numbers (encoding_format float; integers for int8/uint8/binary/ubinary dtypes) or a base64 string "
                    + "(little-endian float32, or the raw bytes of a quantised dtype).", oneOf = {
                            float[].class, String.class}) Object embedding){
    }

    @Schema(name = "EmbeddingsUsage")
    public record UsageSchema(
            @JsonProperty("prompt_tokens") @Schema(description = "Tokens sent upstream (cached inputs excluded).") long promptTokens,
            @JsonProperty("completion_tokens") long completionTokens,
            @JsonProperty("total_tokens") long totalTokens,
            @JsonProperty("prompt_tokens_details") @Schema(description = "Present when the cache was used.") Map<String, Long> promptTokensDetails,
            @Schema(description = "USD for the tokens sent upstream, at the model's list price (gateway.models.<id>.price-per-million-tokens); "
                    + "absent when the price is unknown.") java.math.BigDecimal cost,
            @JsonProperty("cost_saved") @Schema(description = "USD the inputs served from the cache would have cost; present with the cache and a price.") java.math.BigDecimal costSaved) {
    }
}
