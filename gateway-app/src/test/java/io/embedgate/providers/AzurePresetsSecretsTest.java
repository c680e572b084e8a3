package io.embedgate.providers;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.embedgate.fakes.FakeAzureOpenAi;
import io.embedgate.testing.AzurePresetsResource;
import io.embedgate.testing.InjectFake;
import io.embedgate.testing.LeakCheck;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * No provider key of Azure OpenAI and the OpenAI-compatible presets reaches a response, a debug trace (with the upstream exchange) or a
 * log line at DEBUG: successes, wrong keys and provider errors. The first three providers are covered
 * by {@code SecretsNeverLeakTest}.
 */
@QuarkusTest
@WithTestResource(AzurePresetsResource.class)
class AzurePresetsSecretsTest {

    @InjectFake
    FakeAzureOpenAi azure;

    @Test
    void noKeyLeaks() {
        LeakCheck.assertNoLeaks(
                List.of(azure.apiKey(), AzurePresetsResource.WRONG_AZURE_KEY, AzurePresetsResource.NIM_KEY,
                        AzurePresetsResource.OPENROUTER_KEY, AzurePresetsResource.GEMINI_KEY, AzurePresetsResource.TOGETHER_KEY),
                List.of(req("azure-small"), req("azure-v1-small"), req("azure-badkey-model"), req("azure-missing"),
                        req("nvidia/nv-embedqa-e5-v5"), req("gemini-compat"), req("bge-large-together"), req("or-small")));
    }

    static String req(String model) {
        return "{\"model\":\"" + model + "\",\"input\":[\"leak check\"],\"embedding_options\":{\"input_type\":\"query\"}}";
    }
}
