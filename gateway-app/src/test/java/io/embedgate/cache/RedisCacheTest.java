package io.embedgate.cache;

import static io.embedgate.testing.Api.embed;
import static io.embedgate.testing.Api.json;
import static io.embedgate.testing.Api.vector;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;

import io.embedgate.fakes.FakeOpenAi;
import io.embedgate.spi.OutputDtype;
import io.embedgate.testing.FakeUpstreamsResource;
import io.embedgate.testing.InjectFake;
import io.embedgate.testing.LogCapture;
import io.embedgate.testing.RedisServerResource;
import io.netty.channel.EventLoop;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.impl.ContextInternal;
import io.vertx.core.impl.VertxInternal;
import io.vertx.mutiny.core.Vertx;

/**
 * The shared tier against a real redis-server: what one replica computed is served to another (a
 * replica with a cold local tier), and killing Redis keeps every request correct.
 */
@QuarkusTest
@TestProfile(RedisCacheTest.WithRedis.class)
@WithTestResource(FakeUpstreamsResource.class)
@WithTestResource(RedisServerResource.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisCacheTest {

    /** Its own application instance, so no other test shares this Redis. */
    public static class WithRedis implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gateway.cache.enabled-by-default", "true");
        }
    }

    static final String SMALL = "text-embedding-3-small";

    @InjectFake
    FakeOpenAi a;
    @Inject
    EmbeddingCache local;
    @Inject
    RedisTier redis;
    @Inject
    Vertx vertx;

    @Test
    @Order(1)
    void anotherReplicaIsServedFromRedis() throws InterruptedException {
        a.reset();
        String req = "{\"model\":\"text-embedding-3-small\",\"input\":[\"shared one\",\"shared two\"]}";
        embed(req).then().statusCode(200).header("x-embedgate-cache", "hits=0; misses=2");
        // Writes are asynchronous: wait until both entries are in Redis.
        for (int i = 0; i < 100 && RedisServerResource.current().cacheKeys().size() != 2; i++) {
            Thread.sleep(20);
        }
        assertEquals(2, RedisServerResource.current().cacheKeys().size());
        local.invalidateAll(); // a replica that never saw these inputs
        JsonNode r = json(embed(req).then().statusCode(200).header("x-embedgate-cache", "hits=2; misses=0").extract().response());
        assertEquals(1, a.callCount(), "the second replica made no upstream call");
        assertArrayEquals(FakeOpenAi.expectedVector(SMALL, "shared two", null), vector(r, 1));
        assertTrue(r.get("usage").get("prompt_tokens_details").get("cached_tokens").asInt() > 0);
    }

    /**
     * Calls alternating between two event loops: each loop keeps its own Redis connection (MONITOR
     * names the connection of every command), so no command or reply crosses to the other loop's
     * thread. A client shared by the loops sends every call over the connection of the loop it was
     * created on.
     */
    @Test
    @Order(2)
    void eachEventLoopKeepsItsOwnRedisConnection() throws Exception {
        VertxInternal core = (VertxInternal) vertx.getDelegate();
        List<ContextInternal> loops = new ArrayList<>();
        core.nettyEventLoopGroup().forEach(l -> loops.add(core.createEventLoopContext((EventLoop) l, core.getWorkerPool(),
                Thread.currentThread().getContextClassLoader())));
        assertTrue(loops.size() >= 2, "Quarkus runs at least two event loops");
        try (Socket monitor = new Socket("127.0.0.1", RedisServerResource.current().port())) {
            monitor.setSoTimeout(5000);
            BufferedReader in = new BufferedReader(new InputStreamReader(monitor.getInputStream(), StandardCharsets.UTF_8));
            monitor.getOutputStream().write("MONITOR\r\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals("+OK", in.readLine());
            for (int i = 0; i < 4; i++) {
                for (int l = 0; l < 2; l++) {
                    ByteBuffer key = ByteBuffer.wrap(("loop" + l + "-call" + i).getBytes(StandardCharsets.US_ASCII));
                    CompletableFuture<Map<ByteBuffer, ?>> done = new CompletableFuture<>();
                    loops.get(l).runOnContext(v -> redis.getAll(List.of(key), VectorShape.of(OutputDtype.FLOAT, 8)).subscribe()
                            .with(done::complete, done::completeExceptionally));
                    assertTrue(done.get(5, TimeUnit.SECONDS).isEmpty());
                }
            }
            // MONITOR lines: +<time> [<db> <client address>] "mget" "<prefix>loop<l>-call<i>"
            Pattern line = Pattern.compile("\\[\\d+ ([^\\]]+)\\] \"MGET\" \".*loop(\\d)-call(\\d)\"", Pattern.CASE_INSENSITIVE);
            Map<String, Set<String>> connectionsByLoop = new HashMap<>();
            for (int seen = 0; seen < 8;) {
                Matcher m = line.matcher(in.readLine());
                if (m.find()) {
                    connectionsByLoop.computeIfAbsent("loop" + m.group(2), k -> new HashSet<>()).add(m.group(1));
                    seen++;
                }
            }
            Set<String> first = connectionsByLoop.get("loop0");
            Set<String> second = connectionsByLoop.get("loop1");
            // A loop's pool may open a second connection when a background call of the same loop (the usage
            // flush, the runtime keys' sync) holds the first one at that moment; what must never happen is
            // one connection serving both loops.
            assertTrue(first.size() <= 2 && second.size() <= 2, "each loop reuses its connections: " + connectionsByLoop);
            Set<String> shared = new HashSet<>(first);
            shared.retainAll(second);
            assertTrue(shared.isEmpty(), "the loops never share a connection: " + connectionsByLoop);
        }
    }

    @Test
    @Order(3)
    void killingRedisKeepsEveryRequestCorrect() {
        a.reset();
        long outagesBefore = redis.outages();
        try (LogCapture log = LogCapture.of(RedisTier.class.getName())) {
            RedisServerResource.current().kill();
            for (int i = 0; i < 5; i++) {
                local.invalidateAll();
                JsonNode r = json(embed("{\"model\":\"text-embedding-3-small\",\"input\":[\"after redis " + i + "\",\"shared one\"]}")
                        .then().statusCode(200).extract().response());
                assertArrayEquals(FakeOpenAi.expectedVector(SMALL, "after redis " + i, null), vector(r, 0));
                assertArrayEquals(FakeOpenAi.expectedVector(SMALL, "shared one", null), vector(r, 1));
            }
            // Reads and writes both fail: still one outage. (A call that was slow shortly before may
            // have begun it already; then it is not warned about again.)
            List<String> warnings = log.warnings();
            assertTrue(warnings.size() <= 1, "one warning per outage: " + warnings);
            warnings.forEach(w -> assertTrue(w.startsWith("Embedding cache: Redis unreachable or slow"), w));
        }
        assertEquals(5, a.callCount());
        assertTrue(redis.failures() >= 5, "failures are counted: " + redis.failures());
        assertTrue(redis.outages() >= 1 && redis.outages() - outagesBefore <= 1, "one outage: " + outagesBefore + " -> " + redis.outages());
    }
}
