package io.embedgate.spi;

import java.util.EnumSet;
import java.util.Set;

/**
 * What one model at one provider can do. Drives validation (dimensions, token ids, dtypes) and
 * batch splitting in the gateway.
 *
 * @param nativeDimensions  the size returned when no dimensions are requested
 * @param minDimensions     smallest size that may be requested (when reducible)
 * @param reducible         whether a smaller size may be requested at all
 * @param maxInputsPerCall  the provider's cap on inputs per upstream request
 * @param maxTokensPerInput the documented per-input context, 0 when unknown
 * @param tokenIdInput      whether token-id arrays are accepted as input
 * @param dtypes            supported output element types (always contains FLOAT)
 * @param normalized        whether the provider returns unit-length vectors at every size
 */
public record ModelCapabilities(
        int nativeDimensions,
        int minDimensions,
        boolean reducible,
        int maxInputsPerCall,
        int maxTokensPerInput,
        boolean tokenIdInput,
        Set<OutputDtype> dtypes,
        boolean normalized) {

    public ModelCapabilities {
        if (nativeDimensions < 1) {
            throw new IllegalArgumentException("nativeDimensions must be >= 1");
        }
        if (maxInputsPerCall < 1) {
            throw new IllegalArgumentException("maxInputsPerCall must be >= 1");
        }
        minDimensions = reducible ? Math.max(1, Math.min(minDimensions, nativeDimensions)) : nativeDimensions;
        EnumSet<OutputDtype> all = EnumSet.of(OutputDtype.FLOAT);
        if (dtypes != null) {
            all.addAll(dtypes);
        }
        dtypes = Set.copyOf(all);
    }

    /** A model with one fixed output size. */
    public static ModelCapabilities fixed(int dimensions, int maxInputsPerCall) {
        return new ModelCapabilities(dimensions, dimensions, false, maxInputsPerCall, 0, false, Set.of(), true);
    }

    public int maxDimensions() {
        return nativeDimensions;
    }

    public boolean allowsDimensions(int requested) {
        return reducible ? requested >= minDimensions && requested <= nativeDimensions : requested == nativeDimensions;
    }

    public ModelCapabilities withNativeDimensions(int v) {
        return new ModelCapabilities(v, minDimensions, reducible, maxInputsPerCall, maxTokensPerInput, tokenIdInput, dtypes, normalized);
    }

    public ModelCapabilities withMinDimensions(int v) {
        return new ModelCapabilities(nativeDimensions, v, reducible, maxInputsPerCall, maxTokensPerInput, tokenIdInput, dtypes, normalized);
    }

    public ModelCapabilities withReducible(boolean v) {
        return new ModelCapabilities(nativeDimensions, v ? 1 : nativeDimensions, v, maxInputsPerCall, maxTokensPerInput, tokenIdInput, dtypes, normalized);
    }

    public ModelCapabilities withMaxInputsPerCall(int v) {
        return new ModelCapabilities(nativeDimensions, minDimensions, reducible, v, maxTokensPerInput, tokenIdInput, dtypes, normalized);
    }

    public ModelCapabilities withTokenIdInput(boolean v) {
        return new ModelCapabilities(nativeDimensions, minDimensions, reducible, maxInputsPerCall, maxTokensPerInput, v, dtypes, normalized);
    }
}
