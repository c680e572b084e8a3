package io.embedgate.lambda;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;

import io.embedgate.fakes.FakeOpenAi;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A fake OpenAI upstream on loopback, the function pointed at it, and Quarkus' mock Lambda event
 * server on a free port (it stands where API Gateway and the Lambda runtime API stand in AWS).
 */
public class FakeOpenAiResource implements QuarkusTestResourceLifecycleManager {

    static final String GATEWAY_KEY = "eg-lambda-test-5b4a39281706f5e4d3c2b1a0";
    static volatile FakeOpenAi fake;
    static volatile int eventServerPort;

    @Override
    public Map<String, String> start() {
        fake = FakeOpenAi.start();
        eventServerPort = freePort();
        return Map.of(
                "quarkus.lambda.mock-event-server.test-port", Integer.toString(eventServerPort),
                "gateway.providers.openai.base-url", fake.baseUrl(),
                "gateway.providers.openai.api-key", fake.apiKey(),
                "gateway.auth.keys.default.sha256", sha256(GATEWAY_KEY),
                "gateway.routing.retry.count", "0");
    }

    @Override
    public void stop() {
        if (fake != null) {
            fake.close();
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static String sha256(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
