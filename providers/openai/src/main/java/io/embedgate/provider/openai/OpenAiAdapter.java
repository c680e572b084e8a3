package io.embedgate.provider.openai;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.embedgate.provider.support.HttpProviderClient;
import io.embedgate.provider.support.UpstreamEndpoint;
import io.embedgate.provider.support.UpstreamHttp;
import io.embedgate.spi.InputType;
import io.embedgate.spi.InstanceSettings;
import io.embedgate.spi.ModelCapabilities;
import io.embedgate.spi.OptionSpec;
import io.embedgate.spi.ProviderAdapter;
import io.embedgate.spi.ProviderClient;
import io.vertx.core.Vertx;

/**
 * The OpenAI embeddings API, and any server speaking it. Base URL as in the SDKs, e.g.
 * {@code https://api.openai.com/v1}. An instance's {@code preset} (together, vllm, nvidia-nim, ...)
 * brings an OpenAI-compatible host's URL, auth, known models and quirks; see {@link OpenAiPresets}.
 */
@ApplicationScoped
public class OpenAiAdapter implements ProviderAdapter {

    /** Quarkus' Vert.x instance: the HTTP client of every instance runs on its event loops. */
    @Inject
    Vertx vertx;

    public static final String TYPE = "openai";
    static final String INPUT_TYPE = "input_type";
    static final String TRUNCATE = "truncate";

    private static final OpenAiPresets PRESETS = OpenAiPresets.load();
    private static final OpenAiPreset OPENAI = PRESETS.openAi();

    /** Options only some hosts take; an instance whose preset does not take one does not send it. */
    static final List<OptionSpec> OPTIONS = List.of(
            OptionSpec.text(INPUT_TYPE).foldsInto(OptionSpec.Fold.INPUT_TYPE)
                    .describe("What the text is for, in the host's words (NVIDIA NIM: query or passage; OpenRouter: passed on); "
                            + "sent only to hosts that take it (presets nvidia-nim, openrouter)."),
            OptionSpec.oneOf(TRUNCATE, "NONE", "START", "END")
                    .describe("How NVIDIA NIM shortens an over-long input (default NONE: an error); sent only to nvidia-nim."));

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Map<String, ModelCapabilities> knownModels() {
        return OPENAI.models();
    }

    @Override
    public String describe() {
        return "OpenAI embeddings API, POST {base}/embeddings, and any server that speaks it";
    }

    @Override
    public Optional<ModelCapabilities> knownModel(String upstreamModel) {
        return OPENAI.model(upstreamModel);
    }

    @Override
    public Optional<ModelCapabilities> knownModel(InstanceSettings instance, String upstreamModel) {
        return PRESETS.resolve(instance).model(upstreamModel);
    }

    @Override
    public java.util.OptionalInt maxInputsPerCall(InstanceSettings instance) {
        return java.util.OptionalInt.of(PRESETS.resolve(instance).maxInputs());
    }

    @Override
    public List<OptionSpec> options() {
        return OPTIONS;
    }

    @Override
    public Optional<String> inputTypeValue(InstanceSettings instance, InputType type, String upstreamModel) {
        return PRESETS.resolve(instance).inputTypeValue(type);
    }

    @Override
    public List<String> validate(InstanceSettings settings) {
        OpenAiPreset preset = PRESETS.resolve(settings);
        InstanceSettings resolved = preset.applyTo(settings);
        List<String> problems = new ArrayList<>(
                preset.keyRequired() ? UpstreamHttp.problems(resolved) : UpstreamHttp.urlProblems(resolved));
        problems.addAll(OpenAiPresets.unknownSettings(settings));
        return problems;
    }

    @Override
    public ProviderClient connect(InstanceSettings settings) {
        OpenAiPreset preset = PRESETS.resolve(settings);
        String key = settings.apiKey().orElse("");
        UpstreamEndpoint endpoint = UpstreamEndpoint.of(preset.applyTo(settings),
                key.isEmpty() ? Map.of() : Map.of("Authorization", "Bearer " + key));
        return new HttpProviderClient(UpstreamHttp.connect(vertx, preset.applyTo(settings), endpoint), key, OpenAiWire.wire(preset));
    }
}
