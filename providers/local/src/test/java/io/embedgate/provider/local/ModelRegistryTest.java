package io.embedgate.provider.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.embedgate.spi.Deadline;
import io.embedgate.spi.EmbeddingCall;
import io.embedgate.spi.EmbeddingInputs;
import io.embedgate.spi.InstanceSettings;
import io.embedgate.spi.OutputDtype;
import io.embedgate.spi.ProviderClient;
import io.embedgate.spi.UpstreamException;

/** One load per model however many instances name it; eager and lazy loading; over-long inputs rejected on request. */
class ModelRegistryTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    static InstanceSettings instance(String name, Map<String, String> settings) {
        return new InstanceSettings(name, "local", Optional.empty(), Optional.empty(), Map.of(), null, 1, Optional.empty(), settings);
    }

    static EmbeddingCall call(String model, List<String> texts, Map<String, Object> options) {
        return new EmbeddingCall(model, new EmbeddingInputs.Texts(texts), OptionalInt.empty(), OutputDtype.FLOAT, options, Optional.empty(),
                Deadline.after(WAIT));
    }

    @Test
    void aModelIsLoadedOnceForTwoInstancesAndOthersOnlyWhenAskedFor() {
        AtomicInteger loads = new AtomicInteger();
        CompletableFuture<Void> release = new CompletableFuture<>();
        ModelRegistry registry = new ModelRegistry(m -> {
            loads.incrementAndGet();
            release.join();
            return Models.encoder(m);
        });
        LocalAdapter adapter = new LocalAdapter(registry);
        ProviderClient a = adapter.connect(instance("local", Map.of()));
        ProviderClient b = adapter.connect(instance("local-b", Map.of(LocalAdapter.EAGER, "all-minilm-l6-v2")));
        assertEquals(Map.of("all-minilm-l6-v2", "loading"), a.status(), "eager by default: the default model only");
        release.complete(null);
        var first = a.embed(call("all-minilm-l6-v2", List.of("one"), Map.of())).await().atMost(WAIT);
        var second = b.embed(call("all-minilm-l6-v2", List.of("one"), Map.of())).await().atMost(WAIT);
        assertEquals(1, registry.loadsStarted());
        assertEquals(1, loads.get());
        assertEquals(Map.of("all-minilm-l6-v2", "loaded"), b.status());
        org.junit.jupiter.api.Assertions.assertArrayEquals(((io.embedgate.spi.Embedding.Floats) first.embeddings().get(0)).values(),
                ((io.embedgate.spi.Embedding.Floats) second.embeddings().get(0)).values());
        // A lazy model loads on its first request, once.
        b.embed(call("e5-small-v2-q", List.of("query: one"), Map.of())).await().atMost(WAIT);
        a.embed(call("e5-small-v2-q", List.of("query: two"), Map.of())).await().atMost(WAIT);
        assertEquals(2, loads.get());
        assertEquals("loaded", a.status().get("e5-small-v2-q"));
        assertSame(registry, adapter.models());
        // Closing one instance leaves the models to the other.
        ((LocalClient) a).pool().close();
    }

    @Test
    void eagerModelsAreValidated() {
        LocalAdapter adapter = new LocalAdapter(new ModelRegistry(Models::encoder));
        assertTrue(adapter.validate(instance("local", Map.of(LocalAdapter.EAGER, "bge-small-en-v1.5, none-such"))).get(0)
                .contains("'none-such'"));
        assertTrue(adapter.validate(instance("local", Map.of(LocalAdapter.TRUNCATE, "maybe"))).get(0).contains("true or false"));
        assertTrue(adapter.validate(instance("local", Map.of(LocalAdapter.EAGER, "none"))).isEmpty());
        assertEquals(List.of(LocalModels.BGE_SMALL_EN_V15, LocalModels.E5_SMALL_V2_Q),
                LocalAdapter.eagerModels(instance("local", Map.of(LocalAdapter.EAGER, "bge-small-en-v1.5,e5-small-v2-q"))));
    }

    @Test
    void overLongInputsAreTruncatedByDefaultAndRejectedOnRequestOrByTheInstance() {
        LocalAdapter adapter = new LocalAdapter(new ModelRegistry(Models::encoder));
        ProviderClient truncating = adapter.connect(instance("local", Map.of(LocalAdapter.EAGER, "none")));
        ProviderClient rejecting = adapter.connect(instance("strict", Map.of(LocalAdapter.EAGER, "none", LocalAdapter.TRUNCATE, "false")));
        List<String> texts = List.of("short", "word ".repeat(300));
        assertEquals(2, truncating.embed(call("all-minilm-l6-v2", texts, Map.of())).await().atMost(WAIT).embeddings().size());
        UpstreamException e = org.junit.jupiter.api.Assertions.assertThrows(UpstreamException.class,
                () -> truncating.embed(call("all-minilm-l6-v2", texts, Map.of(LocalAdapter.TRUNCATE, false))).await().atMost(WAIT));
        assertEquals(UpstreamException.Kind.BAD_REQUEST, e.kind());
        assertEquals("input_too_long", e.errorCode().orElseThrow());
        assertTrue(e.getMessage().startsWith("the input has 302 tokens"), e.getMessage());
        assertEquals(1, e.input().getAsInt());
        assertTrue(e.getMessage().contains("more than the 256 all-minilm-l6-v2 takes"), e.getMessage());
        assertThrows(() -> rejecting.embed(call("all-minilm-l6-v2", texts, Map.of())).await().atMost(WAIT));
        assertEquals(2, rejecting.embed(call("all-minilm-l6-v2", texts, Map.of(LocalAdapter.TRUNCATE, true))).await().atMost(WAIT)
                .embeddings().size());
        ((LocalClient) truncating).pool().close();
        ((LocalClient) rejecting).pool().close();
    }

    private static void assertThrows(Runnable r) {
        org.junit.jupiter.api.Assertions.assertThrows(UpstreamException.class, r::run);
    }
}
