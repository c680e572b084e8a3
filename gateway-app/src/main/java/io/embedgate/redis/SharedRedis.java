package io.embedgate.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.embedgate.config.GatewayConfig;
import io.embedgate.config.RedisConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import io.vertx.redis.client.RedisRole;

/**
 * The Redis every replica shares: the cache's shared tier, rate-limit and budget counters, the usage
 * ledger, runtime keys. One standalone server, a Redis Cluster, or a master watched by Sentinel
 * ({@code gateway.cache.redis.type}); callers do not care which, but they name each command's slot
 * ({@link HashSlot}): on a cluster, keys changed together must share a hash tag, and a pipeline is
 * split by node.
 *
 * <p>Every call is bounded by {@code gateway.cache.redis.timeout}; what a failure means is the caller's
 * decision (a cache miss, fail-open, a 503). The nodes' state is checked every
 * {@code node-check-interval} for the {@code embedgate_redis_node_up} metric and a warning per node outage.
 */
@Singleton
public class SharedRedis {

    private static final Logger LOG = Logger.getLogger(SharedRedis.class);

    private final Vertx vertx;
    private final RedisEndpoints endpoints;
    private final Route route;
    private final ClusterRoute cluster;
    private final Duration timeout;
    private final String keyPrefix;
    private final NodeStates states;
    /** The node checks' own client (standalone: the server; sentinel: the sentinels), apart from the requests' pools. */
    private final Redis checks;
    private final long checkTimer;

    @Inject
    public SharedRedis(GatewayConfig config, Vertx vertx, MeterRegistry registry) {
        RedisConfig c = config.cache().redis();
        this.vertx = vertx;
        this.timeout = c.timeout();
        this.keyPrefix = c.keyPrefix();
        if (c.url().filter(u -> !u.isBlank()).isEmpty()) {
            endpoints = null;
            route = null;
            cluster = null;
            states = null;
            checks = null;
            checkTimer = -1;
            return;
        }
        endpoints = new RedisEndpoints(c);
        states = new NodeStates(registry, "its cache keys are misses and its counters follow the fail-open setting until it is back"
                + (endpoints.type() == RedisConfig.Type.STANDALONE ? "" : " or a replica takes over"),
                endpoints.type() != RedisConfig.Type.STANDALONE);
        if (endpoints.type() == RedisConfig.Type.CLUSTER) {
            cluster = new ClusterRoute(vertx, endpoints, timeout, this::clusterSeen);
            route = cluster;
            cluster.firstMap(c.nodeCheckInterval().plus(timeout.multipliedBy(5))).subscribe().with(m -> {
            }, t -> LOG.warnf("Shared Redis: no cluster node answered yet (%s); retrying", t.getMessage()));
        } else {
            cluster = null;
            route = new SingleServerRoute(vertx, endpoints.options());
        }
        checks = switch (endpoints.type()) {
            case SENTINEL ->
                Redis.createClient(vertx, endpoints.options().setRole(RedisRole.SENTINEL).setAutoFailover(false).setMaxPoolSize(1));
            case STANDALONE -> Redis.createClient(vertx, endpoints.options().setMaxPoolSize(1));
            case CLUSTER -> null;
        };
        checkTimer = vertx.setPeriodic(Math.max(100, c.nodeCheckInterval().toMillis()), id -> checkNodes());
        if (cluster == null) {
            checkNodes(); // at once: the metric has its rows from the start (the cluster's first map does the same)
        }
        LOG.infof("Shared Redis: %s", endpoints.describe());
    }

    public boolean enabled() {
        return route != null;
    }

    /** Whether commands are routed by slot across the nodes of a Redis Cluster. */
    public boolean cluster() {
        return cluster != null;
    }

    /** What every key of the gateway begins with ({@code gateway.cache.redis.key-prefix}). */
    public String keyPrefix() {
        return keyPrefix;
    }

    public Duration timeout() {
        return timeout;
    }

