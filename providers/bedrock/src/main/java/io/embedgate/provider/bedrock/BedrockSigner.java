package io.embedgate.provider.bedrock;

import java.time.Clock;
import java.util.Map;

import io.embedgate.provider.support.AwsSigV4;
import io.embedgate.provider.support.UpstreamAuth;
import io.embedgate.spi.Secrets;
import io.smallrye.mutiny.Uni;

/**
 * Signs each Bedrock call with AWS SigV4: signing name {@code bedrock} (not the endpoint prefix
 * {@code bedrock-runtime}), the instance's region, the request as it goes on the wire. Holds the
 * secret key and session token, and removes them from whatever the provider says back.
 */
final class BedrockSigner implements UpstreamAuth {

    static final String SIGNING_NAME = "bedrock";

    private final AwsSigV4.Credentials credentials;
    private final String region;
    private final Clock clock;

    BedrockSigner(AwsSigV4.Credentials credentials, String region, Clock clock) {
        this.credentials = credentials;
        this.region = region;
        this.clock = clock;
    }

    @Override
    public Uni<Map<String, String>> headers(Request request) {
        return Uni.createFrom().item(() -> AwsSigV4.sign(request.method(), request.host(), request.rawPath(), request.headers(),
                request.body(), credentials, region, SIGNING_NAME, clock.instant()));
    }

    @Override
    public String redact(String text) {
        String out = Secrets.redact(text, credentials.secretAccessKey());
        return credentials.sessionToken().map(t -> Secrets.redact(out, t)).orElse(out);
    }

    @Override
    public String toString() {
        return "BedrockSigner[" + credentials + ", region=" + region + "]";
    }
}
