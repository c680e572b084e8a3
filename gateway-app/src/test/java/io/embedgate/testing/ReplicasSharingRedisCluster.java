package io.embedgate.testing;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.embedgate.fakes.FakeOpenAi;

/**
 * Gateway processes (the packaged application) in front of one fake OpenAI, sharing one real Redis
 * Cluster ({@link RedisCluster}, {@code gateway.cache.redis.type=cluster} with the masters as seeds):
 * the cluster counterpart of {@link ReplicasSharingRedis}. Each replica may get environment of its own
 * (e.g. one without the in-process cache tier).
 */
public final class ReplicasSharingRedisCluster implements AutoCloseable {

    /** What every key of the gateway begins with (the default {@code gateway.cache.redis.key-prefix}). */
    public static final String PREFIX = "embedgate:v1:";

    public final RedisCluster cluster;
    public final FakeOpenAi fake;
    public final List<PackagedApp> replicas = new ArrayList<>();

    /**
     * Starts a cluster of {@code masters} masters with {@code replicasPerMaster} replicas each, the fake,
     * and one gateway per entry of {@code perReplica}, then waits until every gateway is ready. Whatever
     * started is stopped again when a later step fails.
     *
     * @param env        further environment of every replica
     * @param perReplica environment of each replica (after {@code env}); its size is the number of replicas
     * @param logTag     the replicas' console goes to {@code target/<logTag>-<i>.log}
     */
    public ReplicasSharingRedisCluster(int masters, int replicasPerMaster, Map<String, String> env, List<Map<String, String>> perReplica,
            String logTag) throws Exception {
        cluster = RedisCluster.start(masters, replicasPerMaster);
        FakeOpenAi started = null;
        try {
            started = FakeOpenAi.start();
            for (int i = 0; i < perReplica.size(); i++) {
                Map<String, String> all = new HashMap<>(Map.of("OPENAI_BASE_URL", started.baseUrl(), "OPENAI_API_KEY", started.apiKey(),
                        "GATEWAY_CACHE_REDIS_TYPE", "cluster", "EMBEDGATE_REDIS_URL", cluster.seedUrlsCsv(),
                        // As in ReplicasSharingRedis: a first call also opens the connection to its node, and
                        // on a loaded machine that can take longer than the 200 ms default.
                        "GATEWAY_CACHE_REDIS_TIMEOUT", "2s"));
                all.putAll(env);
                all.putAll(perReplica.get(i));
                replicas.add(PackagedApp.launch(all, new File("target/" + logTag + "-" + i + ".log")));
            }
            for (PackagedApp replica : replicas) {
                replica.awaitReady();
            }
        } catch (Exception | Error e) {
            stopAll(started);
            throw e;
        }
        fake = started;
    }

    /**
     * The number of embedding cache entries on each master: keys under {@link #PREFIX} that are not the
     * usage ledger's, the rate limits' or the runtime keys'.
     */
    public Map<RedisNode, Integer> cacheKeysPerMaster() {
        Map<RedisNode, Integer> counts = new LinkedHashMap<>();
        for (RedisNode m : cluster.masters()) {
            int n = 0;
            for (Object k : (List<?>) m.ok("KEYS", PREFIX + "*")) {
                String key = new String((byte[]) k, StandardCharsets.ISO_8859_1); // cache keys hold binary digests
                if (!key.startsWith(PREFIX + "usage:") && !key.startsWith(PREFIX + "ratelimit:") && !key.startsWith(PREFIX + "keys:")) {
                    n++;
                }
            }
            counts.put(m, n);
        }
        return counts;
    }

    /** One command on the master serving {@code key} (the command's keys must share its slot). */
    public Object onMasterOf(String key, Object... command) {
        return cluster.masterOfKey(key).ok(command);
    }

    @Override
    public void close() throws Exception {
        stopAll(fake);
    }

    private void stopAll(FakeOpenAi fakeToClose) throws InterruptedException {
        try {
            for (PackagedApp replica : replicas) {
                replica.close();
            }
        } finally {
            try {
                if (fakeToClose != null) {
                    fakeToClose.close();
                }
            } finally {
                cluster.close();
            }
        }
    }
}
