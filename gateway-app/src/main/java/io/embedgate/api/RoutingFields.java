package io.embedgate.api;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The routing and attribution objects of a request: {@code provider} and {@code orq} (seed documents). */
public final class RoutingFields {

    private RoutingFields() {
    }

    /** Provider routing preferences: names are provider instance names or provider types. */
    public record ProviderPreferences(
            List<String> order,
            List<String> only,
            List<String> ignore,
            @JsonProperty("include_alpha") Boolean includeAlpha) {
    }

    /** The orq object of {@code /v2/gateway/embeddings}, accepted on both routes. */
    public record Orq(
            String name,
            Contact contact,
            List<ModelRef> fallbacks,
            CacheOption cache,
            RetryOption retry,
            @JsonProperty("load_balancer") List<WeightedModel> loadBalancer,
            TimeoutOption timeout) {
    }

    /** Who the request is for: logged and attributed in usage, never sent upstream. */
    public record Contact(
            String id,
            @JsonProperty("display_name") String displayName,
            String email,
            Object metadata,
            @JsonProperty("logo_url") String logoUrl,
            List<String> tags) {
    }

    public record ModelRef(String model) {
    }

    public record CacheOption(String type, Long ttl) {
    }

    public record RetryOption(Integer count, @JsonProperty("on_codes") List<Integer> onCodes) {
    }

    public record WeightedModel(String model, Double weight) {
    }

    public record TimeoutOption(@JsonProperty("call_timeout") Long callTimeout) {
    }
}
