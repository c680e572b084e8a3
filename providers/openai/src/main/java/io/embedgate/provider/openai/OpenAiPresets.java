package io.embedgate.provider.openai;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeSet;

import io.embedgate.spi.InputType;
import io.embedgate.spi.InstanceSettings;
import io.embedgate.spi.ModelCapabilities;

/**
 * The presets of the {@code openai} type, read once from {@code embedgate/openai-presets.properties}: data,
 * so a host is added or corrected without code. Resolves an instance's preset with its settings over it.
 */
final class OpenAiPresets {

    static final String RESOURCE = "embedgate/openai-presets.properties";
    /** The plain OpenAI API: the preset of an instance that names none. */
    static final String OPENAI = "openai";

    private final Map<String, String> data;
    private final List<String> names;

    OpenAiPresets(Map<String, String> data) {
        this.data = Map.copyOf(data);
        TreeSet<String> n = new TreeSet<>();
        for (String key : data.keySet()) {
            if (key.endsWith(".auth")) {
                n.add(key.substring(0, key.length() - ".auth".length()));
            }
        }
        this.names = List.copyOf(n);
    }

    /** The presets shipped with the module. */
    static OpenAiPresets load() {
        Properties p = new Properties();
        try (InputStream in = OpenAiPresets.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the class path");
            }
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> m = new HashMap<>();
        p.forEach((k, v) -> m.put(k.toString(), v.toString().trim()));
        return new OpenAiPresets(m);
    }

    /** Every preset name, sorted. */
    List<String> names() {
        return names;
    }

    /** The plain OpenAI preset, for the type's instance-less model knowledge. */
    OpenAiPreset openAi() {
        return build(OPENAI, Map.of(), "openai");
    }

    /**
     * The instance's preset, its own settings over the preset's values.
     *
     * @throws IllegalStateException when the instance names a preset that does not exist: its start must fail
     */
    OpenAiPreset resolve(InstanceSettings instance) {
        String name = instance.preset().orElse(OPENAI);
        if (!names.contains(name)) {
            throw new IllegalStateException("gateway.providers." + instance.name() + ".preset=" + name
                    + " is not a preset of type openai; known presets: " + String.join(", ", names));
        }
        return build(name, instance.settings(), "gateway.providers." + instance.name() + ".settings.");
    }

    private OpenAiPreset build(String name, Map<String, String> settings, String settingsKey) {
        Values v = new Values(name, settings, settingsKey);
        boolean reducible = v.bool("dimensions");
        boolean tokenIds = v.bool("token-ids");
        int maxInputs = v.integer("max-inputs");
        Map<String, ModelCapabilities> models = new HashMap<>();
        String modelPrefix = name + ".model.";
        data.forEach((key, spec) -> {
            if (key.startsWith(modelPrefix)) {
                models.put(key.substring(modelPrefix.length()), model(key, spec, reducible, tokenIds, maxInputs));
            }
        });
        Map<InputType, String> inputTypes = new EnumMap<>(InputType.class);
        for (InputType t : InputType.values()) {
            v.text("input-type." + t.wireName()).ifPresent(value -> inputTypes.put(t, value));
        }
        String auth = v.text("auth").orElse("bearer");
        if (!auth.equals("bearer") && !auth.equals("none")) {
            throw new IllegalStateException(v.where("auth") + "=" + auth + " must be bearer or none");
        }
        List<String> extra = v.text("extra-fields").map(s -> Arrays.stream(s.split(",")).map(String::trim).filter(f -> !f.isEmpty())
                .toList()).orElse(List.of());
        return new OpenAiPreset(name, v.text("base-url").map(URI::create), auth.equals("bearer"), v.bool("base64"), v.bool("user"), extra,
                inputTypes, models, maxInputs);
    }

