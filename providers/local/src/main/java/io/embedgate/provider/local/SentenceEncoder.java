package io.embedgate.provider.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.embedgate.spi.Float32;

/**
 * One {@link LocalModel} as sentence-transformers defines it: WordPiece tokens up to the model's
 * sequence length (special tokens included), the BERT encoder on ONNX Runtime, the model's pooling
 * (mean over the attention mask, or [CLS]), L2 normalisation. One {@link #embed} runs a whole batch as
 * one padded tensor (a quantised model's, one input at a time: see {@link #oneByOne}). Thread-safe: ONNX Runtime sessions and Hugging Face tokenizers may be used from
 * several threads at once.
 */
final class SentenceEncoder implements AutoCloseable {

    static {
        DjlOffline.apply();
    }

    private final LocalModel model;
    private final OrtEnvironment environment;
    private final OrtSession session;
    private final HuggingFaceTokenizer tokenizer;
    private final boolean takesTokenTypes;
    private volatile boolean closed;

    private SentenceEncoder(LocalModel model, OrtEnvironment environment, OrtSession session, HuggingFaceTokenizer tokenizer)
            throws OrtException {
        this.model = model;
        this.environment = environment;
        this.session = session;
        this.tokenizer = tokenizer;
        this.takesTokenTypes = session.getInputNames().contains("token_type_ids");
    }

