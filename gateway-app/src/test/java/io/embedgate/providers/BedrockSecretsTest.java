package io.embedgate.providers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.embedgate.fakes.FakeBedrock;
import io.embedgate.fakes.FakeSigV4;
import io.embedgate.testing.BedrockResource;
import io.embedgate.testing.InjectFake;
import io.embedgate.testing.LeakCheck;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * No Bedrock credential (secret access keys, the session token, the API key) reaches a response, a
 * full debug trace (the signed upstream exchange included) or a DEBUG log line: SigV4 and session
 * successes, the API key, a refused signature, and an upstream that echoes the credentials back.
 */
@QuarkusTest
@WithTestResource(BedrockResource.class)
class BedrockSecretsTest {

    static final List<String> SECRETS = List.of(FakeBedrock.SECRET_ACCESS_KEY, FakeBedrock.SESSION_SECRET_ACCESS_KEY,
            FakeBedrock.SESSION_TOKEN,
            FakeBedrock.API_KEY, BedrockResource.WRONG_SECRET);

    @InjectFake
    FakeBedrock bedrock;

    @BeforeEach
    void reset() {
        bedrock.reset();
        bedrock.defaults();
    }

    @Test
    void noCredentialLeaks() {
        LeakCheck.assertNoLeaks(SECRETS, List.of(req("titan-embed-text-v2"), req("titan-session"), req("cohere-apikey"),
                req("titan-wrong-secret"), req("titan-both"), req("bedrock/cohere-embed-v4")));
    }

    /**
     * An upstream that quotes what it was sent in its refusal: the session instance's token (and, for
     * good measure, its secret, which never goes on the wire), the API key instance's key.
     */
    @Test
    void echoedCredentialsAreRedacted() {
        String session = FakeSigV4.SIGNATURE_MISMATCH + " Secret " + FakeBedrock.SESSION_SECRET_ACCESS_KEY + ", token "
                + FakeBedrock.SESSION_TOKEN;
        String key = "Key " + FakeBedrock.API_KEY + " is not valid";
        // LeakCheck sends each request twice (without and with the full debug trace), in order.
        // AccessDenied: a kind whose message the client is shown (a refused signature's is not).
        bedrock.enqueue(FakeBedrock.error(403, "AccessDeniedException", session), FakeBedrock.error(403, "AccessDeniedException", session),
                FakeBedrock.error(403, "AccessDeniedException", key), FakeBedrock.error(403, "AccessDeniedException", key));
        LeakCheck.assertNoLeaks(SECRETS, List.of(req("titan-session"), req("cohere-apikey")));
        assertEquals(4, bedrock.callCount());
    }

    static String req(String model) {
        return "{\"model\":\"" + model + "\",\"input\":[\"leak check\"],\"embedding_options\":{\"input_type\":\"query\"}}";
    }
}
