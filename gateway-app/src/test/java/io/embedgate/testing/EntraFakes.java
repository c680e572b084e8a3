package io.embedgate.testing;

import io.embedgate.fakes.FakeAzureOpenAi;
import io.embedgate.fakes.FakeEntraId;

/**
 * The fakes of {@link AzureEntraResource}, injected into tests with {@link InjectFake}: Entra ID, a
 * second Entra ID issuing short-lived tokens, and the Azure OpenAI resource that trusts both.
 */
public record EntraFakes(FakeEntraId entra, FakeEntraId shortLived, FakeAzureOpenAi azure) {

    public void reset() {
        entra.reset();
        shortLived.reset();
        azure.reset();
    }
}