    /** {@code <dims> [reducible=<min>-<max> | sizes=<a>,<b>,...] [tokens=<n>] [call-tokens=<n>]}. */
    private static ModelCapabilities model(String key, String spec, boolean dimensionsTaken, boolean tokenIds, int maxInputs) {
        String[] parts = spec.split("\\s+");
        try {
            ModelCapabilities.Builder b = ModelCapabilities.builder(Integer.parseInt(parts[0])).maxInputsPerCall(maxInputs);
            for (int i = 1; i < parts.length; i++) {
                String[] kv = parts[i].split("=", 2);
                switch (kv[0]) {
                    case "reducible" -> {
                        String[] range = kv[1].split("-", 2);
                        if (dimensionsTaken) {
                            b.reducibleBetween(Integer.parseInt(range[0]), Integer.parseInt(range[1]));
                        }
                    }
                    case "sizes" -> {
                        if (dimensionsTaken) {
                            b.sizes(java.util.Arrays.stream(kv[1].split(",")).mapToInt(Integer::parseInt).toArray());
                        }
                    }
                    case "tokens" -> b.maxTokensPerInput(Integer.parseInt(kv[1]));
                    case "call-tokens" -> b.maxTokensPerCall(Integer.parseInt(kv[1]));
                    default -> throw new IllegalArgumentException("unknown attribute " + kv[0]);
                }
            }
            if (tokenIds) {
                b.tokenIdInput();
            }
            return b.build();
        } catch (RuntimeException e) {
            throw new IllegalStateException(
                    RESOURCE + ": " + key + "=" + spec + " is not '<dims> [reducible=<min>-<max> | sizes=<a>,<b>,...] [tokens=<n>]"
                            + " [call-tokens=<n>]' (" + e.getMessage() + ")",
                    e);
        }
    }

    /** One preset's values, the instance's settings first. */
    private final class Values {

        private final String preset;
        private final Map<String, String> settings;
        private final String settingsKey;

        Values(String preset, Map<String, String> settings, String settingsKey) {
            this.preset = preset;
            this.settings = settings;
            this.settingsKey = settingsKey;
        }

        Optional<String> text(String key) {
            String own = settings.get(key);
            if (own != null && !own.isBlank()) {
                return Optional.of(own.trim());
            }
            return Optional.ofNullable(data.get(preset + "." + key)).filter(s -> !s.isEmpty());
        }

        boolean bool(String key) {
            String s = text(key).orElse("false");
            if (!s.equals("true") && !s.equals("false")) {
                throw new IllegalStateException(where(key) + "=" + s + " must be true or false");
            }
            return s.equals("true");
        }

        int integer(String key) {
            String s = text(key).orElse("2048");
            try {
                int i = Integer.parseInt(s);
                if (i < 1) {
                    throw new NumberFormatException();
                }
                return i;
            } catch (NumberFormatException e) {
                throw new IllegalStateException(where(key) + "=" + s + " must be a positive integer");
            }
        }

        String where(String key) {
            return settings.containsKey(key) ? settingsKey + key : RESOURCE + ": " + preset + "." + key;
        }
    }

    /** The preset keys an instance may set under {@code settings.}; anything else there is a typo. */
    private static final List<String> SETTINGS = List.of("auth", "base64", "user", "token-ids", "dimensions", "max-inputs",
            "extra-fields");

    /** Settings of the instance that no preset key matches, as problems naming the key. */
    static List<String> unknownSettings(InstanceSettings instance) {
        List<String> problems = new ArrayList<>();
        for (String key : instance.settings().keySet()) {
            boolean inputType = key.startsWith("input-type.") && InputType.fromWireName(key.substring("input-type.".length())).isPresent();
            if (!SETTINGS.contains(key) && !inputType) {
                problems.add("gateway.providers." + instance.name() + ".settings." + key + " is not a setting of type openai; known: "
                        + String.join(", ", SETTINGS) + ", input-type.<" + InputType.wireNames().replace(", ", "|") + ">");
            }
        }
        return problems;
    }
}
