package io.embedgate.cache;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.embedgate.config.GatewayConfig;
import io.embedgate.routing.EmbeddingJob;
import io.embedgate.routing.EmbeddingRouter;
import io.embedgate.routing.Routed;
import io.embedgate.spi.Embedding;
import io.embedgate.spi.EmbeddingInputs;
import io.embedgate.spi.UpstreamException;
import io.embedgate.spi.Usage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;

/**
 * The cache in front of the router, per input: every input gets its own key, only the misses go
 * upstream (each distinct input once), and the answers are merged back at their own indexes.
 *
 * <p>One response never mixes models: when some inputs were hits and the misses could only be served
 * by a fallback (another model), the whole request is embedded by the router again, fallbacks and
 * all, and nothing from the cache is used. Only vectors of the request's own model are cached.
 */
@Singleton
public class CachedEmbeddings {

    /** The routed answer with what the cache contributed. */
    public record Answer(Routed routed, boolean consulted, int hits, int sent, long cachedTokens) {
    }

    private final EmbeddingRouter router;
    private final EmbeddingCache cache;
    private final RedisTier redis;
    private final boolean partitionByKey;

    private final Counter hitCounter;
    private final Counter missCounter;

    @Inject
    public CachedEmbeddings(EmbeddingRouter router, EmbeddingCache cache, RedisTier redis, GatewayConfig config, MeterRegistry registry) {
        this.router = router;
        this.cache = cache;
        this.redis = redis;
        this.partitionByKey = config.cache().partitionByKey();
        this.hitCounter = registry.counter("embedgate.cache.lookups", "result", "hit");
        this.missCounter = registry.counter("embedgate.cache.lookups", "result", "miss");
        FunctionCounter.builder("embedgate.cache.redis.failures", redis, RedisTier::failures)
                .description("Shared-tier calls that failed, timed out or were rejected").register(registry);
        FunctionCounter.builder("embedgate.cache.redis.invalid", redis, RedisTier::invalidValues)
                .description("Values read from the shared tier that did not fit the request, treated as misses").register(registry);
        Gauge.builder("embedgate.cache.bytes", cache, EmbeddingCache::weightedSize).description("Bytes held by the in-process tier")
                .register(registry);
    }

    public Uni<Answer> embed(EmbeddingJob job, String keyId) {
        return embed(job, keyId, false, null);
    }

    /**
     * @param ownPartition whether this key's inputs are cached apart from other keys' (its policy)
     * @param gate null, or what must succeed before anything is answered or sent upstream (a rate-limited
     *             key's admission). It runs beside the shared tier's lookup, so that a key's limits and the
     *             cache cost one Redis round trip of waiting, not two; its failure is the request's.
     */
    public Uni<Answer> embed(EmbeddingJob job, String keyId, boolean ownPartition, Uni<Void> gate) {
        if (job.cacheTtl().isEmpty()) {
            Uni<Answer> direct = router.embed(job).map(r -> new Answer(r, false, 0, job.inputs().size(), 0));
            return gate == null ? direct : gate.chain(() -> direct);
        }
        List<ByteBuffer> keys = keys(job, partitionByKey || ownPartition ? keyId : null);
        Map<ByteBuffer, CachedVector> local = cache.getAll(keys);
        // Distinct keys this replica does not hold, for one round trip to the shared tier.
        List<ByteBuffer> remote = keys.stream().distinct().filter(k -> !local.containsKey(k)).toList();
        VectorShape shape = VectorShape.of(job.dtype(), job.outputDimensions(job.model().model().capabilities()));
        Uni<Map<ByteBuffer, CachedVector>> lookup = redis.getAll(remote, shape);
        if (gate != null) {
            lookup = Uni.combine().all().unis(lookup, gate).with((found, admitted) -> found);
        }
        return lookup.chain(shared -> {
            job.trace().mark("cache_lookup");
            cache.putAll(shared); // warm this replica's tier with what another one computed
            Map<ByteBuffer, CachedVector> hits = new HashMap<>(local);
            hits.putAll(shared);
            return withHits(job, keys, hits);
        });
    }

