package io.embedgate.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.embedgate.catalog.Catalog;
import io.embedgate.catalog.CatalogModel;
import io.embedgate.testing.FakeUpstreamsResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The price table in docs/cost.md is the catalogue's: every priced model, at its price, and no other. */
@QuarkusTest
@WithTestResource(FakeUpstreamsResource.class)
class PricesDocTest {

    private static final Pattern ROW = Pattern.compile("(?m)^\\| `([^`]+)` \\| ([0-9.]+) \\|");

    @Inject
    Catalog catalog;

    @Test
    void theDocumentedPricesAreTheCataloguesPrices() throws IOException {
        Map<String, BigDecimal> documented = new TreeMap<>();
        Matcher m = ROW.matcher(Files.readString(Path.of("..", "docs", "cost.md"), StandardCharsets.UTF_8));
        while (m.find()) {
            documented.put(m.group(1), new BigDecimal(m.group(2)).stripTrailingZeros());
        }
        Map<String, BigDecimal> shipped = new TreeMap<>();
        for (CatalogModel model : catalog.models().values()) {
            model.price().ifPresent(p -> shipped.put(model.id(), p.usdPerMillionTokens().stripTrailingZeros()));
        }
        // The test resource prices no model of its own, so what is priced here comes from the modules' defaults.
        assertEquals(shipped, documented);
    }
}
