package io.embedgate.provider.local;

import static io.embedgate.provider.local.Models.ENCODER;
import static io.embedgate.provider.local.Models.maxAbsDiff;
import static io.embedgate.provider.local.Models.reference;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.embedgate.spi.Deadline;
import io.embedgate.spi.Embedding;
import io.embedgate.spi.EmbeddingCall;
import io.embedgate.spi.EmbeddingInputs;
import io.embedgate.spi.EmbeddingResult;
import io.embedgate.spi.OutputDtype;
import io.embedgate.spi.UpstreamException;

/** The client's batching, pool and failure handling, with the real model. */
class LocalClientTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private final List<LocalClient> clients = new ArrayList<>();

    @AfterEach
    void closePools() {
        // The shared encoder stays open: only the pools belong to the test.
        clients.forEach(c -> c.pool().close());
    }

    /** A client whose registry loads the default model as {@code model} does (blocking its load thread until then). */
    private LocalClient client(CompletableFuture<SentenceEncoder> model, int threads, int maxQueued) {
        LocalClient c = new LocalClient("local", new ModelRegistry(m -> model.join()), new InferencePool("test", threads, maxQueued), true);
        clients.add(c);
        return c;
    }

    private LocalClient loaded() {
        return client(CompletableFuture.completedFuture(ENCODER), 2, 4096);
    }

    static EmbeddingCall call(List<String> texts) {
        return new EmbeddingCall(LocalAdapter.MODEL, new EmbeddingInputs.Texts(texts), OptionalInt.empty(), OutputDtype.FLOAT,
                Map.of(), Optional.empty(), Deadline.after(WAIT));
    }

    static float[] vector(EmbeddingResult r, int i) {
        return ((Embedding.Floats) r.embeddings().get(i)).values();
    }

    /** Texts of very different lengths, so sorting and batching reorder them. */
    static List<String> mixed(int n, String tag) {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            texts.add(tag + " sentence " + i + " " + "about something ".repeat((i * 7) % 13));
        }
        return texts;
    }

    @Test
    void sortedBatchedResultsComeBackInInputOrderAndMatchTheLibrary() {
        List<String> texts = mixed(70, "ordered");
        EmbeddingResult r = loaded().embed(call(texts)).await().atMost(WAIT);
        assertEquals(70, r.embeddings().size());
        assertEquals(LocalAdapter.MODEL, r.upstreamModel());
        for (int i = 0; i < texts.size(); i++) {
            double diff = maxAbsDiff(reference(texts.get(i)), vector(r, i));
            assertTrue(diff <= 1e-5, "input " + i + " differs by " + diff);
        }
        assertFalse(r.usage().estimated());
        assertEquals(ENCODER.embed(texts).tokens(), r.usage().promptTokens());
    }

    @Test
    void concurrentCallsEachGetTheirOwnVectors() throws Exception {
        LocalClient client = loaded();
        ExecutorService callers = Executors.newFixedThreadPool(8);
        try {
            List<List<String>> batches = new ArrayList<>();
            List<Future<EmbeddingResult>> results = new ArrayList<>();
            for (int c = 0; c < 8; c++) {
                List<String> texts = mixed(5 + c * 3, "caller " + c);
                batches.add(texts);
                results.add(callers.submit(() -> client.embed(call(texts)).await().atMost(WAIT)));
            }
            for (int c = 0; c < 8; c++) {
                EmbeddingResult r = results.get(c).get();
                List<String> texts = batches.get(c);
                assertEquals(texts.size(), r.embeddings().size());
                for (int i = 0; i < texts.size(); i++) {
                    assertTrue(maxAbsDiff(reference(texts.get(i)), vector(r, i)) <= 1e-5, "caller " + c + " input " + i);
                }
            }
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void aFullBacklogIsRefusedAtOnceWithRetryAfter() {
        CompletableFuture<SentenceEncoder> loading = new CompletableFuture<>();
        LocalClient client = client(loading, 1, 10);
        var first = client.embed(call(mixed(8, "first"))).subscribeAsCompletionStage();
        UpstreamException busy = assertThrows(UpstreamException.class,
                () -> client.embed(call(mixed(3, "second"))).await().atMost(WAIT));
        assertEquals(UpstreamException.Kind.RATE_LIMITED, busy.kind());
        assertEquals(429, busy.httpStatus());
        assertTrue(busy.retryable());
        assertEquals(Duration.ofSeconds(1), busy.retryAfter().orElseThrow());
        assertTrue(busy.getMessage().contains("busy"), busy.getMessage());
        // Small enough to fit beside the first call; and once the model is there, everything runs.
        var third = client.embed(call(mixed(2, "third"))).subscribeAsCompletionStage();
        loading.complete(ENCODER);
        assertEquals(8, first.toCompletableFuture().join().embeddings().size());
        assertEquals(2, third.toCompletableFuture().join().embeddings().size());
        assertEquals(0, client.pool().queuedInputs());
        // An empty pool admits a call larger than the bound.
        assertEquals(30, client.embed(call(mixed(30, "large"))).await().atMost(WAIT).embeddings().size());
    }

    @Test
    void aModelThatFailedToLoadFailsItsCalls() {
        LocalClient client = client(CompletableFuture.failedFuture(new IllegalStateException("no such file")), 1, 10);
        UpstreamException e = assertThrows(UpstreamException.class, () -> client.embed(call(List.of("x"))).await().atMost(WAIT));
        assertEquals(UpstreamException.Kind.SERVER_ERROR, e.kind());
        assertTrue(e.getMessage().contains("could not be loaded: no such file"), e.getMessage());
        assertEquals(0, client.pool().queuedInputs());
    }

    @Test
    void aPassedDeadlineSkipsTheWork() {
        LocalClient client = loaded();
        EmbeddingCall late = new EmbeddingCall(LocalAdapter.MODEL, new EmbeddingInputs.Texts(List.of("x")), OptionalInt.empty(),
                OutputDtype.FLOAT, Map.of(), Optional.empty(), new Deadline(System.nanoTime() - 1));
        UpstreamException e = assertThrows(UpstreamException.class, () -> client.embed(late).await().atMost(WAIT));
        assertEquals(UpstreamException.Kind.TIMEOUT, e.kind());
        assertEquals(0, client.pool().queuedInputs());
    }

    @Test
    void rejectsWhatTheModelCannotDo() {
        LocalClient client = loaded();
        EmbeddingCall ids = new EmbeddingCall(LocalAdapter.MODEL, new EmbeddingInputs.TokenIds(List.of(new int[]{1, 2})),
                OptionalInt.empty(), OutputDtype.FLOAT, Map.of(), Optional.empty(), Deadline.after(WAIT));
        assertKind(UpstreamException.Kind.BAD_REQUEST, "token ids", () -> client.embed(ids).await().atMost(WAIT));
        EmbeddingCall dims = new EmbeddingCall(LocalAdapter.MODEL, new EmbeddingInputs.Texts(List.of("x")), OptionalInt.of(128),
                OutputDtype.FLOAT, Map.of(), Optional.empty(), Deadline.after(WAIT));
        assertKind(UpstreamException.Kind.BAD_REQUEST, "384", () -> client.embed(dims).await().atMost(WAIT));
        EmbeddingCall other = new EmbeddingCall("bge-small", new EmbeddingInputs.Texts(List.of("x")), OptionalInt.empty(),
                OutputDtype.FLOAT, Map.of(), Optional.empty(), Deadline.after(WAIT));
        assertKind(UpstreamException.Kind.NOT_FOUND, "not 'bge-small'", () -> client.embed(other).await().atMost(WAIT));
    }

    @Test
    void theAdapterKnowsItsModel() {
        LocalAdapter adapter = new LocalAdapter();
        var caps = adapter.knownModel(LocalAdapter.MODEL).orElseThrow();
        assertEquals(384, caps.nativeDimensions());
        assertFalse(caps.reducible());
        assertFalse(caps.tokenIdInput());
        assertTrue(caps.normalized());
        assertEquals(256, caps.maxTokensPerInput());
        assertEquals(512, adapter.knownModel("bge-small-en-v1.5").orElseThrow().maxTokensPerInput());
        assertEquals(512, adapter.knownModel("e5-small-v2-q").orElseThrow().maxTokensPerInput());
        assertEquals(5, adapter.knownModels().size());
        assertTrue(adapter.knownModel("text-embedding-3-small").isEmpty());
        assertTrue(adapter.validate(new io.embedgate.spi.InstanceSettings("local", "local", Optional.empty(), Optional.empty(),
                Map.of(), null, 1)).isEmpty());
    }

    private static void assertKind(UpstreamException.Kind kind, String text, Runnable r) {
        UpstreamException e = assertInstanceOf(UpstreamException.class, assertThrows(RuntimeException.class, r::run));
        assertEquals(kind, e.kind());
        assertTrue(e.getMessage().contains(text), e.getMessage());
    }

    /** Shutdown while a model loads: close() waits for the load (native code) to end, then closes the model. */
    @Test
    void closeWaitsForAModelStillLoadingAndThenClosesIt() throws Exception {
        CompletableFuture<SentenceEncoder> loading = new CompletableFuture<>();
        LocalClient c = new LocalClient("local", new ModelRegistry(m -> loading.join()), new InferencePool("test", 1, 16), true);
        c.embed(call(List.of("x"))).subscribe().with(r -> {
        }, f -> {
        });
        Thread closing = new Thread(c::close, "closing");
        closing.start();
        closing.join(300);
        assertTrue(closing.isAlive(), "close() returned while the model was still loading");
        SentenceEncoder loaded = SentenceEncoder.load(LocalModels.DEFAULT, LocalClientTest.class.getClassLoader(), 1);
        assertFalse(loaded.closed());
        loading.complete(loaded);
        closing.join(WAIT.toMillis());
        assertFalse(closing.isAlive());
        assertTrue(loaded.closed(), "the model loaded during shutdown was closed");
        // A model that failed to load leaves nothing to wait for or close.
        LocalClient failed = new LocalClient("local", new ModelRegistry(m -> {
            throw new IllegalStateException("no model");
        }), new InferencePool("test", 1, 16), true);
        failed.embed(call(List.of("x"))).subscribe().with(r -> {
        }, f -> {
        });
        failed.close();
    }
}
