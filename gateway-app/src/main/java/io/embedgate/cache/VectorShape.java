package io.embedgate.cache;

import io.embedgate.spi.ModelCapabilities;
import io.embedgate.spi.OutputDtype;

/**
 * What a cached vector must be to answer a request: its element type and its exact size in bytes
 * (float32: 4 per dimension; int8, uint8: 1; binary, ubinary: 1 per 8 dimensions, rounded up).
 */
public record VectorShape(OutputDtype dtype, int bytes) {

    public static VectorShape of(OutputDtype dtype, int dimensions) {
        int elements = ModelCapabilities.vectorLength(dimensions, dtype);
        return new VectorShape(dtype, dtype == OutputDtype.FLOAT ? elements * Float.BYTES : elements);
    }
}
