package io.embedgate.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import org.junit.jupiter.api.Test;

import io.embedgate.catalog.Candidate;
import io.embedgate.catalog.CatalogModel;
import io.embedgate.catalog.ProviderInstance;
import io.embedgate.catalog.ResolvedModel;
import io.embedgate.provider.google.GoogleAdapter;
import io.embedgate.provider.mistral.MistralAdapter;
import io.embedgate.spi.ModelCapabilities;
import io.embedgate.spi.OutputDtype;
import io.embedgate.spi.ProviderAdapter;

/** {@link OutputShape} with {@link EmbeddingOptions}: size and dtype options fold into the call, only from serving providers. */
class OutputShapeTest {

    private static final Map<String, ProviderAdapter> ADAPTERS = Map.of("mistral", new MistralAdapter(), "google", new GoogleAdapter());

    private static final ModelCapabilities CODESTRAL = ModelCapabilities.builder(1536).reducibleBetween(1, 3072).maxInputsPerCall(512)
            .dtypes(EnumSet.allOf(OutputDtype.class)).build();

    @Test
    void theDefaultSizeIsNeverSentUpstream() {
        ResolvedModel m = model(CODESTRAL, "mistral");
        assertEquals(new OutputShape(1536, OptionalInt.empty(), OutputDtype.FLOAT), OutputShape.of(null, options(null), m));
        assertEquals(new OutputShape(1536, OptionalInt.empty(), OutputDtype.FLOAT), OutputShape.of(1536, options(null), m));
        assertEquals(new OutputShape(3072, OptionalInt.of(3072), OutputDtype.FLOAT), OutputShape.of(3072, options(null), m));
    }

    @Test
    void aServingProvidersOptionsBecomeCallFieldsAndAreNotForwarded() {
        EmbeddingOptions o = options(Map.of("mistral", Map.of("output_dimension", 512, "output_dtype", "int8"), "normalize", false));
        assertEquals(new OutputShape(512, OptionalInt.of(512), OutputDtype.INT8), OutputShape.of(null, o, model(CODESTRAL, "mistral")));
        assertEquals(Map.of("mistral", Map.of()), o.forwarded());
        assertEquals(false, o.normalize());
    }

    @Test
    void optionsOfProvidersNotServingTheModelAreIgnored() {
        EmbeddingOptions o = options(Map.of("google", Map.of("output_dimensionality", 256, "task_type", "CLUSTERING")));
        assertEquals(new OutputShape(1536, OptionalInt.empty(), OutputDtype.FLOAT), OutputShape.of(null, o, model(CODESTRAL, "mistral")));
        assertEquals(Map.of("google", Map.of("task_type", "CLUSTERING")), o.forwarded());
    }

    @Test
    void disagreementsNameTheOptionThatDiffers() {
        EmbeddingOptions mistral = options(Map.of("mistral", Map.of("output_dimension", 512)));
        ApiException withField = assertThrows(ApiException.class, () -> OutputShape.of(256, mistral, model(CODESTRAL, "mistral")));
        assertEquals("embedding_options.mistral.output_dimension", withField.param());

        EmbeddingOptions both = options(Map.of("google", Map.of("output_dimensionality", 256), "mistral", Map.of("output_dimension", 512)));
        ApiException between = assertThrows(ApiException.class, () -> OutputShape.of(null, both, model(CODESTRAL, "google", "mistral")));
        assertEquals("embedding_options.mistral.output_dimension", between.param());
        assertEquals("embedding_options.google.output_dimensionality and embedding_options.mistral.output_dimension differ.",
                between.getMessage());
    }

    @Test
    void theSizeMustBeOneTheModelCanReturn() {
        ModelCapabilities fixed = ModelCapabilities.fixed(1024, 512);
        ApiException notReducible = assertThrows(ApiException.class, () -> OutputShape.of(512, options(null), model(fixed, "mistral")));
        assertEquals("dimensions", notReducible.param());
        ApiException viaOption = assertThrows(ApiException.class,
                () -> OutputShape.of(null, options(Map.of("mistral", Map.of("output_dimension", 4096))), model(CODESTRAL, "mistral")));
        assertEquals("embedding_options.mistral.output_dimension", viaOption.param());
    }

    private static EmbeddingOptions options(Map<String, Object> raw) {
        return EmbeddingOptions.parse(raw, type -> Optional.ofNullable(ADAPTERS.get(type)));
    }

    private static ResolvedModel model(ModelCapabilities caps, String... types) {
        List<Candidate> candidates = Arrays.stream(types)
                .map(t -> new Candidate(new ProviderInstance(t, t, false, 1, 0, null), "codestral-embed", caps)).toList();
        return new ResolvedModel(new CatalogModel("codestral-embed", candidates, List.of(), caps), candidates, Optional.empty());
    }
}