    /**
     * Loads a model from the class path: one to three seconds, by its size.
     *
     * @param spec           the model; its artifact must be on the class path
     * @param intraOpThreads threads ONNX Runtime uses inside one run; 1 when callers already run
     *                       batches in parallel, so the two levels do not compete for cores
     */
    static SentenceEncoder load(LocalModel spec, ClassLoader loader, int intraOpThreads) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        Path model = null;
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(intraOpThreads);
            options.setInterOpNumThreads(1);
            // Through a file, not a byte[]: a 35-130 MB model never touches the heap (a gateway may run with 256 MB).
            model = Files.createTempFile("embedgate-" + spec.modelResource(), "");
            try (InputStream in = stream(loader, spec, spec.modelResource())) {
                Files.copy(in, model, StandardCopyOption.REPLACE_EXISTING);
            }
            OrtSession session = env.createSession(model.toString(), options);
            try (InputStream json = stream(loader, spec, spec.tokenizerResource())) {
                // The file's own settings truncate and pad at 128; neither here: inputs are counted whole
                // (to reject an over-long one, or say how long it was), cut in truncate(), padded per batch.
                HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(json, Map.of("truncation", "false", "padding", "false"));
                return new SentenceEncoder(spec, env, session, tokenizer);
            } catch (IOException | RuntimeException | OrtException e) {
                session.close();
                throw e;
            }
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime could not load " + spec.modelResource() + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (model != null) {
                try {
                    Files.deleteIfExists(model);
                } catch (IOException ignored) {
                    // a stray temporary file, nothing more
                }
            }
        }
    }

    /**
     * The vectors of a batch and its token count.
     *
     * @param tokens word pieces embedded, after truncation, without [CLS] and [SEP]
     */
    record Output(float[][] vectors, long tokens) {
    }

    LocalModel model() {
        return model;
    }

    /** The token ids of a text, special tokens included, not truncated. */
    long[] tokenize(String text) {
        Encoding e = tokenizer.encode(text, true, false);
        return e.getIds();
    }

    /** Embeds texts, truncating each at the model's sequence length. */
    Output embed(List<String> texts) {
        long[][] ids = new long[texts.size()][];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = tokenize(texts.get(i));
        }
        return embedTokens(ids);
    }

    /**
     * Embeds tokenised texts ({@link #tokenize}); each longer than the model's sequence length is cut
     * as the tokenizer's own truncation would: the first word pieces, then [SEP].
     */
    Output embedTokens(long[][] tokenized) {
        if (model.quantised() && tokenized.length > 1) {
            return oneByOne(tokenized);
        }
        int batch = tokenized.length;
        long[][] ids = new long[batch][];
        int width = 0;
        long tokens = 0;
        for (int i = 0; i < batch; i++) {
            ids[i] = truncate(tokenized[i], model.maxTokens());
            width = Math.max(width, ids[i].length);
            tokens += ids[i].length - 2;
        }
        long[] inputIds = new long[batch * width];
        long[] mask = new long[batch * width];
        for (int i = 0; i < batch; i++) {
            System.arraycopy(ids[i], 0, inputIds, i * width, ids[i].length);
            Arrays.fill(mask, i * width, i * width + ids[i].length, 1L);
        }
        long[] shape = {batch, width};
        try (OnnxTensor idsTensor = OnnxTensor.createTensor(environment, LongBuffer.wrap(inputIds), shape);
                OnnxTensor maskTensor = OnnxTensor.createTensor(environment, LongBuffer.wrap(mask), shape);
                OnnxTensor typesTensor = OnnxTensor.createTensor(environment, LongBuffer.wrap(new long[batch * width]), shape)) {
            Map<String, OnnxTensor> inputs = takesTokenTypes
                    ? Map.of("input_ids", idsTensor, "attention_mask", maskTensor, "token_type_ids", typesTensor)
                    : Map.of("input_ids", idsTensor, "attention_mask", maskTensor);
            try (OrtSession.Result result = session.run(inputs)) {
                // last_hidden_state: [batch, width, dimensions], read straight from the native buffer.
                FloatBuffer hidden = ((OnnxTensor) result.get(0)).getFloatBuffer();
                int dimensions = model.dimensions();
                float[][] vectors = new float[batch][];
                for (int i = 0; i < batch; i++) {
                    int offset = i * width * dimensions;
                    float[] pooled = model.pooling() == LocalModel.Pooling.CLS ? first(hidden, offset, dimensions)
                            : meanPool(hidden, offset, ids[i].length, dimensions);
                    vectors[i] = Float32.normalizeInPlace(pooled);
                }
                return new Output(vectors, tokens);
            }
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed: " + e.getMessage(), e);
        }
    }

    /**
     * A quantised model's inputs, each in a run of its own: its activations are quantised with a scale
     * taken over the whole tensor, so in a padded batch a text's vector would depend on its neighbours
     * (by about 1e-2). Alone, a text always gets the same vector, the library's.
     */
    private Output oneByOne(long[][] tokenized) {
        float[][] vectors = new float[tokenized.length][];
        long tokens = 0;
        for (int i = 0; i < tokenized.length; i++) {
            Output one = embedTokens(new long[][]{tokenized[i]});
            vectors[i] = one.vectors()[0];
            tokens += one.tokens();
        }
        return new Output(vectors, tokens);
    }

    /** At most {@code max} ids: the first {@code max - 1}, then the last ([SEP]). */
    static long[] truncate(long[] ids, int max) {
        if (ids.length <= max) {
            return ids;
        }
        long[] cut = Arrays.copyOf(ids, max);
        cut[max - 1] = ids[ids.length - 1];
        return cut;
    }

    /** The mean of the first {@code length} token vectors (the unpadded ones) of one sequence. */
    private static float[] meanPool(FloatBuffer hidden, int offset, int length, int dimensions) {
        float[] sum = new float[dimensions];
        for (int t = 0; t < length; t++) {
            int base = offset + t * dimensions;
            for (int d = 0; d < dimensions; d++) {
                sum[d] += hidden.get(base + d);
            }
        }
        for (int d = 0; d < dimensions; d++) {
            sum[d] /= length;
        }
        return sum;
    }

    /** The first token's ([CLS]) vector of one sequence. */
    private static float[] first(FloatBuffer hidden, int offset, int dimensions) {
        float[] cls = new float[dimensions];
        for (int d = 0; d < dimensions; d++) {
            cls[d] = hidden.get(offset + d);
        }
        return cls;
    }

    private static InputStream stream(ClassLoader loader, LocalModel spec, String name) {
        InputStream in = loader.getResourceAsStream(name);
        if (in == null) {
            throw new IllegalStateException(name + " is not on the class path (dev.langchain4j:" + spec.artifact() + ")");
        }
        return in;
    }

    boolean closed() {
        return closed;
    }

    @Override
    public void close() {
        closed = true;
        tokenizer.close();
        try {
            session.close();
        } catch (OrtException e) {
            // nothing left to release
        }
    }
}
