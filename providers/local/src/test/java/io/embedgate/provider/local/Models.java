package io.embedgate.provider.local;

import java.util.List;

import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;

/** Loaded once per test JVM: our encoder, and LangChain4j's own model as the reference. */
final class Models {

    static final SentenceEncoder ENCODER = SentenceEncoder.load(Models.class.getClassLoader(), 1);
    static final AllMiniLmL6V2EmbeddingModel REFERENCE = new AllMiniLmL6V2EmbeddingModel();

    /** Fixed sentences of different lengths, all under the 126 word pieces LangChain4j's tokenizer keeps. */
    static final List<String> SENTENCES = List.of(
            "The cat sits on the mat.",
            "A quick brown fox jumps over the lazy dog.",
            "Embeddings map text to vectors so that similar meanings lie close together.",
            "hi",
            "Der schnelle braune Fuchs springt über den faulen Hund.",
            "Ünïcödé, emoji 🙂 and punctuation!? are tokenised too...",
            "Stock markets fell sharply on Tuesday after the central bank raised interest rates by half a point, "
                    + "the largest increase in two decades, citing persistent inflation in services and housing.");

    private Models() {
    }

    static float[] reference(String text) {
        return REFERENCE.embed(text).content().vector();
    }

    static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }

    static double maxAbsDiff(float[] a, float[] b) {
        if (a.length != b.length) {
            return Double.POSITIVE_INFINITY;
        }
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }
}
