package io.embedgate.provider.local;

import static io.embedgate.provider.local.Models.SENTENCES;
import static io.embedgate.provider.local.Models.cosine;
import static io.embedgate.provider.local.Models.encoder;
import static io.embedgate.provider.local.Models.maxAbsDiff;
import static io.embedgate.provider.local.Models.reference;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every catalogue model against LangChain4j's own class for it, and the input-type prefixes of E5 and BGE on the real models. */
class LocalModelsTest {

    static final double TOLERANCE = 1e-5;
    /** The model cards' prefixes (the catalogue configures the same, as input-prefixes). */
    static final String BGE_QUERY = "Represent this sentence for searching relevant passages: ";
    static final String E5_QUERY = "query: ";
    static final String E5_PASSAGE = "passage: ";

    static List<LocalModel> models() {
        return LocalModels.ALL;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void aBatchMatchesTheLibrarysModelClassOneByOne(LocalModel m) {
        SentenceEncoder.Output out = encoder(m).embed(SENTENCES);
        long tokens = 0;
        for (int i = 0; i < SENTENCES.size(); i++) {
            float[] v = out.vectors()[i];
            assertEquals(m.dimensions(), v.length);
            double diff = maxAbsDiff(reference(m, SENTENCES.get(i)), v);
            assertTrue(diff <= TOLERANCE, m.id() + " sentence " + i + " differs by " + diff);
            assertEquals(1.0, Math.sqrt(cosineNorm(v)), 1e-5, "unit length");
            tokens += Models.library(m).embed(SENTENCES.get(i)).tokenUsage().inputTokenCount();
        }
        assertEquals(tokens, out.tokens(), "word pieces without [CLS] and [SEP], as the library counts them");
    }

    @Test
    void aQueryAndADocumentOfTheSameTextDifferForE5AndBge() {
        String text = "How do solar panels convert sunlight into electricity?";
        float[][] e5 = encoder(LocalModels.E5_SMALL_V2_Q).embed(List.of(E5_QUERY + text, E5_PASSAGE + text)).vectors();
        float[][] bge = encoder(LocalModels.BGE_SMALL_EN_V15).embed(List.of(BGE_QUERY + text, text)).vectors();
        assertTrue(maxAbsDiff(e5[0], e5[1]) > 1e-2, "E5 query and passage vectors differ");
        assertTrue(maxAbsDiff(bge[0], bge[1]) > 1e-2, "BGE query and passage vectors differ");
        assertTrue(cosine(e5[0], e5[1]) < 0.99 && cosine(bge[0], bge[1]) < 0.99);
    }

    /**
     * A query, its answer, and a question on the same topic the answer does not answer. Without its
     * prefixes E5 takes the query-shaped question for the better match in 5 of 8; with them, 2.
     */
    static final String[][] QUESTION_DISTRACTORS = {
            {"how long should I boil an egg",
                    "Hard-boiled eggs need nine to twelve minutes in simmering water; soft-boiled ones about six.",
                    "How long do eggs keep in the fridge?"},
            {"what causes the seasons on Earth",
                    "The tilt of Earth's axis changes how directly sunlight strikes each hemisphere over the year.",
                    "What are the four seasons called on Earth?"},
            {"how to reset a forgotten router password",
                    "Hold the small button on the back of the device for thirty seconds to restore factory settings.",
                    "How do I choose a strong router password?"},
            {"why is the sky blue", "Air molecules scatter short wavelengths of sunlight more strongly than long ones.",
                    "Why is the sky red at sunset?"},
            {"best way to store fresh basil", "Trim the stems and keep them in a glass of water at room temperature, loosely covered.",
                    "What is the best way to grow fresh basil?"},
            {"symptoms of dehydration", "Thirst, dark urine, dizziness and fatigue are early signs that the body lacks water.",
                    "What are the symptoms of the flu?"},
            {"how do vaccines work", "They train the immune system to recognise a pathogen by exposing it to a harmless piece of it.",
                    "How do vaccines get approved?"},
            {"when was the eiffel tower built", "Construction in Paris began in 1887 and was finished in 1889 for the World's Fair.",
                    "When was the statue of liberty built?"},
    };

    @Test
    void e5RanksAnswersAboveLookAlikeQuestionsOnlyWithItsPrefixes() {
        Ranking plain = distractorRanking(LocalModels.E5_SMALL_V2_Q, "", "");
        Ranking prefixed = distractorRanking(LocalModels.E5_SMALL_V2_Q, E5_QUERY, E5_PASSAGE);
        // Measured: mean margin -0.035 plain, +0.017 prefixed; 3 of 8 answers ranked first plain, 6 prefixed.
        assertTrue(plain.meanMargin() < 0 && prefixed.meanMargin() > 0, plain + " vs " + prefixed);
        assertTrue(prefixed.meanMargin() - plain.meanMargin() > 0.04, plain + " vs " + prefixed);
        assertTrue(prefixed.correct() >= plain.correct() + 2, plain + " vs " + prefixed);
    }

    /**
     * BGE v1.5's card calls its query instruction optional: v1.5 retrieves well without it. On ten
     * distinct topics the full model ranks every answer first with the instruction, and the mean
     * margin widens a little (0.1475 to 0.1509). (The quantised variant's does not: 10 first without,
     * 9 with; the instruction is the card's, so the catalogue keeps it for both.)
     */
    @Test
    void bgeKeepsEveryAnswerFirstWithItsQueryInstruction() {
        Ranking plain = topicRanking(LocalModels.BGE_SMALL_EN_V15, "");
        Ranking prefixed = topicRanking(LocalModels.BGE_SMALL_EN_V15, BGE_QUERY);
        assertEquals(QUESTION_DISTRACTORS.length + 2, prefixed.correct(), plain + " vs " + prefixed);
        assertTrue(prefixed.meanMargin() > plain.meanMargin(), plain + " vs " + prefixed);
    }

    /** @param meanMargin mean over queries of cos(query, answer) - the best cos(query, other) */
    record Ranking(int correct, double meanMargin) {
    }

    private static Ranking distractorRanking(LocalModel m, String queryPrefix, String passagePrefix) {
        int correct = 0;
        double sum = 0;
        for (String[] t : QUESTION_DISTRACTORS) {
            float[][] v = encoder(m).embed(List.of(queryPrefix + t[0], passagePrefix + t[1], passagePrefix + t[2])).vectors();
            double margin = cosine(v[0], v[1]) - cosine(v[0], v[2]);
            correct += margin > 0 ? 1 : 0;
            sum += margin;
        }
        return new Ranking(correct, sum / QUESTION_DISTRACTORS.length);
    }

    /** Each query against every answer: the distractors' answers plus two more topics. */
    private static Ranking topicRanking(LocalModel m, String queryPrefix) {
        List<String> queries = new java.util.ArrayList<>();
        List<String> answers = new java.util.ArrayList<>();
        for (String[] t : QUESTION_DISTRACTORS) {
            queries.add(queryPrefix + t[0]);
            answers.add(t[1]);
        }
        queries.add(queryPrefix + "how to speed up a slow laptop");
        answers.add("Uninstall unused programs, disable startup apps and add more memory or an SSD.");
        queries.add(queryPrefix + "what do pandas eat");
        answers.add("Their diet is almost entirely bamboo: shoots, stems and leaves, up to 14 kg a day.");
        float[][] q = encoder(m).embed(queries).vectors();
        float[][] a = encoder(m).embed(answers).vectors();
        int correct = 0;
        double sum = 0;
        for (int i = 0; i < q.length; i++) {
            double best = -1;
            for (int j = 0; j < a.length; j++) {
                best = j == i ? best : Math.max(best, cosine(q[i], a[j]));
            }
            double margin = cosine(q[i], a[i]) - best;
            correct += margin > 0 ? 1 : 0;
            sum += margin;
        }
        return new Ranking(correct, sum / q.length);
    }

    @Test
    void overLongInputsAreCutAtTheModelsLengthOrCountedWhole() {
        SentenceEncoder bge = encoder(LocalModels.BGE_SMALL_EN_V15_Q);
        // "word " is one word piece: 510 of them plus [CLS] and [SEP] fill BGE's 512.
        long[] atLimit = bge.tokenize("word ".repeat(510));
        long[] over = bge.tokenize("word ".repeat(510) + "entirely different content ".repeat(50));
        assertEquals(512, atLimit.length);
        assertEquals(662, over.length, "tokenize counts the whole input, so a rejection can say how long it was");
        SentenceEncoder.Output both = bge.embedTokens(new long[][]{atLimit, over});
        assertEquals(2 * 510, both.tokens(), "usage counts what was embedded");
        org.junit.jupiter.api.Assertions.assertArrayEquals(both.vectors()[0], both.vectors()[1], 1e-6f);
    }

    private static double cosineNorm(float[] v) {
        double d = 0;
        for (float x : v) {
            d += (double) x * x;
        }
        return d;
    }
}
