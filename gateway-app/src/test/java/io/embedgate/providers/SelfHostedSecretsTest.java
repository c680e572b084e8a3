package io.embedgate.providers;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.embedgate.fakes.FakeJina;
import io.embedgate.testing.InjectFake;
import io.embedgate.testing.LeakCheck;
import io.embedgate.testing.SelfHostedUpstreamsResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * No provider key of Jina, Ollama and TEI reaches a response, a debug trace (with the upstream exchange) or a
 * log line at DEBUG: successes, wrong keys and provider errors. The first three providers are covered
 * by {@code SecretsNeverLeakTest}.
 */
@QuarkusTest
@WithTestResource(SelfHostedUpstreamsResource.class)
class SelfHostedSecretsTest {

    @InjectFake
    FakeJina jina;

    @Test
    void noKeyLeaks() {
        LeakCheck.assertNoLeaks(List.of(jina.apiKey(), SelfHostedUpstreamsResource.WRONG_JINA_KEY),
                List.of(req("jina-embeddings-v3"), req("jina-wrong-key"), req("nomic-embed-text-v1.5"), req("nomic-tei")));
    }

    static String req(String model) {
        return "{\"model\":\"" + model + "\",\"input\":[\"leak check\"],\"embedding_options\":{\"input_type\":\"query\"}}";
    }
}
