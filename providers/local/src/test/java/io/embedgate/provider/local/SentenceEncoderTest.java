package io.embedgate.provider.local;

import static io.embedgate.provider.local.Models.ENCODER;
import static io.embedgate.provider.local.Models.SENTENCES;
import static io.embedgate.provider.local.Models.cosine;
import static io.embedgate.provider.local.Models.maxAbsDiff;
import static io.embedgate.provider.local.Models.reference;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/** Our batched, padded, mask-pooled path against LangChain4j's one-text-at-a-time model. */
class SentenceEncoderTest {

    static final double TOLERANCE = 1e-5;

    @Test
    void aBatchMatchesTheLibraryOneByOne() {
        SentenceEncoder.Output out = ENCODER.embed(SENTENCES);
        assertEquals(SENTENCES.size(), out.vectors().length);
        for (int i = 0; i < SENTENCES.size(); i++) {
            float[] expected = reference(SENTENCES.get(i));
            assertEquals(384, out.vectors()[i].length);
            double diff = maxAbsDiff(expected, out.vectors()[i]);
            assertTrue(diff <= TOLERANCE, "sentence " + i + " differs by " + diff);
        }
    }

    @Test
    void eachSentenceAloneMatchesToo() {
        for (String s : SENTENCES) {
            double diff = maxAbsDiff(reference(s), ENCODER.embed(List.of(s)).vectors()[0]);
            assertTrue(diff <= TOLERANCE, "'" + s + "' differs by " + diff);
        }
    }

    @Test
    void vectorsHaveUnitLength() {
        for (float[] v : ENCODER.embed(SENTENCES).vectors()) {
            assertEquals(1.0, Math.sqrt(dot(v, v)), 1e-5);
        }
    }

    @Test
    void similarSentencesAreCloserThanUnrelatedOnes() {
        String[][] triples = {
                {"A man is playing a guitar.", "Someone plays an acoustic guitar on stage.", "The quarterly tax report is due on Friday."},
                {"How do I reset my password?", "I forgot my login password and need to change it.",
                        "Penguins live in the southern hemisphere."},
                {"The weather is sunny and warm today.", "It is a hot, bright day outside.",
                        "Compile the project with Maven before running tests."},
        };
        for (String[] t : triples) {
            float[][] v = ENCODER.embed(List.of(t)).vectors();
            double similar = cosine(v[0], v[1]);
            double unrelated = cosine(v[0], v[2]);
            assertTrue(similar > unrelated + 0.2, t[0] + ": similar " + similar + " vs unrelated " + unrelated);
        }
    }

    @Test
    void tokensAreCountedWithoutSpecialTokensLikeTheLibrary() {
        long expected = 0;
        for (String s : SENTENCES) {
            expected += Models.REFERENCE.embed(s).tokenUsage().inputTokenCount();
        }
        assertEquals(expected, ENCODER.embed(SENTENCES).tokens());
    }

    @Test
    void longInputsAreTruncatedAt256WordPieces() {
        // "word " is one word piece: 254 of them plus [CLS] and [SEP] fill the model's 256.
        SentenceEncoder.Output atLimit = ENCODER.embed(List.of("word ".repeat(254)));
        SentenceEncoder.Output over = ENCODER.embed(List.of("word ".repeat(254) + "entirely different content ".repeat(100)));
        assertEquals(254, atLimit.tokens());
        assertEquals(254, over.tokens());
        assertArrayEquals(atLimit.vectors()[0], over.vectors()[0], 1e-6f);
        // Text past the first 126 word pieces still counts (LangChain4j's own tokenizer file cuts there).
        float[] short126 = ENCODER.embed(List.of("word ".repeat(126) + "rocket launch ".repeat(60))).vectors()[0];
        float[] words126 = ENCODER.embed(List.of("word ".repeat(126))).vectors()[0];
        assertTrue(maxAbsDiff(short126, words126) > 1e-3);
    }

    private static double dot(float[] a, float[] b) {
        double d = 0;
        for (int i = 0; i < a.length; i++) {
            d += (double) a[i] * b[i];
        }
        return d;
    }
}
