package io.embedgate.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.embedgate.catalog.ResolvedModel;
import io.embedgate.spi.Embedding;
import io.embedgate.spi.EmbeddingResult;
import io.embedgate.spi.ModelCapabilities;
import io.embedgate.spi.OutputDtype;
import io.embedgate.spi.UpstreamException;
import io.embedgate.spi.Usage;

/** {@link ResultCheck}: a provider's answer is refused unless it is what the client was promised. */
class ResultCheckTest {

    @Test
    void oneVectorPerInput() {
        assertRefused("returned 1 vectors for 2 inputs", result(floats(0.6f, 0.8f)), 2, 2, OutputDtype.FLOAT);
    }

    @Test
    void theTypeAndSizeTheClientIsTold() {
        assertRefused("returned vectors of another type than float", result(new Embedding.Bytes(new byte[2], OutputDtype.INT8)), 1, 2,
                OutputDtype.FLOAT);
        assertRefused("returned 3-element vectors, expected 2", result(floats(0.6f, 0.8f, 0f)), 1, 2, OutputDtype.FLOAT);
        // bit-packed: 16 dimensions are 2 bytes
        ResultCheck.check(result(new Embedding.Bytes(new byte[2], OutputDtype.BINARY)), 1, 16, OutputDtype.BINARY, true, "p");
        assertRefused("returned 16-element vectors, expected 2 (16 dimensions as binary)",
                result(new Embedding.Bytes(new byte[16], OutputDtype.BINARY)), 1, 16, OutputDtype.BINARY);
    }

    @Test
    void floatVectorsAreFiniteAndHaveADirection() {
        assertRefused("returned an embedding with NaN or infinite values", result(floats(Float.NaN, 1f)), 1, 2, OutputDtype.FLOAT);
        assertRefused("returned an all-zero embedding, which has no direction (cosine similarity is undefined on it)",
                result(floats(0f, 0f)), 1, 2, OutputDtype.FLOAT);
    }

    @Test
    void normalisedOnlyWhereTheProviderDoesNot() {
        EmbeddingResult r = result(floats(3f, 4f));
        ModelCapabilities notNormalized = ModelCapabilities.builder(2).maxInputsPerCall(10).notAlwaysNormalized().build();
        ResolvedModel gemini = Jobs.model("m", notNormalized, "google");
        EmbeddingJob job = Jobs.job(gemini, 1, OutputDtype.FLOAT, List.of(), List.of());
        EmbeddingResult unit = ResultCheck.checked(r, gemini.candidates().get(0), job);
        float[] v = ((Embedding.Floats) unit.embeddings().get(0)).values();
        assertEquals(0.6f, v[0], 1e-6);
        assertEquals(0.8f, v[1], 1e-6);
        assertEquals(3f, ((Embedding.Floats) r.embeddings().get(0)).values()[0], "the provider's answer is left as it was");

        ResolvedModel openai = Jobs.model("m", ModelCapabilities.fixed(2, 10), "openai");
        assertSame(r, ResultCheck.checked(r, openai.candidates().get(0), Jobs.job(openai, 1, OutputDtype.FLOAT, List.of(), List.of())));
    }

    private static void assertRefused(String why, EmbeddingResult r, int inputs, int dimensions, OutputDtype dtype) {
        UpstreamException e = assertThrows(UpstreamException.class, () -> ResultCheck.check(r, inputs, dimensions, dtype, true, "p"));
        assertEquals(UpstreamException.Kind.INVALID_RESPONSE, e.kind());
        assertEquals(why, e.getMessage());
    }

    private static Embedding floats(float... values) {
        return Embedding.Floats.of(values);
    }

    private static EmbeddingResult result(Embedding... vectors) {
        return new EmbeddingResult(List.of(vectors), Usage.NONE, "m");
    }
}
