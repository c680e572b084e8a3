package io.embedgate.provider.azure;

import java.util.Map;

import io.embedgate.provider.support.HttpProviderClient;
import io.embedgate.provider.support.UpstreamAuth;
import io.embedgate.provider.support.UpstreamHttp;
import io.embedgate.spi.EmbeddingCall;
import io.embedgate.spi.EmbeddingResult;
import io.embedgate.spi.OutputDtype;
import io.embedgate.spi.ProviderClient;
import io.embedgate.spi.ReplySize;
import io.embedgate.spi.UpstreamException;
import io.smallrye.mutiny.Uni;

/**
 * An Azure OpenAI instance authorised by Entra ID: each call carries {@code Authorization: Bearer
 * <token>} (never with {@code api-key}, as Azure's SDKs send one or the other), and a 401 for a token
 * drops that token, so that the next call fetches a fresh one.
 */
final class EntraClient implements ProviderClient {

    private final UpstreamHttp http;
    private final HttpProviderClient.Wire wire;
    private final EntraToken token;

    EntraClient(UpstreamHttp http, HttpProviderClient.Wire wire, EntraToken token) {
        this.http = http;
        this.wire = wire;
        this.token = token;
    }

    @Override
    public Uni<EmbeddingResult> embed(EmbeddingCall call) {
        // One auth per call, so that a 401 drops the token this call sent, not one fetched since by another.
        OneCall auth = new OneCall();
        return new HttpProviderClient(http, "", wire, auth).embed(call).onFailure(UpstreamException.class).invoke(e -> {
            String sent = auth.sent;
            if (sent != null && ((UpstreamException) e).kind() == UpstreamException.Kind.AUTHENTICATION) {
                token.refused(sent);
            }
        });
    }

    @Override
    public ReplySize replySize(OutputDtype dtype) {
        return wire.replySize().apply(dtype);
    }

    @Override
    public void close() {
        http.close();
        token.close();
    }

    /** The bearer header of one call, remembering the token it sent. */
    private final class OneCall implements UpstreamAuth {

        private volatile String sent;

        @Override
        public Uni<Map<String, String>> headers(Request request) {
            return token.get().map(t -> {
                sent = t;
                return Map.of("Authorization", "Bearer " + t);
            });
        }

        @Override
        public String redact(String text) {
            return token.redact(text, sent);
        }
    }
}
