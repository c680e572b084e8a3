package io.embedgate.testing;

import io.embedgate.fakes.FakeOpenAi;

/** The fake OpenAI-compatible hosts of {@link AzurePresetsResource}, injected into tests with {@link InjectFake}. */
public record PresetFakes(FakeOpenAi nim, FakeOpenAi vllm, FakeOpenAi gemini, FakeOpenAi together, FakeOpenAi openrouter,
        FakeOpenAi lmstudio) {

    /** Forgets every fake's requests and queued faults. */
    public void reset() {
        nim.reset();
        vllm.reset();
        gemini.reset();
        together.reset();
        openrouter.reset();
        lmstudio.reset();
    }
}
