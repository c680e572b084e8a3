package io.embedgate.api;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** The OpenAI error envelope. {@code param} and {@code code} are written as null when absent, like OpenAI. */
@RegisterForReflection
public record ErrorBody(Detail error) {

    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Detail(String message, String type, String param, String code) {
    }

    /** The envelope with the request's debug trace (extra fields are ignored by OpenAI SDKs). */
    @RegisterForReflection
    public record WithDebug(Detail error, java.util.Map<String, Object> debug) {
    }

    public static ErrorBody of(String message, String type, String param, String code) {
        return new ErrorBody(new Detail(message, type, param, code));
    }
}
