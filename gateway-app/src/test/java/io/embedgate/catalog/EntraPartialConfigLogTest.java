package io.embedgate.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;

import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.embedgate.config.GatewayConfig;
import io.embedgate.fakes.FakeEntraId;
import io.embedgate.spi.ProviderAdapter;
import io.embedgate.testing.AzureEntraResource;
import io.embedgate.testing.LogCapture;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** An azure-openai instance with Entra ID client credentials but no secret is disabled with one warning naming the missing setting. */
@QuarkusTest
@WithTestResource(AzureEntraResource.class)
class EntraPartialConfigLogTest {

    @Inject
    GatewayConfig config;

    @Inject
    @Any
    Instance<ProviderAdapter> adapters;

    @Test
    void partialEntraCredentialsWarnNamingTheMissingSetting() {
        List<String> all;
        List<String> warnings;
        Catalog catalog;
        try (LogCapture log = LogCapture.of(Catalog.class.getName())) {
            catalog = new Catalog(config, adapters);
            warnings = log.warnings().stream().filter(l -> l.startsWith("Provider instance")).toList();
            all = log.lines().stream().map(LogCapture.Line::message).toList();
        }
        catalog.close();
        assertEquals(List.of("Provider instance 'azure-entra-partial' (azure-openai) is disabled: Entra ID client credentials are "
                + "incomplete: gateway.providers.azure-entra-partial.settings.client-secret not set"), warnings);
        for (String line : all) {
            assertFalse(line.contains(FakeEntraId.CLIENT_SECRET) || line.contains(AzureEntraResource.WRONG_SECRET)
                    || line.contains(AzureEntraResource.REVOKE_SECRET), line);
        }
    }
}
