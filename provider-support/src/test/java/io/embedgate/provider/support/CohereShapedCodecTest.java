package io.embedgate.provider.support;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import org.junit.jupiter.api.Test;

import io.embedgate.spi.Deadline;
import io.embedgate.spi.Embedding;
import io.embedgate.spi.EmbeddingCall;
import io.embedgate.spi.EmbeddingInputs;
import io.embedgate.spi.EmbeddingResult;
import io.embedgate.spi.OutputDtype;
import io.embedgate.spi.UpstreamException;

class CohereShapedCodecTest {

    static final byte[] BODY = "{\"embeddings\":{\"int8\":[[1,-2]]},\"embeddings\":{\"float\":[[3]]},\"meta\":{\"billed_units\":{\"input_tokens\":4}}}"
            .getBytes(StandardCharsets.UTF_8);

    static EmbeddingCall texts(OutputDtype dtype, String... texts) {
        return new EmbeddingCall("m", new EmbeddingInputs.Texts(List.of(texts)), OptionalInt.empty(), dtype, Map.of(), Optional.empty(),
                Deadline.after(Duration.ofSeconds(5)));
    }

    @Test
    void readsTheRequestedTypeAndBilledUnitsOnlyWhenAsked() {
        // The second "embeddings" has no int8: the first one's stay.
        CohereShapedCodec.Reply cohere = CohereShapedCodec.read(BODY, OutputDtype.INT8, true, "p");
        assertArrayEquals(new byte[]{1, -2}, ((Embedding.Bytes) cohere.vectors().get(0)).values());
        assertEquals(4, cohere.billedTokens());
        assertEquals(-1, CohereShapedCodec.read(BODY, OutputDtype.INT8, false, "p").billedTokens());
        assertNull(CohereShapedCodec.read(BODY, OutputDtype.UINT8, true, "p").vectors());
    }

    @Test
    void resultChecksCountAndLengthAndEstimatesMissingUsage() {
        List<Embedding> one = CohereShapedCodec.read(BODY, OutputDtype.FLOAT, false, "p").vectors();
        EmbeddingResult estimated = CohereShapedCodec.result(one, -1, texts(OutputDtype.FLOAT, "abcdefgh"), "p");
        assertTrue(estimated.usage().estimated());
        assertEquals(2, estimated.usage().promptTokens());
        assertEquals(9, CohereShapedCodec.result(one, 9, texts(OutputDtype.FLOAT, "a"), "p").usage().totalTokens());
        UpstreamException e = assertThrows(UpstreamException.class,
                () -> CohereShapedCodec.result(one, 9, texts(OutputDtype.FLOAT, "a", "b"), "p"));
        assertEquals("returned 1 vectors for 2 inputs", e.getMessage());
    }
}
