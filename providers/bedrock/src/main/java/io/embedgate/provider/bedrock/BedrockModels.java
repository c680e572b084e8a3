package io.embedgate.provider.bedrock;

import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import io.embedgate.spi.ModelCapabilities;
import io.embedgate.spi.OutputDtype;

/**
 * What the adapter knows about Bedrock's embedding models, and which request body a model id takes.
 * A model id may be a base id ({@code amazon.titan-embed-text-v2:0}), a cross-region inference
 * profile ({@code us.cohere.embed-v4:0}: the base id's capabilities) or an ARN, whose last path
 * part is looked up the same way ({@code ...:inference-profile/eu.cohere.embed-v4:0}).
 */
final class BedrockModels {

    /** The request body a model takes. */
    enum Family {

        /** {@code {"inputText","dimensions","normalize"}}: one text per call. */
        TITAN_V2,
        /** {@code {"inputText"}} and nothing else: any other key is a 400 at Bedrock. */
        TITAN_G1,
        /** Cohere's v1-style body without {@code model}: {@code texts} (96 at most), {@code input_type}, ... */
        COHERE;

        static Optional<Family> fromSetting(String value) {
            return switch (value.toLowerCase(Locale.ROOT)) {
                case "titan-v2" -> Optional.of(TITAN_V2);
                case "titan-g1" -> Optional.of(TITAN_G1);
                case "cohere" -> Optional.of(COHERE);
                default -> Optional.empty();
            };
        }
    }

    /** Setting values of {@link Family#fromSetting}. */
    static final List<String> FAMILY_SETTINGS = List.of("titan-v2", "titan-g1", "cohere");

    /** Cross-region inference profile prefixes (https://docs.aws.amazon.com/bedrock/latest/userguide/inference-profiles-support.html). */
    private static final List<String> PROFILE_PREFIXES = List.of("us.", "eu.", "apac.", "global.");

    record Known(Family family, ModelCapabilities capabilities) {
    }

    static final Map<String, Known> KNOWN;

    static {
        // Titan v2: 256/512/1024, one text per call, 8,192 tokens. Not unit length when the client
        // sends normalize=false, so the gateway normalises when embedding_options.normalize asks for it.
        Known titanV2 = new Known(Family.TITAN_V2, ModelCapabilities.builder(1024).sizes(256, 512, 1024).maxInputsPerCall(1)
                .maxTokensPerInput(8192).notAlwaysNormalized().build());
        // G1: 1,536 values, one text per call; its vectors are not documented as unit length.
        Known titanG1 = new Known(Family.TITAN_G1,
                ModelCapabilities.builder(1536).maxInputsPerCall(1).maxTokensPerInput(8192).notAlwaysNormalized().build());
        // Cohere on Bedrock: 96 texts per call, every quantised type native.
        Known cohereV3 = new Known(Family.COHERE, ModelCapabilities.builder(1024).maxInputsPerCall(96).maxTokensPerInput(512)
                .dtypes(EnumSet.allOf(OutputDtype.class)).build());
        Known cohereV4 = new Known(Family.COHERE, ModelCapabilities.builder(1536).sizes(256, 512, 1024, 1536).maxInputsPerCall(96)
                .maxTokensPerInput(128_000).dtypes(EnumSet.allOf(OutputDtype.class)).build());
        KNOWN = Map.of(
                "amazon.titan-embed-text-v2:0", titanV2,
                "amazon.titan-embed-text-v1", titanG1,
                "amazon.titan-embed-g1-text-02", titanG1,
                "cohere.embed-english-v3", cohereV3,
                "cohere.embed-multilingual-v3", cohereV3,
                "cohere.embed-v4:0", cohereV4);
    }

    private BedrockModels() {
    }

    /** The base model id inside an ARN or an inference profile id; the id itself otherwise. */
    static String baseId(String modelId) {
        String id = modelId;
        if (id.startsWith("arn:")) {
            id = id.substring(id.lastIndexOf('/') + 1);
        }
        for (String prefix : PROFILE_PREFIXES) {
            if (id.startsWith(prefix)) {
                return id.substring(prefix.length());
            }
        }
        return id;
    }

    static Optional<Known> known(String modelId) {
        return Optional.ofNullable(KNOWN.get(baseId(modelId)));
    }

    /**
     * The body a model takes: the known model's, else a guess from the id's provider part (a custom or
     * imported Titan or Cohere model), else {@code fallback} (the instance's {@code model-family}), for
     * an opaque ARN such as a provisioned-throughput one.
     */
    static Family family(String modelId, Family fallback) {
        Optional<Known> k = known(modelId);
        if (k.isPresent()) {
            return k.get().family();
        }
        String id = baseId(modelId);
        if (id.startsWith("cohere.")) {
            return Family.COHERE;
        }
        if (id.startsWith("amazon.titan-embed-text-v1") || id.startsWith("amazon.titan-embed-g1")) {
            return Family.TITAN_G1;
        }
        if (id.startsWith("amazon.titan-embed-text")) {
            return Family.TITAN_V2;
        }
        return fallback;
    }
}
