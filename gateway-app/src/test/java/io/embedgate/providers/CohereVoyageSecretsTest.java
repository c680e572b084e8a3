package io.embedgate.providers;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.embedgate.fakes.FakeCohere;
import io.embedgate.fakes.FakeVoyage;
import io.embedgate.testing.CohereVoyageResource;
import io.embedgate.testing.InjectFake;
import io.embedgate.testing.LeakCheck;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * No provider key of Cohere and Voyage reaches a response, a debug trace (with the upstream exchange) or a
 * log line at DEBUG: successes, wrong keys and provider errors. The first three providers are covered
 * by {@code SecretsNeverLeakTest}.
 */
@QuarkusTest
@WithTestResource(CohereVoyageResource.class)
class CohereVoyageSecretsTest {

    @InjectFake
    FakeCohere cohere;
    @InjectFake
    FakeVoyage voyage;

    @Test
    void noKeyLeaks() {
        LeakCheck.assertNoLeaks(
                List.of(cohere.apiKey(), voyage.apiKey(), CohereVoyageResource.WRONG_COHERE_KEY, CohereVoyageResource.WRONG_VOYAGE_KEY),
                List.of(req("embed-v4.0"), req("voyage-3.5"), req("cohere-wrong-key"), req("voyage-wrong-key")));
    }

    static String req(String model) {
        return "{\"model\":\"" + model + "\",\"input\":[\"leak check\"],\"embedding_options\":{\"input_type\":\"query\"}}";
    }
}
