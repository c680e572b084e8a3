package io.embedgate.provider.local;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.bgesmallenv15.BgeSmallEnV15EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.bgesmallenv15q.BgeSmallEnV15QuantizedEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.e5smallv2q.E5SmallV2QuantizedEmbeddingModel;

/** Loaded once per test JVM, each on first use: our encoders, and LangChain4j's own model classes as the references. */
final class Models {

    static final SentenceEncoder ENCODER = SentenceEncoder.load(LocalModels.DEFAULT, Models.class.getClassLoader(), 1);
    static final AllMiniLmL6V2EmbeddingModel REFERENCE = new AllMiniLmL6V2EmbeddingModel();

    /** LangChain4j's class for each catalogue model. */
    private static final Map<LocalModel, Supplier<EmbeddingModel>> LIBRARY = Map.of(
            LocalModels.ALL_MINILM_L6_V2, () -> REFERENCE,
            LocalModels.ALL_MINILM_L6_V2_Q, AllMiniLmL6V2QuantizedEmbeddingModel::new,
            LocalModels.BGE_SMALL_EN_V15, BgeSmallEnV15EmbeddingModel::new,
            LocalModels.BGE_SMALL_EN_V15_Q, BgeSmallEnV15QuantizedEmbeddingModel::new,
            LocalModels.E5_SMALL_V2_Q, E5SmallV2QuantizedEmbeddingModel::new);
    private static final Map<LocalModel, EmbeddingModel> REFERENCES = new ConcurrentHashMap<>();
    private static final Map<LocalModel, SentenceEncoder> ENCODERS = new ConcurrentHashMap<>(Map.of(LocalModels.DEFAULT, ENCODER));

    static SentenceEncoder encoder(LocalModel m) {
        return ENCODERS.computeIfAbsent(m, k -> SentenceEncoder.load(k, Models.class.getClassLoader(), 1));
    }

    static EmbeddingModel library(LocalModel m) {
        return REFERENCES.computeIfAbsent(m, k -> LIBRARY.get(k).get());
    }

    static float[] reference(LocalModel m, String text) {
        return library(m).embed(text).content().vector();
    }

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
