package io.embedgate.provider.azure;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import io.embedgate.provider.support.HttpProviderClient;
import io.embedgate.provider.support.OpenAiError;
import io.embedgate.provider.support.OpenAiShapedCodec;
import io.embedgate.provider.support.OpenAiShapedRequest;
import io.embedgate.provider.support.RateLimitHeaders;
import io.embedgate.provider.support.UpstreamHttp;
import io.embedgate.spi.EmbeddingCall;
import io.embedgate.spi.EmbeddingResult;
import io.embedgate.spi.ReplySize;
import io.embedgate.spi.UpstreamException;

/** Azure OpenAI's wire: OpenAI's body and answer on Azure's routes, and Azure's error bodies. */
final class AzureWire {

    /** Base64 float32 is asked for in every request; JSON numbers from a proxy in front stay within the cap. */
    static final ReplySize REPLY = new ReplySize(ReplySize.BASE64_FLOAT32, 40);

    /**
     * Azure's rate-limit headers: OpenAI's names. Azure is known to send the remaining counts; the
     * limit and reset ones are read too, should a deployment send them.
     */
    static final RateLimitHeaders RATE_LIMITS = new RateLimitHeaders("x-ratelimit-limit-requests", "x-ratelimit-remaining-requests",
            "x-ratelimit-reset-requests", "x-ratelimit-limit-tokens", "x-ratelimit-remaining-tokens", "x-ratelimit-reset-tokens");

    /** The two URL shapes of Azure OpenAI. */
    enum Route {

        /** {@code /openai/deployments/{deployment}/embeddings?api-version=..}: the deployment is in the path. */
        DEPLOYMENTS,
        /** {@code /openai/v1/embeddings}: the body's {@code model} is the deployment. */
        V1;

        static Optional<Route> of(String setting) {
            if (setting == null || setting.equals("deployments")) {
                return Optional.of(DEPLOYMENTS);
            }
            return setting.equals("v1") ? Optional.of(V1) : Optional.empty();
        }
    }

    private AzureWire() {
    }

    static HttpProviderClient.Wire wire(Route route, String apiVersion) {
        String version = URLEncoder.encode(apiVersion, StandardCharsets.UTF_8);
        return RATE_LIMITS.on(new HttpProviderClient.Wire(call -> path(route, call.upstreamModel(), version),
                call -> request(call, route), AzureWire::response, AzureWire::error, dtype -> REPLY));
    }

    static String path(Route route, String deployment, String encodedApiVersion) {
        return route == Route.V1 ? "/openai/v1/embeddings"
                : "/openai/deployments/" + UpstreamHttp.pathSegment(deployment) + "/embeddings?api-version=" + encodedApiVersion;
    }

    /** OpenAI's body, base64; {@code model} only on the v1 route (the deployment route names it in the path). */
    static byte[] request(EmbeddingCall call, Route route) {
        return OpenAiShapedRequest.encode(call, route == Route.V1 ? call.upstreamModel() : null, true, true, Map.of());
    }

    /** OpenAI's answer; its {@code model} names the deployed model, not the deployment. */
    static EmbeddingResult response(byte[] body, EmbeddingCall call, String provider) {
        return OpenAiShapedCodec.decode(body, call.inputs().size(), call.dimensions(), provider, call.upstreamModel(),
                OpenAiShapedCodec.BASE64_OR_FLOATS);
    }

    /**
     * {@code {"error":{"code":"401"|"DeploymentNotFound"|"429",message}}} (code a string), OpenAI's own 400s
     * passed through, and the Entra ID gateway's {@code {"statusCode":401,"message":...}}. Kind from the
     * status; retry-after / retry-after-ms arrive as {@code retryAfter}.
     */
    static UpstreamException error(int status, byte[] body, Duration retryAfter, Boolean shouldRetry, String provider, String apiKey) {
        return OpenAiError.parse(body).toException(provider, status, retryAfter, shouldRetry, apiKey);
    }
}
