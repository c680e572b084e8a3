package io.embedgate.provider.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.embedgate.spi.InputType;
import io.embedgate.spi.InstanceSettings;
import io.embedgate.spi.ModelCapabilities;

class OpenAiPresetsTest {

    static final OpenAiPresets PRESETS = OpenAiPresets.load();

    static InstanceSettings instance(String preset, String baseUrl, String key, Map<String, String> settings) {
        return new InstanceSettings("host", "openai", Optional.ofNullable(baseUrl).map(URI::create), Optional.ofNullable(key), Map.of(),
                Duration.ofSeconds(1), 1, Optional.ofNullable(preset), settings);
    }

    @Test
    void shipsEveryPresetOfTheBrief() {
        assertEquals(List.of("deepinfra", "fireworks", "gemini-openai", "lmstudio", "nvidia-nim", "ollama-openai", "openai", "openrouter",
                "tei-openai", "together", "vllm"), PRESETS.names());
        for (String name : PRESETS.names()) {
            OpenAiPreset p = PRESETS.resolve(instance(name, null, "k", Map.of()));
            assertEquals(!name.equals("openai"), p.baseUrl().isPresent(), name);
        }
    }

    @Test
    void unknownPresetFailsNamingThePresets() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> PRESETS.resolve(instance("togther", null, "k", Map.of())));
        assertTrue(e.getMessage().contains("gateway.providers.host.preset=togther"), e.getMessage());
        assertTrue(e.getMessage().contains("together, vllm"), e.getMessage());
    }

    @Test
    void noPresetIsPlainOpenAi() {
        OpenAiPreset p = PRESETS.resolve(instance(null, "https://api.openai.com/v1", "k", Map.of()));
        assertEquals("openai", p.name());
        ModelCapabilities small = p.model("text-embedding-3-small").orElseThrow();
        assertTrue(small.reducible());
        assertTrue(small.tokenIdInput());
        assertEquals(2048, small.maxInputsPerCall());
        assertEquals(300_000, small.maxTokensPerCall());
        assertFalse(p.model("text-embedding-ada-002").orElseThrow().reducible());
        assertTrue(p.base64() && p.user() && p.keyRequired());
        assertTrue(p.inputTypes().isEmpty());
    }

    @Test
    void baseUrlComesFromThePresetUnlessConfigured() {
        OpenAiPreset nim = PRESETS.resolve(instance("nvidia-nim", null, "k", Map.of()));
        assertEquals(URI.create("https://integrate.api.nvidia.com/v1"), nim.applyTo(instance("nvidia-nim", null, "k", Map.of())).baseUrl()
                .orElseThrow());
        assertEquals(URI.create("http://gpu-box:8000/v1"),
                nim.applyTo(instance("nvidia-nim", "http://gpu-box:8000/v1", null, Map.of())).baseUrl().orElseThrow());
    }

    @Test
    void nimMapsInputTypesAndTakesItsFields() {
        OpenAiPreset nim = PRESETS.resolve(instance("nvidia-nim", null, "k", Map.of()));
        assertEquals(Optional.of("query"), nim.inputTypeValue(InputType.QUERY));
        assertEquals(Optional.of("passage"), nim.inputTypeValue(InputType.DOCUMENT));
        assertEquals(Optional.of("query"), nim.inputTypeValue(InputType.CODE_QUERY));
        assertEquals(Optional.of("passage"), nim.inputTypeValue(InputType.CODE_DOCUMENT));
        assertEquals(Optional.empty(), nim.inputTypeValue(InputType.CLUSTERING));
        assertTrue(nim.takes("input_type") && nim.takes("truncate"));
        ModelCapabilities e5 = nim.model("nvidia/nv-embedqa-e5-v5").orElseThrow();
        assertEquals(1024, e5.nativeDimensions());
        assertFalse(e5.reducible());
        assertEquals(50, e5.maxInputsPerCall());
        ModelCapabilities nemo = nim.model("nvidia/llama-3.2-nv-embedqa-1b-v2").orElseThrow();
        assertEquals(384, nemo.minDimensions());
        assertEquals(2048, nemo.maxDimensions());
    }

    @Test
    void openRouterPassesSearchVocabularyAndOthersNone() {
        OpenAiPreset or = PRESETS.resolve(instance("openrouter", null, "k", Map.of()));
        assertEquals(Optional.of("search_query"), or.inputTypeValue(InputType.QUERY));
        assertEquals(Optional.of("search_document"), or.inputTypeValue(InputType.DOCUMENT));
        assertEquals(Optional.empty(), or.inputTypeValue(InputType.SIMILARITY));
        assertTrue(or.model("openai/text-embedding-3-small").orElseThrow().tokenIdInput());
        for (String name : List.of("together", "fireworks", "deepinfra", "vllm", "lmstudio", "gemini-openai", "ollama-openai",
                "tei-openai")) {
            OpenAiPreset p = PRESETS.resolve(instance(name, null, "k", Map.of()));
            assertTrue(p.inputTypes().isEmpty(), name);
            assertFalse(p.takes("input_type"), name);
        }
    }

    @Test
    void hostQuirks() {
        OpenAiPreset vllm = PRESETS.resolve(instance("vllm", null, null, Map.of()));
        assertFalse(vllm.keyRequired());
        assertFalse(vllm.model("BAAI/bge-m3").orElseThrow().reducible(), "not Matryoshka: vLLM answers 400 to dimensions");
        assertTrue(vllm.model("nomic-ai/nomic-embed-text-v1.5").orElseThrow().reducible());
        assertTrue(vllm.model("BAAI/bge-m3").orElseThrow().tokenIdInput());
        OpenAiPreset ollama = PRESETS.resolve(instance("ollama-openai", null, null, Map.of()));
        assertFalse(ollama.keyRequired() || ollama.user());
        assertFalse(ollama.model("nomic-embed-text").orElseThrow().tokenIdInput());
        OpenAiPreset gemini = PRESETS.resolve(instance("gemini-openai", null, "k", Map.of()));
        assertEquals(100, gemini.model("gemini-embedding-001").orElseThrow().maxInputsPerCall());
        assertFalse(gemini.base64());
        assertTrue(PRESETS.resolve(instance("tei-openai", null, null, Map.of())).models().isEmpty(), "TEI serves any model");
    }

    @Test
    void adapterValidatesPerAuthStyle() {
        OpenAiAdapter adapter = new OpenAiAdapter();
        assertEquals(List.of(), adapter.validate(instance("vllm", null, null, Map.of())), "keyless, URL from the preset");
        assertEquals(List.of("no api-key configured"), adapter.validate(instance("together", null, null, Map.of())));
        assertEquals(List.of("no base-url configured", "no api-key configured"), adapter.validate(instance(null, null, null, Map.of())));
        assertEquals(1, adapter.validate(instance("vllm", null, null, Map.of("encoding", "float"))).size());
        assertEquals(Optional.of("passage"),
                adapter.inputTypeValue(instance("nvidia-nim", null, "k", Map.of()), InputType.DOCUMENT, "nvidia/nv-embedqa-e5-v5"));
        assertEquals(Optional.empty(), adapter.inputTypeValue(instance(null, "https://x/v1", "k", Map.of()), InputType.DOCUMENT, "m"));
        assertEquals(Optional.of("input_type"), adapter.inputTypeOption());
        assertTrue(adapter.knownModel("text-embedding-3-large").isPresent());
        assertTrue(adapter.knownModel(instance("together", null, "k", Map.of()), "text-embedding-3-large").isEmpty());
    }

    @Test
    void instanceSettingsWinOverThePreset() {
        OpenAiPreset p = PRESETS.resolve(instance("fireworks", null, "k",
                Map.of("base64", "true", "dimensions", "false", "max-inputs", "16", "input-type.query", "q", "extra-fields",
                        "input_type")));
        assertTrue(p.base64());
        ModelCapabilities nomic = p.model("nomic-ai/nomic-embed-text-v1.5").orElseThrow();
        assertFalse(nomic.reducible());
        assertEquals(16, nomic.maxInputsPerCall());
        assertEquals(Optional.of("q"), p.inputTypeValue(InputType.QUERY));
        assertTrue(p.takes("input_type"));
        OpenAiPreset selfHostedNim = PRESETS.resolve(instance("nvidia-nim", "http://gpu:8000/v1", null, Map.of("auth", "none")));
        assertFalse(selfHostedNim.keyRequired());
    }

    @Test
    void badSettingsNameTheirKey() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> PRESETS.resolve(instance("vllm", null, null, Map.of("base64", "yes"))));
        assertTrue(e.getMessage().contains("gateway.providers.host.settings.base64=yes"), e.getMessage());
        List<String> problems = OpenAiPresets
                .unknownSettings(instance("vllm", null, null, Map.of("base-64", "true", "input-type.query", "q")));
        assertEquals(1, problems.size());
        assertTrue(problems.get(0).contains("settings.base-64"), problems.get(0));
    }
}
