package io.embedgate.providers;

import static io.embedgate.testing.Api.embed;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.embedgate.fakes.FakeEntraId;
import io.embedgate.testing.AzureEntraResource;
import io.embedgate.testing.EntraFakes;
import io.embedgate.testing.InjectFake;
import io.embedgate.testing.LeakCheck;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Neither an Entra ID client secret (the right one, a wrong one) nor an access token the fake Entra ID
 * issued reaches a response, a full debug trace or a DEBUG log line: successes, a wrong secret, an
 * unknown tenant, a token endpoint that is down, and a token Azure refuses.
 */
@QuarkusTest
@WithTestResource(AzureEntraResource.class)
class AzureEntraSecretsTest {

    @InjectFake
    EntraFakes fakes;

    @Test
    void noSecretOrTokenLeaks() {
        List<String> requests = List.of(AzurePresetsSecretsTest.req("entra-small"), AzurePresetsSecretsTest.req("entra-short"),
                AzurePresetsSecretsTest.req("entra-badsecret"), AzurePresetsSecretsTest.req("entra-notenant"),
                AzurePresetsSecretsTest.req("entra-down"), AzurePresetsSecretsTest.req("entra-partial"));
        // Tokens fetched first, so that the check knows every token its requests carry.
        for (String model : List.of("entra-small", "entra-short", "entra-revoke")) {
            embed(AzurePresetsSecretsTest.req(model));
        }
        List<String> secrets = new ArrayList<>(List.of(FakeEntraId.CLIENT_SECRET, AzureEntraResource.WRONG_SECRET,
                AzureEntraResource.REVOKE_SECRET));
        secrets.addAll(fakes.entra().issuedTokens());
        secrets.addAll(fakes.shortLived().issuedTokens());
        int issued = fakes.entra().tokensIssued() + fakes.shortLived().tokensIssued();
        LeakCheck.assertNoLeaks(secrets, requests);

        // A token Azure refuses (revoked): the 401 path, its token never echoed.
        String revoke = AzurePresetsSecretsTest.req("entra-revoke");
        fakes.entra().issuedTokens().forEach(fakes.entra()::revoke);
        LeakCheck.assertNoLeaks(secrets, List.of(revoke));
        List<String> later = new ArrayList<>(fakes.entra().issuedTokens());
        later.addAll(fakes.shortLived().issuedTokens());
        assertFalse(later.size() < issued);
        // Tokens fetched during the checks (the revoked one's replacement, a short-lived one's successor) leak neither.
        LeakCheck.assertNoLeaks(later, requests);
    }
}