    private Uni<Answer> withHits(EmbeddingJob job, List<ByteBuffer> keys, Map<ByteBuffer, CachedVector> hits) {
        EmbeddingInputs inputs = job.inputs();
        int n = inputs.size();
        int hitInputs = 0;
        for (ByteBuffer k : keys) {
            hitInputs += hits.containsKey(k) ? 1 : 0;
        }
        hitCounter.increment(hitInputs);
        missCounter.increment(n - hitInputs);
        // Distinct misses, in first-seen order; every input position maps to its key.
        Map<ByteBuffer, Integer> missSlot = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            ByteBuffer k = keys.get(i);
            if (!hits.containsKey(k) && !missSlot.containsKey(k)) {
                missSlot.put(k, i);
            }
        }
        if (missSlot.isEmpty()) {
            List<Embedding> out = new ArrayList<>(n);
            long cached = 0;
            for (ByteBuffer k : keys) {
                CachedVector v = hits.get(k);
                out.add(v.embedding());
                cached += v.tokens();
            }
            Routed r = new Routed(out, Usage.NONE, job.model().model().id(), "cache", job.model().model().id(), List.of());
            return Uni.createFrom().item(new Answer(r, true, n, 0, cached));
        }
        int[] positions = missSlot.values().stream().mapToInt(Integer::intValue).toArray();
        EmbeddingInputs misses = inputs.pick(positions);
        boolean partial = !hits.isEmpty();
        EmbeddingJob missJob = partial ? job.forInputsOnThisModel(misses) : job.forInputs(misses);
        // An error about one of the misses names it by its place among them: give it its place in the request.
        Uni<Routed> sent = router.embed(missJob).onFailure(UpstreamException.class).transform(t -> {
            UpstreamException e = (UpstreamException) t;
            return e.input().isPresent() && e.input().getAsInt() < positions.length ? e.aboutInput(positions[e.input().getAsInt()]) : e;
        });
        Uni<Answer> answer = sent.map(r -> merge(job, keys, hits, missSlot, misses, r));
        if (partial && !job.policy().fallbacks().isEmpty()) {
            // The misses failed on this model: serve the whole request through the fallbacks instead.
            answer = answer.onFailure(UpstreamException.class).recoverWithUni(t -> router.embed(job)
                    .map(r -> new Answer(r, true, 0, n, 0)));
        }
        return runToTheEnd(answer, job);
    }

    /**
     * Runs the upstream calls and the store on a subscription of their own: when the client hangs up
     * (its subscription is cancelled) the answer still lands in the cache, so a retry after a client
     * timeout is a hit instead of a second upstream call that is paid for again. The client's
     * subscription only waits for the shared outcome.
     */
    private static Uni<Answer> runToTheEnd(Uni<Answer> answer, EmbeddingJob job) {
        Uni<Answer> shared = answer.memoize().indefinitely();
        // The work keeps its share of the memory budget until it is done, client or no client.
        job.memory().hold();
        shared.subscribe().with(done -> job.memory().release(), failure -> {
            job.memory().release(); // the failure itself is reported to the client's subscription, if it is still there
        });
        return shared;
    }

    private Answer merge(EmbeddingJob job, List<ByteBuffer> keys, Map<ByteBuffer, CachedVector> hits,
            Map<ByteBuffer, Integer> missSlot, EmbeddingInputs misses, Routed r) {
        int n = keys.size();
        boolean sameModel = r.model().equals(job.model().model().id());
        if (!sameModel && !hits.isEmpty()) {
            throw new IllegalStateException("cache would mix models"); // excluded by forInputsOnThisModel
        }
        long[] tokens = shares(misses, r.usage().promptTokens());
        long ttl = job.cacheTtl().orElseThrow().toNanos();
        Map<ByteBuffer, Embedding> fresh = new HashMap<>();
        Map<ByteBuffer, CachedVector> toStore = new HashMap<>();
        int slot = 0;
        for (ByteBuffer k : missSlot.keySet()) {
            Embedding e = r.embeddings().get(slot);
            fresh.put(k, e);
            if (sameModel) {
                toStore.put(k, CachedVector.of(e, tokens[slot], ttl));
            }
            slot++;
        }
        cache.putAll(toStore);
        redis.putAll(toStore);
        List<Embedding> out = new ArrayList<>(n);
        long cachedTokens = 0;
        int hitCount = 0;
        Map<ByteBuffer, Boolean> counted = new HashMap<>();
        for (int i = 0; i < n; i++) {
            ByteBuffer k = keys.get(i);
            CachedVector hit = hits.get(k);
            if (hit != null) {
                out.add(hit.embedding());
                cachedTokens += hit.tokens();
                hitCount++;
            } else {
                out.add(fresh.get(k));
                if (counted.put(k, Boolean.TRUE) != null) {
                    // a duplicate of an input sent once: served without upstream cost
                    cachedTokens += toStore.containsKey(k) ? toStore.get(k).tokens() : 0;
                }
            }
        }
        Routed merged = new Routed(out, r.usage(), r.model(), r.provider(), r.upstreamModel(), r.notes());
        return new Answer(merged, true, hitCount, missSlot.size(), cachedTokens);
    }

    /**
     * Tokens per sent input: exact for token ids (one per id); for texts the upstream total is shared
     * in proportion to UTF-8 length, as providers report totals per request.
     */
    static long[] shares(EmbeddingInputs sent, long total) {
        int m = sent.size();
        long[] out = new long[m];
        if (sent instanceof EmbeddingInputs.TokenIds ids) {
            for (int i = 0; i < m; i++) {
                out[i] = ids.values().get(i).length;
            }
            return out;
        }
        List<String> texts = ((EmbeddingInputs.Texts) sent).values();
        long sum = 0;
        for (String t : texts) {
            sum += t.getBytes(StandardCharsets.UTF_8).length;
        }
        long given = 0;
        for (int i = 0; i < m; i++) {
            out[i] = i == m - 1 ? Math.max(0, total - given)
                    : sum == 0 ? 0 : total * texts.get(i).getBytes(StandardCharsets.UTF_8).length / sum;
            given += out[i];
        }
        return out;
    }

    /**
     * One key per input over everything that changes the vector: the embedding space (the public
     * model id, which is one vector space across all its providers; plus the gateway key when
     * partitioned), size, element type, normalisation and the provider options that reach upstream.
     */
    /** @param partition the key id whose own entries these are, or null for the entries every key shares */
    private List<ByteBuffer> keys(EmbeddingJob job, String partition) {
        String space = (partition != null ? partition + "\u0000" : "") + job.model().model().id();
        Map<String, Object> relevant = new TreeMap<>();
        job.model().candidates().forEach(c -> {
            Map<String, Object> o = job.providerOptions().get(c.instance().type());
            if (o != null && !o.isEmpty()) {
                relevant.put(c.instance().type(), new TreeMap<>(o));
            }
        });
        CacheKeys k = CacheKeys.forRequest(space, job.model().model().id(), job.outputDimensions(job.model().model().capabilities()),
                job.dtype().wireName(), job.normalize(), relevant.isEmpty() ? null : relevant.toString(),
                job.inputType().map(t -> "input_type=" + t.wireName()).orElse(null));
        List<ByteBuffer> keys = new ArrayList<>(job.inputs().size());
        if (job.inputs() instanceof EmbeddingInputs.Texts t) {
            for (String s : t.values()) {
                keys.add(ByteBuffer.wrap(k.text(s)));
            }
        } else {
            for (int[] ids : ((EmbeddingInputs.TokenIds) job.inputs()).values()) {
                keys.add(ByteBuffer.wrap(k.tokens(ids)));
            }
        }
        return keys;
    }
}
