package io.embedgate.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** {@link ModelCapabilities#builder}: unnamed columns keep the plainest value; the record still checks the result. */
class ModelCapabilitiesBuilderTest {

    @Test
    void unnamedStepsKeepTheDefaults() {
        ModelCapabilities c = ModelCapabilities.builder(768).maxInputsPerCall(100).build();
        assertEquals(768, c.nativeDimensions());
        assertEquals(768, c.minDimensions());
        assertEquals(768, c.maxDimensions());
        assertFalse(c.reducible());
        assertEquals(100, c.maxInputsPerCall());
        assertEquals(0, c.maxTokensPerCall());
        assertEquals(0, c.maxTokensPerInput());
        assertFalse(c.tokenIdInput());
        assertEquals(Set.of(OutputDtype.FLOAT), c.dtypes());
        assertTrue(c.normalized());
        assertEquals(ModelCapabilities.fixed(768, 100), c);
    }

    @Test
    void everyStepSetsItsColumn() {
        ModelCapabilities c = ModelCapabilities.builder(1536).reducibleBetween(1, 3072).maxInputsPerCall(512).maxTokensPerCall(16384)
                .maxTokensPerInput(8192).tokenIdInput().dtypes(Set.of(OutputDtype.INT8)).notAlwaysNormalized().build();
        assertEquals(1536, c.nativeDimensions());
        assertEquals(1, c.minDimensions());
        assertEquals(3072, c.maxDimensions());
        assertTrue(c.reducible());
        assertEquals(512, c.maxInputsPerCall());
        assertEquals(16384, c.maxTokensPerCall());
        assertEquals(8192, c.maxTokensPerInput());
        assertTrue(c.tokenIdInput());
        assertEquals(EnumSet.of(OutputDtype.FLOAT, OutputDtype.INT8), c.dtypes());
        assertFalse(c.normalized());
    }

    @Test
    void reducibleFromReachesUpToTheNativeSize() {
        ModelCapabilities c = ModelCapabilities.builder(3072).reducibleFrom(128).maxInputsPerCall(100).build();
        assertTrue(c.allowsDimensions(128));
        assertTrue(c.allowsDimensions(3072));
        assertFalse(c.allowsDimensions(127));
        assertFalse(c.allowsDimensions(3073));
        assertEquals(ModelCapabilities.reducible(3072, 1), ModelCapabilities.builder(3072).reducibleFrom(1).maxInputsPerCall(1).build());
    }

    @Test
    void theRecordStillValidates() {
        assertThrows(IllegalArgumentException.class, () -> ModelCapabilities.builder(768).build(), "maxInputsPerCall is required");
        assertThrows(IllegalArgumentException.class, () -> ModelCapabilities.builder(0).maxInputsPerCall(1).build());
    }
}
