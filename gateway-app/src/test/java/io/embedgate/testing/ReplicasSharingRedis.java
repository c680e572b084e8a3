package io.embedgate.testing;

import java.io.File;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.embedgate.fakes.FakeOpenAi;

/**
 * Gateway processes (the packaged application) in front of one fake OpenAI, sharing one real
 * redis-server: what integration tests of shared state start and stop.
 */
public final class ReplicasSharingRedis implements AutoCloseable {

    public final RedisServerResource redis = new RedisServerResource();
    public final FakeOpenAi fake;
    public final List<PackagedApp> replicas = new ArrayList<>();

    /**
     * @param env    further environment of every replica
     * @param logTag the replicas' console goes to {@code target/<logTag>-<i>.log}
     */
    public ReplicasSharingRedis(int count, Map<String, String> env, String logTag) throws Exception {
        String redisUrl = redis.start().get("gateway.cache.redis.url");
        fake = FakeOpenAi.start();
        for (int i = 0; i < count; i++) {
            Map<String, String> all = new HashMap<>(Map.of("OPENAI_BASE_URL", fake.baseUrl(), "OPENAI_API_KEY", fake.apiKey(),
                    "EMBEDGATE_REDIS_URL", redisUrl,
                    // A replica's first Redis call also opens its connection: on a loaded machine that can take
                    // longer than the 200 ms default, and these tests are about sharing, not about timeouts.
                    "GATEWAY_CACHE_REDIS_TIMEOUT", "2s"));
            all.putAll(env);
            replicas.add(PackagedApp.launch(all, new File("target/" + logTag + "-" + i + ".log")));
        }
        for (PackagedApp replica : replicas) {
            replica.awaitReady();
        }
    }

    @Override
    public void close() throws Exception {
        for (PackagedApp replica : replicas) {
            replica.close();
        }
        fake.close();
        redis.stop();
    }
}