    /**
     * The slot to name for {@code key} in {@link #send}, {@link #batch} and {@link #pipeline}: its
     * {@link HashSlot} on a cluster; one server ignores slots, so there it is not computed (-1).
     */
    public int slot(String key) {
        return cluster != null ? HashSlot.of(key) : -1;
    }

    /** {@link #slot(String)} of a binary key. */
    public int slot(byte[] key) {
        return cluster != null ? HashSlot.of(key) : -1;
    }

    /** One command whose keys all hash to {@code slot}; bounded by the timeout. */
    public Uni<Response> send(int slot, Request request) {
        return route == null ? off() : route.send(slot, request, timeout);
    }

    /**
     * Commands whose keys all hash to {@code slot} (a {@code MULTI}/{@code EXEC} transaction, one
     * tenant's counters) in one round trip; bounded by five times the timeout.
     */
    public Uni<List<Response>> batch(int slot, List<Request> requests) {
        return route == null ? off() : route.batch(slot, requests, timeout.multipliedBy(5));
    }

    /**
     * Commands with keys anywhere, each with its slot: one round trip per node involved, in parallel.
     * On a cluster a node that fails or is slower than {@code timeout} fails its own commands only.
     */
    public Uni<Replies> pipeline(List<Request> requests, int[] slots, Duration timeout) {
        return route == null ? off() : route.pipeline(requests, slots, timeout);
    }

    private static <T> Uni<T> off() {
        return Uni.createFrom().failure(new IllegalStateException("no shared Redis configured"));
    }

    // --- node state ---------------------------------------------------------------------------------

    private void checkNodes() {
        switch (endpoints.type()) {
            case CLUSTER -> cluster.refresh().subscribe().with(m -> {
            }, t -> states.seen(downNow(t.getMessage())));
            case SENTINEL -> sentinelView();
            case STANDALONE -> checks.send(Request.cmd(Command.PING)).ifNoItem().after(timeout.multipliedBy(5)).fail().subscribe().with(
                    ok -> states.seen(List.of(new NodeStates.Node(endpoints.addresses().get(0), "master", true, ""))),
                    t -> states.seen(
                            List.of(new NodeStates.Node(endpoints.addresses().get(0), "master", false, String.valueOf(t.getMessage())))));
        }
    }

    private void clusterSeen(SlotMap map) {
        List<NodeStates.Node> nodes = new ArrayList<>();
        for (SlotMap.Node n : map.nodes()) {
            nodes.add(new NodeStates.Node(n.address(), n.role(), n.up(), n.failing() ? "the cluster marks it failing" : "disconnected"));
        }
        states.seen(nodes);
    }

    /** When no node could be asked, every node last seen is reported down (with why). */
    private List<NodeStates.Node> downNow(String why) {
        return states.last().values().stream().map(n -> new NodeStates.Node(n.address(), n.role(), false, why)).toList();
    }

    /** The sentinels' view: the master and its replicas with their flags ({@code s_down}, {@code o_down}, {@code disconnected}). */
    private void sentinelView() {
        String name = endpoints.options().getMasterName();
        Uni.combine().all().unis(
                checks.send(Request.cmd(Command.SENTINEL).arg("MASTER").arg(name)),
                checks.send(Request.cmd(Command.SENTINEL).arg("REPLICAS").arg(name)))
                .asTuple().ifNoItem().after(timeout.multipliedBy(5)).fail()
                .subscribe().with(t -> {
                    List<NodeStates.Node> nodes = new ArrayList<>();
                    nodes.add(SentinelReplies.node(t.getItem1(), "master"));
                    for (Response replica : t.getItem2()) {
                        nodes.add(SentinelReplies.node(replica, "replica"));
                    }
                    states.seen(nodes);
                }, t -> states.seen(downNow("no sentinel answered: " + t.getMessage())));
    }

    @PreDestroy
    void close() {
        if (checkTimer >= 0) {
            vertx.cancelTimer(checkTimer);
        }
        if (route != null) {
            route.close();
        }
        if (checks != null) {
            checks.close();
        }
    }
}
