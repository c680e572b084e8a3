package io.embedgate.api;

import java.util.Map;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;

import io.embedgate.spi.EmbeddingInputs;

/**
 * The body of {@code POST /v1/embeddings}. Unknown fields are ignored; field-level rules are
 * Bean Validation constraints, cross-field rules live in {@link RequestValidator}.
 */
@Schema(name = "EmbeddingRequest", description = "OpenAI-compatible embeddings request with the gateway's extension fields.")
public record EmbeddingRequest(
        @Schema(required = true, description = "Model id, e.g. text-embedding-3-small, or pinned to a provider: openai/text-embedding-3-small.", examples = "text-embedding-3-small") @NotBlank(message = "model is required") String model,
        @Schema(description = "A string, an array of strings, an array of token ids, or an array of token-id arrays; 1 to 2048 items.", oneOf = {
                String.class, String[].class, int[].class,
                int[][].class}, examples = "[\"first text\", \"second text\"]") @JsonDeserialize(using = InputDeserializer.class) EmbeddingInputs input,
        /** Alias of {@code input}. */
        @Schema(description = "Alias of input; both present and different is a 400.", oneOf = {String.class, String[].class, int[].class,
                int[][].class}) @JsonDeserialize(using = InputDeserializer.class) EmbeddingInputs inputs,
        @Schema(description = "float (default) or base64 (little-endian float32, or the raw bytes of a quantised dtype).", enumeration = {
                "float",
                "base64"}, defaultValue = "float") @JsonProperty("encoding_format") @Pattern(regexp = "float|base64", message = "encoding_format must be 'float' or 'base64'") String encodingFormat,
        @Schema(description = "Output size, within the model's range; mapped to each provider's own size field.", minimum = "1", examples = "256") @Min(value = 1, message = "dimensions must be at least 1") Integer dimensions,
        @Schema(description = "End-user id, passed to providers that take one (OpenAI).") String user,
        /**
         * The gateway's own knobs ({@code normalize}, {@code input_type}, {@code output_dtype}) and each
         * provider type's own options, checked by its adapter; only the serving provider's are sent
         * upstream. The schema of each provider's object is generated from its declarations
         * ({@link EmbeddingOptionsSchema}).
         */
        @Schema(description = "The gateway's knobs (normalize, input_type, output_dtype) and one object of options per provider type; only the serving provider's options are forwarded.", examples = "{\"input_type\": \"query\", \"output_dtype\": \"binary\", \"google\": {\"title\": \"Manual\"}}") @JsonProperty("embedding_options") Map<String, Object> embeddingOptions,
        /** Provider routing preferences. */
        @Schema(description = "Provider routing preferences (instance names or provider types).") RoutingFields.ProviderPreferences provider,
        /** Fallbacks, retries, load balancing, timeout, cache and attribution. */
        @Schema(description = "Fallbacks, retries, load balancing, timeout, per-input cache and attribution.") RoutingFields.Orq orq,
        /** Debug controls: a trace of what the gateway did, with the upstream exchanges if asked. */
        @Schema(description = "Debug controls: the response gets a 'debug' object describing routing, attempts, cache, option mapping and timings.", examples = "{\"enabled\": true, \"return_upstream_request\": true, \"trace_level\": \"summary\"}") DebugRequest debug){
}
