package io.embedgate.api;

import java.util.Map;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;

import io.embedgate.spi.EmbeddingInputs;

/**
 * The body of {@code POST /v1/embeddings}. Unknown fields are ignored; field-level rules are
 * Bean Validation constraints, cross-field rules live in {@link RequestValidator}.
 */
public record EmbeddingRequest(
        @NotBlank(message = "model is required") String model,
        @JsonDeserialize(using = InputDeserializer.class) EmbeddingInputs input,
        /** Alias of {@code input}. */
        @JsonDeserialize(using = InputDeserializer.class) EmbeddingInputs inputs,
        @JsonProperty("encoding_format")
        @Pattern(regexp = "float|base64", message = "encoding_format must be 'float' or 'base64'") String encodingFormat,
        @Min(value = 1, message = "dimensions must be at least 1") Integer dimensions,
        String user,
        /**
         * Provider knobs by provider type ({@code google}, {@code mistral}), plus the gateway's own
         * {@code normalize} (default true). Checked by each provider's adapter; only the serving
         * provider's options are sent upstream.
         */
        @JsonProperty("embedding_options") Map<String, Object> embeddingOptions,
        /** Provider routing preferences. */
        RoutingFields.ProviderPreferences provider,
        /** Fallbacks, retries, load balancing, timeout, cache and attribution. */
        RoutingFields.Orq orq) {
}
