package io.embedgate.provider.openai;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.embedgate.spi.InputType;
import io.embedgate.spi.InstanceSettings;
import io.embedgate.spi.ModelCapabilities;

/**
 * What one OpenAI-compatible host takes and knows, resolved for one instance (the preset's values with the
 * instance's own settings over them). See {@code embedgate/openai-presets.properties} for each key.
 *
 * @param name        the preset's name ({@code openai} for the plain type)
 * @param baseUrl     the host's default base URL
 * @param keyRequired whether an instance needs a key (auth {@code bearer}) or not (auth {@code none})
 * @param base64      whether requests ask for base64 float32
 * @param user        whether the request's user id is sent
 * @param extraFields request members beyond OpenAI's that the host takes ({@code input_type}, {@code truncate})
 * @param inputTypes  the host's {@code input_type} value for each gateway input type it has one for
 * @param models      the host's known models
 * @param maxInputs   the host's cap on inputs per call, also for models it does not list
 */
record OpenAiPreset(String name, Optional<URI> baseUrl, boolean keyRequired, boolean base64, boolean user, List<String> extraFields,
        Map<InputType, String> inputTypes, Map<String, ModelCapabilities> models, int maxInputs) {

    OpenAiPreset {
        extraFields = List.copyOf(extraFields);
        inputTypes = Map.copyOf(inputTypes);
        models = Map.copyOf(models);
    }

    Optional<ModelCapabilities> model(String upstreamModel) {
        return Optional.ofNullable(models.get(upstreamModel));
    }

    Optional<String> inputTypeValue(InputType type) {
        return Optional.ofNullable(inputTypes.get(type));
    }

    boolean takes(String field) {
        return extraFields.contains(field);
    }

    /** The instance with this preset's base URL when it configures none. */
    InstanceSettings applyTo(InstanceSettings instance) {
        return instance.baseUrl().isPresent() ? instance : instance.withBaseUrl(baseUrl);
    }
}
