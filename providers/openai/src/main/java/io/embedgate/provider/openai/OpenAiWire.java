package io.embedgate.provider.openai;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;

import io.embedgate.provider.support.HttpProviderClient;
import io.embedgate.provider.support.OpenAiError;
import io.embedgate.provider.support.OpenAiShapedCodec;
import io.embedgate.provider.support.OpenAiShapedRequest;
import io.embedgate.provider.support.RateLimitHeaders;
import io.embedgate.spi.EmbeddingCall;
import io.embedgate.spi.EmbeddingInputs;
import io.embedgate.spi.EmbeddingResult;
import io.embedgate.spi.ReplySize;
import io.embedgate.spi.TokenEstimate;
import io.embedgate.spi.UpstreamException;
import io.embedgate.spi.Usage;

/**
 * The OpenAI embeddings wire format (https://platform.openai.com/docs/api-reference/embeddings), as a
 * streaming codec, with an OpenAI-compatible host's differences from its {@link OpenAiPreset}.
 */
final class OpenAiWire {

    /**
     * Replies are base64 float32 when asked for; servers that ignore {@code encoding_format} answer JSON
     * numbers, up to ~24 characters each with separators (and more when pretty-printed), which the cap allows.
     */
    static final ReplySize REPLY = new ReplySize(ReplySize.BASE64_FLOAT32, 40);
    /** A host that is not asked for base64 answers numbers: ~12 characters each, typically. */
    static final ReplySize NUMBER_REPLY = new ReplySize(12, 40);

    private static final OpenAiPreset OPENAI = OpenAiPresets.load().openAi();

    /**
     * OpenAI's rate-limit headers, on answers and errors alike; resets are Go durations ({@code 6m0s}).
     * Compatible hosts that send the same names are read the same way.
     */
    static final RateLimitHeaders RATE_LIMITS = new RateLimitHeaders("x-ratelimit-limit-requests", "x-ratelimit-remaining-requests",
            "x-ratelimit-reset-requests", "x-ratelimit-limit-tokens", "x-ratelimit-remaining-tokens", "x-ratelimit-reset-tokens");

    private OpenAiWire() {
    }

    /** {@code POST /embeddings} as {@code preset}'s host takes it. */
    static HttpProviderClient.Wire wire(OpenAiPreset preset) {
        return RATE_LIMITS.on(HttpProviderClient.Wire.of("/embeddings", call -> request(call, preset),
                (body, call, provider) -> estimatedWhenMissing(
                        response(body, call.inputs().size(), call.dimensions(), provider, call.upstreamModel()), call.inputs()),
                OpenAiWire::error, preset.base64() ? REPLY : NUMBER_REPLY));
    }

    /**
     * The result with estimated usage when the host reported none, or zero (Gemini's compatible endpoint):
     * no input embeds in zero tokens.
     */
    static EmbeddingResult estimatedWhenMissing(EmbeddingResult r, EmbeddingInputs inputs) {
        if (r.usage().promptTokens() > 0 || r.usage().totalTokens() > 0) {
            return r;
        }
        long tokens = TokenEstimate.usage(inputs);
        return new EmbeddingResult(r.embeddings(), new Usage(tokens, tokens, true), r.upstreamModel());
    }

    /**
     * The request body: base64 where the host has it (4 bytes per value instead of ~11 JSON characters),
     * and of {@code embedding_options.openai} only the members the host takes; others are not sent.
     */
    static byte[] request(EmbeddingCall call, OpenAiPreset preset) {
        if (preset.extraFields().isEmpty()) {
            return OpenAiShapedRequest.encode(call, call.upstreamModel(), preset.base64(), preset.user(), Map.of());
        }
        Map<String, String> extra = new LinkedHashMap<>();
        for (String field : preset.extraFields()) {
            Object v = call.options().get(field);
            if (v instanceof String s) {
                extra.put(field, s);
            }
        }
        return OpenAiShapedRequest.encode(call, call.upstreamModel(), preset.base64(), preset.user(), extra);
    }

    /** The plain OpenAI API's request body. */
    static byte[] request(EmbeddingCall call) {
        return request(call, OPENAI);
    }

    /**
     * Decodes a 200 body. Accepts base64 strings and, from OpenAI-compatible servers that ignore
     * {@code encoding_format}, number arrays. Places vectors by their {@code index} and insists on
     * exactly one vector per input, all of one size (the requested one, when given: a host that drops a
     * {@code dimensions} it cannot honour is caught here).
     */
    static EmbeddingResult response(byte[] body, int expected, OptionalInt dimensions, String provider, String requestedModel) {
        return OpenAiShapedCodec.decode(body, expected, dimensions, provider, requestedModel, OpenAiShapedCodec.BASE64_OR_FLOATS);
    }

    /**
     * Maps an error response: OpenAI's {@code {"error":{message,type,param,code}}} (Azure's and OpenRouter's
     * variants), the flat {@code {"object":"error",message,type,code}} of older vLLM, FastAPI's
     * {@code {"detail":...}} (NIM), and Gemini's compatible endpoint wrapping its error in an array
     * ({@code [{"error":{...}}]}). Provider text is redacted.
     */
    static UpstreamException error(int status, byte[] body, Duration retryAfter, Boolean shouldRetry, String provider, String apiKey) {
        byte[] unwrapped = firstOfArray(body);
        OpenAiError e = OpenAiError.parse(unwrapped);
        if (e.type() == null && e.code() == null) {
            OpenAiError flat = OpenAiError.parseFlat(unwrapped);
            if (flat.type() != null || flat.code() != null || e.message() == null) {
                e = flat;
            }
        }
        return e.toException(provider, status, retryAfter, shouldRetry, apiKey);
    }

    /** The body without an enclosing JSON array (its first element is what is read), else the body itself. */
    static byte[] firstOfArray(byte[] body) {
        int i = 0;
        while (i < body.length && Character.isWhitespace(body[i])) {
            i++;
        }
        if (i == body.length || body[i] != '[') {
            return body;
        }
        byte[] rest = new byte[body.length - i - 1];
        System.arraycopy(body, i + 1, rest, 0, rest.length);
        return rest;
    }
}
