package io.embedgate.spi;

import java.util.EnumSet;
import java.util.Set;

/**
 * What one model at one provider can do. Drives validation (dimensions, token ids, dtypes),
 * normalisation and batch splitting in the gateway.
 *
 * @param nativeDimensions  the size returned when no dimensions are requested
 * @param minDimensions     smallest size that may be requested (when reducible)
 * @param maxDimensions     largest size that may be requested (when reducible; may exceed the default,
 *                          e.g. codestral-embed: 1536 by default, up to 3072)
 * @param reducible         whether another size may be requested at all
 * @param maxInputsPerCall  the provider's cap on inputs per upstream request
 * @param maxTokensPerCall  the provider's cap on tokens per upstream request, 0 when none
 * @param maxTokensPerInput the documented per-input context, 0 when unknown
 * @param tokenIdInput      whether token-id arrays are accepted as input
 * @param dtypes            supported output element types (always contains FLOAT)
 * @param normalized        whether the provider returns unit-length vectors at every size
 * @param sizes             the only sizes the provider takes within [min, max] (e.g. Cohere embed-v4.0:
 *                          256, 512, 1024, 1536); empty when any size in the range is fine
 */
public record ModelCapabilities(
        int nativeDimensions,
        int minDimensions,
        int maxDimensions,
        boolean reducible,
        int maxInputsPerCall,
        int maxTokensPerCall,
        int maxTokensPerInput,
        boolean tokenIdInput,
        Set<OutputDtype> dtypes,
        boolean normalized,
        Set<Integer> sizes) {

    public ModelCapabilities(int nativeDimensions, int minDimensions, int maxDimensions, boolean reducible, int maxInputsPerCall,
            int maxTokensPerCall, int maxTokensPerInput, boolean tokenIdInput, Set<OutputDtype> dtypes, boolean normalized) {
        this(nativeDimensions, minDimensions, maxDimensions, reducible, maxInputsPerCall, maxTokensPerCall, maxTokensPerInput, tokenIdInput,
                dtypes, normalized, Set.of());
    }

    public ModelCapabilities {
        if (nativeDimensions < 1) {
            throw new IllegalArgumentException("nativeDimensions must be >= 1");
        }
        if (maxInputsPerCall < 1) {
            throw new IllegalArgumentException("maxInputsPerCall must be >= 1");
        }
        if (reducible) {
            maxDimensions = Math.max(maxDimensions, nativeDimensions);
            minDimensions = Math.max(1, Math.min(minDimensions, nativeDimensions));
        } else {
            minDimensions = nativeDimensions;
            maxDimensions = nativeDimensions;
        }
        EnumSet<OutputDtype> all = EnumSet.of(OutputDtype.FLOAT);
        if (dtypes != null) {
            all.addAll(dtypes);
        }
        dtypes = Set.copyOf(all);
        sizes = sizes == null || !reducible ? Set.of() : Set.copyOf(sizes);
    }

    /**
     * A catalogue entry, one named step per column; what is not named keeps the plainest value: one
     * fixed size, no token caps, text input only, float only, unit-length vectors. The record's
     * constructor checks the result, so the rules stay in one place.
     */
    public static Builder builder(int nativeDimensions) {
        return new Builder(nativeDimensions);
    }

    /** A model with one fixed output size, float only, unit-length vectors. */
    public static ModelCapabilities fixed(int dimensions, int maxInputsPerCall) {
        return builder(dimensions).maxInputsPerCall(maxInputsPerCall).build();
    }

    /** A Matryoshka-style model whose output can be shortened to any size from 1 up to its default. */
    public static ModelCapabilities reducible(int dimensions, int maxInputsPerCall) {
        return builder(dimensions).reducibleFrom(1).maxInputsPerCall(maxInputsPerCall).build();
    }

    public boolean allowsDimensions(int requested) {
        return requested >= minDimensions && requested <= maxDimensions && (sizes.isEmpty() || sizes.contains(requested));
    }

    public ModelCapabilities withNativeDimensions(int v) {
        return new ModelCapabilities(v, minDimensions, Math.max(maxDimensions, v), reducible, maxInputsPerCall, maxTokensPerCall,
                maxTokensPerInput, tokenIdInput, dtypes, normalized, sizes);
    }

    public ModelCapabilities withMinDimensions(int v) {
        return new ModelCapabilities(nativeDimensions, v, maxDimensions, reducible, maxInputsPerCall, maxTokensPerCall,
                maxTokensPerInput, tokenIdInput, dtypes, normalized, sizes);
    }

    public ModelCapabilities withMaxDimensions(int v) {
        return new ModelCapabilities(nativeDimensions, minDimensions, v, reducible, maxInputsPerCall, maxTokensPerCall,
                maxTokensPerInput, tokenIdInput, dtypes, normalized, sizes);
    }

    /** Reducible (any size from 1 to the native one) or not; a set of {@link #sizes()} no longer applies. */
    public ModelCapabilities withReducible(boolean v) {
        return new ModelCapabilities(nativeDimensions, v ? 1 : nativeDimensions, nativeDimensions, v, maxInputsPerCall,
                maxTokensPerCall, maxTokensPerInput, tokenIdInput, dtypes, normalized, Set.of());
    }

    public ModelCapabilities withMaxInputsPerCall(int v) {
        return new ModelCapabilities(nativeDimensions, minDimensions, maxDimensions, reducible, v, maxTokensPerCall,
                maxTokensPerInput, tokenIdInput, dtypes, normalized, sizes);
    }

    public ModelCapabilities withTokenIdInput(boolean v) {
        return new ModelCapabilities(nativeDimensions, minDimensions, maxDimensions, reducible, maxInputsPerCall, maxTokensPerCall,
                maxTokensPerInput, v, dtypes, normalized, sizes);
    }

    /** Length of one returned vector for a size and element type (bit-packed types: one byte per 8 values). */
    public static int vectorLength(int dimensions, OutputDtype dtype) {
        return dtype == OutputDtype.BINARY || dtype == OutputDtype.UBINARY ? (dimensions + 7) / 8 : dimensions;
    }

    /** See {@link #builder(int)}; each step sets the component of the same name. */
    public static final class Builder {

        private final int nativeDimensions;
        private int minDimensions;
        private int maxDimensions;
        private boolean reducible;
        private int maxInputsPerCall;
        private int maxTokensPerCall;
        private int maxTokensPerInput;
        private boolean tokenIdInput;
        private Set<OutputDtype> dtypes = Set.of();
        private boolean normalized = true;
        private Set<Integer> sizes = Set.of();

        private Builder(int nativeDimensions) {
            this.nativeDimensions = nativeDimensions;
            this.minDimensions = nativeDimensions;
            this.maxDimensions = nativeDimensions;
        }

        /** Any size from {@code min} up to the native size may be requested. */
        public Builder reducibleFrom(int min) {
            return reducibleBetween(min, nativeDimensions);
        }

        /** Any size from {@code min} to {@code max} may be requested; {@code max} may exceed the native size. */
        public Builder reducibleBetween(int min, int max) {
            this.reducible = true;
            this.minDimensions = min;
            this.maxDimensions = max;
            return this;
        }

        /**
         * The provider takes only these sizes (e.g. 256, 512, 1024, 1536); the smallest and largest
         * bound the range. A request for another size is a 400 before any upstream call.
         */
        public Builder sizes(int... allowed) {
            java.util.TreeSet<Integer> set = new java.util.TreeSet<>();
            for (int a : allowed) {
                set.add(a);
            }
            this.reducible = true;
            this.minDimensions = set.first();
            this.maxDimensions = set.last();
            this.sizes = set;
            return this;
        }

        /** Required: the provider's cap on inputs per upstream request. */
        public Builder maxInputsPerCall(int v) {
            this.maxInputsPerCall = v;
            return this;
        }

        public Builder maxTokensPerCall(int v) {
            this.maxTokensPerCall = v;
            return this;
        }

        public Builder maxTokensPerInput(int v) {
            this.maxTokensPerInput = v;
            return this;
        }

        /** Token-id arrays are accepted as input. */
        public Builder tokenIdInput() {
            this.tokenIdInput = true;
            return this;
        }

        /** Supported element types; FLOAT is always among them. */
        public Builder dtypes(Set<OutputDtype> v) {
            this.dtypes = v;
            return this;
        }

        /** Vectors are not unit length at every size: the gateway normalises them when asked to. */
        public Builder notAlwaysNormalized() {
            this.normalized = false;
            return this;
        }

        public ModelCapabilities build() {
            return new ModelCapabilities(nativeDimensions, minDimensions, maxDimensions, reducible, maxInputsPerCall, maxTokensPerCall,
                    maxTokensPerInput, tokenIdInput, dtypes, normalized, sizes);
        }
    }
}
