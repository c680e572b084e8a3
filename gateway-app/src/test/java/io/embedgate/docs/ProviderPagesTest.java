package io.embedgate.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.embedgate.spi.InputType;
import io.embedgate.spi.OptionSpec;
import io.embedgate.spi.OutputDtype;
import io.embedgate.spi.ProviderAdapter;
import io.embedgate.testing.FakeUpstreamsResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Each provider type's page in {@code docs/providers/} is generated from its adapter's declarations
 * (options, input-type mapping, known models) and must match them: a stale page fails the build. After
 * changing an adapter, rewrite the pages with
 * {@code mvn -pl gateway-app test -Dtest=ProviderPagesTest -Ddocs.write=true}.
 */
@QuarkusTest
@WithTestResource(FakeUpstreamsResource.class)
class ProviderPagesTest {

    static final Path DIR = Path.of("..", "docs", "providers");

    @Inject
    @Any
    Instance<ProviderAdapter> adapters;

    @Test
    void everyProviderPageMatchesItsAdapter() throws IOException {
        boolean write = Boolean.getBoolean("docs.write");
        List<String> stale = new ArrayList<>();
        Map<String, ProviderAdapter> byType = new TreeMap<>();
        adapters.forEach(a -> byType.put(a.type(), a));
        for (ProviderAdapter a : byType.values()) {
            Path page = DIR.resolve(a.type() + ".md");
            String text = page(a);
            if (write) {
                Files.createDirectories(DIR);
                Files.writeString(page, text, StandardCharsets.UTF_8);
            } else if (!Files.exists(page) || !Files.readString(page, StandardCharsets.UTF_8).equals(text)) {
                stale.add(page.toString());
            }
        }
        assertEquals(List.of(), stale, "stale provider pages: run mvn -pl gateway-app test -Dtest=ProviderPagesTest -Ddocs.write=true");
        // The one providers table lists every provider type and links its page.
        String table = Files.readString(Path.of("..", "docs", "providers.md"), StandardCharsets.UTF_8);
        for (String type : byType.keySet()) {
            assertTrue(table.contains("(providers/" + type + ".md)"), "docs/providers.md links providers/" + type + ".md");
        }
    }

    static String page(ProviderAdapter a) {
        StringBuilder b = new StringBuilder();
        b.append("# Provider type `").append(a.type()).append("`\n\n");
        b.append("<!-- Generated from the adapter's declarations by ProviderPagesTest; do not edit by hand. -->\n\n");
        b.append(a.describe()).append(".\n\n");
        b.append("## Options: `embedding_options.").append(a.type()).append("`\n\n");
        if (a.options().isEmpty()) {
            b.append("None.\n\n");
        } else {
            b.append("| option | value | sent as | stands for | what it does |\n|---|---|---|---|---|\n");
            for (OptionSpec o : a.options()) {
                b.append("| `").append(o.name()).append("` | ").append(o.expected()).append(" | `").append(o.sentAs()).append("` | ")
                        .append(switch (o.fold()) {
                            case NONE -> "";
                            case DIMENSIONS -> "`dimensions`";
                            case DTYPE -> "`embedding_options.output_dtype`";
                            case INPUT_TYPE -> "`embedding_options.input_type`";
                        }).append(" | ").append(o.description()).append(" |\n");
            }
            b.append('\n');
        }
        b.append("## `embedding_options.input_type`\n\n");
        if (a.inputTypeOption().isEmpty()) {
            b.append("No option of its own: a model's text prefixes apply (`gateway.models.<id>.input-prefixes.*`).\n\n");
        } else {
            // One row per distinct mapping among the known models (they may differ by model family).
            Map<String, List<String>> byMapping = new LinkedHashMap<>();
            List<String> models = a.knownModels().isEmpty() ? List.of("") : new ArrayList<>(new TreeMap<>(a.knownModels()).keySet());
            for (String model : models) {
                String mapping = java.util.Arrays.stream(InputType.values())
                        .map(t -> a.inputTypeValue(t, model).map(v -> "`" + v + "`").orElse("(provider default)"))
                        .collect(Collectors.joining(" | "));
                byMapping.computeIfAbsent(mapping, k -> new ArrayList<>()).add(model);
            }
            b.append("Sets `").append(a.inputTypeOption().get()).append("`:\n\n| models | ");
            b.append(java.util.Arrays.stream(InputType.values()).map(InputType::wireName).collect(Collectors.joining(" | ")))
                    .append(" |\n|---|");
            b.append("---|".repeat(InputType.values().length)).append('\n');
            byMapping.forEach((mapping, ms) -> b.append("| ").append(ms.equals(List.of("")) ? "all" : String.join(", ", ms))
                    .append(" | ").append(mapping).append(" |\n"));
            b.append('\n');
        }
        b.append("## Known models\n\n");
        if (a.knownModels().isEmpty()) {
            b.append("None built in: give each catalogue entry its `dimensions` (see docs/configuration.md).\n");
        } else {
            b.append(
                    "| model | dimensions | sizes | inputs per call | tokens per call | tokens per input | token ids | element types from the provider |\n");
            b.append("|---|---|---|---|---|---|---|---|\n");
            new TreeMap<>(a.knownModels()).forEach((name, c) -> b.append("| `").append(name).append("` | ").append(c.nativeDimensions())
                    .append(" | ").append(!c.reducible() ? "fixed"
                            : c.sizes().isEmpty() ? c.minDimensions() + "–" + c.maxDimensions()
                                    : c.sizes().stream().sorted().map(String::valueOf).collect(Collectors.joining(", ")))
                    .append(" | ")
                    .append(c.maxInputsPerCall()).append(" | ").append(c.maxTokensPerCall() == 0 ? "—" : c.maxTokensPerCall())
                    .append(" | ").append(c.maxTokensPerInput() == 0 ? "—" : c.maxTokensPerInput()).append(" | ")
                    .append(c.tokenIdInput() ? "yes" : "no").append(" | ")
                    .append(c.dtypes().stream().sorted().map(OutputDtype::wireName).collect(Collectors.joining(", "))).append(" |\n"));
            b.append("\nOther element types are computed by the gateway from the float vectors (see docs/api.md).\n");
        }
        b.append("\n## Configuration\n\n");
        b.append("What the provider's module configures by default (its `META-INF/microprofile-config.properties`): the default\n"
                + "instance, the environment variables it reads, and its catalogue entries. Any key can be overridden in\n"
                + "`application.properties` or by the environment, and further instances of this type are configured the same way\n"
                + "under other names (see docs/configuration.md).\n\n");
        b.append("```properties\n").append(moduleDefaults(a.type()).strip()).append("\n```\n");
        return b.toString();
    }

    /** The defaults file of the module whose default instance has this type. */
    static String moduleDefaults(String type) {
        try {
            var files = ProviderPagesTest.class.getClassLoader().getResources("META-INF/microprofile-config.properties");
            while (files.hasMoreElements()) {
                String text;
                try (var in = files.nextElement().openStream()) {
                    text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
                if (java.util.regex.Pattern
                        .compile("(?m)^gateway\\.providers\\.[^.=]+\\.type=" + java.util.regex.Pattern.quote(type) + "\\s*$")
                        .matcher(text).find()) {
                    return text;
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        throw new AssertionError("no module defaults file configures an instance of type " + type);
    }

}
