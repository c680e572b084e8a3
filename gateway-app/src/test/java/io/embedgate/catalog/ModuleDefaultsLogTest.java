package io.embedgate.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.embedgate.config.GatewayConfig;
import io.embedgate.spi.ProviderAdapter;
import io.embedgate.testing.AzurePresetsResource;
import io.embedgate.testing.LogCapture;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Instances that only a provider module's defaults configure (hosted presets waiting for their key
 * variable) cost one INFO line at start-up; an instance the operator configured still warns.
 */
@QuarkusTest
@WithTestResource(AzurePresetsResource.class)
class ModuleDefaultsLogTest {

    @Inject
    GatewayConfig config;

    @Inject
    @Any
    Instance<ProviderAdapter> adapters;

    @Test
    void keylessModuleDefaultsAreOneInfoLineAndExplicitInstancesWarn() {
        Catalog catalog;
        List<String> warnings;
        List<String> infos;
        try (LogCapture log = LogCapture.of(Catalog.class.getName())) {
            catalog = new Catalog(config, adapters);
            warnings = log.warnings();
            infos = log.infos();
        }
        try {
            assertEquals(List.of("Provider instance 'explicit-nokey' (openai) is disabled: no api-key configured"), warnings);
            List<String> quiet = infos.stream().filter(l -> l.contains("modules' defaults")).toList();
            assertEquals(1, quiet.size(), infos.toString());
            for (String name : List.of("fireworks", "deepinfra", "openai", "mistral", "google", "cohere", "voyage", "jina", "ollama",
                    "tei")) {
                assertTrue(quiet.get(0).contains(name), quiet.get(0));
            }
            // Instances the test resource configures are enabled, and so not listed.
            for (String name : List.of("nvidia-nim", "openrouter", "together", "explicit-nokey")) {
                assertFalse(quiet.get(0).contains(name), quiet.get(0));
            }
        } finally {
            catalog.close();
        }
    }
}
