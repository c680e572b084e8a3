package io.embedgate.api;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The request's {@code debug} object (seed document): gateway debug controls, never forwarded upstream. */
@Schema(name = "DebugOptions", description = "Gateway debug controls; never forwarded upstream. The gateway key must be allowed to use debug "
        + "(gateway.auth.keys.<id>.debug-allowed), else 403. Any flag set to true turns debug on unless enabled is false.")
public record DebugRequest(
        @Schema(description = "Return a 'debug' object with the response (and with upstream errors).") Boolean enabled,
        @Schema(description = "Include each upstream request: URL, headers and body, with every secret masked.") @JsonProperty("return_upstream_request") Boolean returnUpstreamRequest,
        @Schema(description = "Include each upstream response: status, headers and body, with vectors truncated.") @JsonProperty("return_upstream_response") Boolean returnUpstreamResponse,
        @Schema(description = "Include the timeline of upstream attempts (default true when debug is on).") Boolean trace,
        @Schema(description = "summary (default) or full: full adds per-chunk detail (input ranges, byte sizes, vectors, usage) to every attempt.", enumeration = {
                "summary", "full"}) @JsonProperty("trace_level") String traceLevel){
}
