package io.embedgate.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jboss.logging.Logger;

import io.embedgate.routing.Timers;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;

/**
 * Redis Cluster, routed by the gateway: each command goes to the master serving its slot, through
 * that node's own clients, and a pipeline is split by node, one batch per node, sent in parallel and
 * put back in order. A node that is down fails its own commands only (the cache reads them as misses;
 * counters follow their fail-open rule), never the whole pipeline.
 *
 * <p>Why not the Vert.x cluster client: it connects to every node before each command, so one node
 * down fails every command until the failover ends, and it splits a multi-key read per slot, not per
 * node, reassembling the replies out of order.
 *
 * <p>The slot map comes from {@code CLUSTER NODES}, read every {@code node-check-interval} and again
 * (at most every 100 ms) when a node fails or answers {@code MOVED}. A {@code MOVED} is followed once
 * to the node it names; an {@code ASK} (a slot half-way through a migration) is sent there with
 * {@code ASKING} first, as the cluster protocol requires.
 */
final class ClusterRoute implements Route {

    private static final Logger LOG = Logger.getLogger(SharedRedis.class);
    private static final Pattern REDIRECT = Pattern.compile("(MOVED|ASK) (\\d+) (\\S*:\\d+)");
    private static final long REFRESH_GAP_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final Vertx vertx;
    private final RedisEndpoints endpoints;
    private final Duration timeout;
    private final Consumer<SlotMap> onNewMap;
    private final Map<String, LoopClients> nodes = new ConcurrentHashMap<>();
    private final AtomicBoolean refreshing = new AtomicBoolean();
    private volatile SlotMap map;
    private volatile long lastRefresh = System.nanoTime() - REFRESH_GAP_NANOS;
    /** The first read of the map, which commands sent before it wait for; null once a read failed, so the next one tries again. */
    private volatile Uni<SlotMap> firstMap;

    ClusterRoute(Vertx vertx, RedisEndpoints endpoints, Duration timeout, Consumer<SlotMap> onNewMap) {
        this.vertx = vertx;
        this.endpoints = endpoints;
        this.timeout = timeout;
        this.onNewMap = onNewMap;
    }

    SlotMap map() {
        return map;
    }

    // --- single-slot commands -----------------------------------------------------------------------

    @Override
    public Uni<Response> send(int slot, Request request, Duration timeout) {
        return batch(slot, List.of(request), timeout).map(replies -> replies.get(0));
    }

    @Override
    public Uni<List<Response>> batch(int slot, List<Request> requests, Duration timeout) {
        if (map == null) {
            return firstMap(timeout).onItem().transformToUni(m -> batch(slot, requests, timeout));
        }
        String owner = owner(slot);
        if (owner == null) {
            return Uni.createFrom().failure(noOwner(slot));
        }
        return batchOn(owner, requests, timeout).onFailure().recoverWithUni(t -> redirected(t, owner, requests, timeout, true));
    }

    /** Follows one {@code MOVED} or {@code ASK}; anything else fails (and a node that failed gets the map re-read). */
    private Uni<List<Response>> redirected(Throwable t, String asked, List<Request> requests, Duration timeout, boolean follow) {
        Matcher m = REDIRECT.matcher(String.valueOf(t.getMessage()));
        if (!m.find()) {
            refreshSoon();
            return Uni.createFrom().failure(t);
        }
        if (!follow) {
            return Uni.createFrom().failure(t);
        }
        // ":port": a node that does not know its own address; it is on the host just asked.
        String target = m.group(3).startsWith(":") ? asked.substring(0, asked.lastIndexOf(':')) + m.group(3) : m.group(3);
        if ("MOVED".equals(m.group(1))) {
            refreshSoon();
            return batchOn(target, requests, timeout).onFailure()
                    .recoverWithUni(again -> redirected(again, target, requests, timeout, false));
        }
        List<Request> asking = new ArrayList<>(requests.size() + 1);
        asking.add(Request.cmd(Command.ASKING));
        asking.addAll(requests);
        return batchOn(target, asking, timeout).map(replies -> replies.subList(1, replies.size()));
    }

    private Uni<List<Response>> batchOn(String address, List<Request> requests, Duration timeout) {
        Redis client = client(address);
        Uni<List<Response>> call = requests.size() == 1 ? client.send(requests.get(0)).map(java.util.Collections::singletonList)
                : client.batch(requests);
        return call.ifNoItem().after(timeout).on(Timers.executor()).fail();
    }

    // --- pipelines ----------------------------------------------------------------------------------

    @Override
    public Uni<Replies> pipeline(List<Request> requests, int[] slots, Duration timeout) {
        if (map == null) {
            return firstMap(timeout).onItem().transformToUni(m -> pipeline(requests, slots, timeout))
                    .onFailure().recoverWithItem(t -> Replies.failed(requests.size(), t));
        }
        Replies replies = new Replies(requests.size());
        Map<String, List<Integer>> byNode = new LinkedHashMap<>();
        for (int i = 0; i < requests.size(); i++) {
            String owner = owner(slots[i]);
            if (owner == null) {
                replies.fail(i, noOwner(slots[i]));
            } else {
                byNode.computeIfAbsent(owner, k -> new ArrayList<>()).add(i);
            }
        }
        List<Uni<Void>> shares = new ArrayList<>(byNode.size());
        byNode.forEach((node, indexes) -> {
            List<Request> share = new ArrayList<>(indexes.size());
            indexes.forEach(i -> share.add(requests.get(i)));
            shares.add(batchOn(node, share, timeout).onItemOrFailure().transformToUni((list, t) -> {
                if (t == null) {
                    for (int j = 0; j < indexes.size(); j++) {
                        replies.set(indexes.get(j), list.get(j));
                    }
                    return Uni.createFrom().voidItem();
                }
                if (!REDIRECT.matcher(String.valueOf(t.getMessage())).find()) {
                    refreshSoon();
                    indexes.forEach(i -> replies.fail(i, t));
                    return Uni.createFrom().voidItem();
                }
                // Some of the node's slots moved (a migration, a failover): each of its commands on its
                // own, following its redirection. Rare, and only for this node's share.
                refreshSoon();
                List<Uni<Void>> one = new ArrayList<>(indexes.size());
                for (int i : indexes) {
                    one.add(send(slots[i], requests.get(i), timeout).onItemOrFailure().transform((r, e) -> {
                        if (e == null) {
                            replies.set(i, r);
                        } else {
                            replies.fail(i, e);
                        }
                        return null;
                    }));
                }
                return Uni.join().all(one).andFailFast().replaceWithVoid();
            }));
        });
        if (shares.isEmpty()) {
            return Uni.createFrom().item(replies);
        }
        return Uni.join().all(shares).andFailFast().replaceWith(replies);
    }

    // --- the slot map -------------------------------------------------------------------------------

    /**
     * The map, once read: commands sent right after start-up wait for the first read (bounded by
     * their timeout) rather than fail, as a single server's client queues them while it connects.
     */
    Uni<SlotMap> firstMap(Duration timeout) {
        SlotMap m = map;
        if (m != null) {
            return Uni.createFrom().item(m);
        }
        Uni<SlotMap> pending = firstMap;
        if (pending == null) {
            synchronized (this) {
                if (firstMap == null) {
                    firstMap = refresh().onFailure().invoke(t -> firstMap = null).memoize().indefinitely();
                }
                pending = firstMap;
            }
        }
        return pending.ifNoItem().after(timeout).on(Timers.executor()).fail();
    }

    /**
     * The address of the master serving {@code slot}; null when none can: the map is not known yet, no
     * node serves the slot, or the cluster marks its master failing (then its commands fail at once,
     * without a connection attempt to a host that may not answer, until a replica takes over).
     */
    private String owner(int slot) {
        SlotMap m = map;
        if (m == null) {
            refreshSoon();
            return null;
        }
        SlotMap.Node n = m.owner(slot);
        return n == null || n.failing() ? null : n.address();
    }

    private IllegalStateException noOwner(int slot) {
        SlotMap m = map;
        SlotMap.Node n = m == null ? null : m.owner(slot);
        return new IllegalStateException(m == null ? "the cluster's slot map is not known yet"
                : n == null ? "no node serves slot " + slot : "node " + n.address() + ", serving slot " + slot + ", is failing");
    }

    /** Re-reads the slot map in the background, unless that was done in the last 100 ms or is under way. */
    void refreshSoon() {
        if (System.nanoTime() - lastRefresh >= REFRESH_GAP_NANOS && refreshing.compareAndSet(false, true)) {
            refresh().subscribe().with(ok -> {
            }, t -> {
            });
        }
    }

    /** Asks the known nodes (masters first), then the seeds, one after the other, until one answers {@code CLUSTER NODES}. */
    Uni<SlotMap> refresh() {
        refreshing.set(true);
        List<String> ask = new ArrayList<>();
        SlotMap m = map;
        if (m != null) {
            m.nodes().stream().filter(n -> n.master() && n.up()).forEach(n -> ask.add(n.address()));
            m.nodes().stream().filter(n -> !n.master() && n.up()).forEach(n -> ask.add(n.address()));
        }
        endpoints.addresses().stream().filter(a -> !ask.contains(a)).forEach(ask::add);
        return ask(ask, 0).onItemOrFailure().transform((fresh, t) -> {
            lastRefresh = System.nanoTime();
            refreshing.set(false);
            if (t != null) {
                throw t instanceof RuntimeException r ? r : new IllegalStateException(t);
            }
            map = fresh;
            onNewMap.accept(fresh);
            forgetGoneNodes(fresh);
            return fresh;
        });
    }

    private Uni<SlotMap> ask(List<String> addresses, int i) {
        if (i >= addresses.size()) {
            return Uni.createFrom().failure(new IllegalStateException("no cluster node answered CLUSTER NODES ("
                    + String.join(", ", addresses) + ")"));
        }
        return client(addresses.get(i)).send(Request.cmd(Command.CLUSTER).arg("NODES"))
                .ifNoItem().after(timeout.multipliedBy(5)).on(Timers.executor()).fail()
                .map(r -> SlotMap.parse(r.toString()))
                .onFailure().recoverWithUni(t -> {
                    LOG.debugf("CLUSTER NODES from %s failed: %s", addresses.get(i), t.getMessage());
                    return ask(addresses, i + 1);
                });
    }

    /** Clients of nodes the cluster no longer names are closed (a node removed; an address reused later gets a new one). */
    private void forgetGoneNodes(SlotMap fresh) {
        nodes.keySet().removeIf(address -> {
            boolean gone = fresh.nodes().stream().noneMatch(n -> n.address().equals(address)) && !endpoints.addresses().contains(address);
            if (gone) {
                LoopClients c = nodes.get(address);
                vertx.setTimer(TimeUnit.MINUTES.toMillis(1), id -> c.close()); // after the calls still on it
            }
            return gone;
        });
    }

    private Redis client(String address) {
        LoopClients c = nodes.get(address);
        if (c == null) {
            c = nodes.computeIfAbsent(address, a -> new LoopClients(vertx, endpoints.node(a)));
        }
        return c.here();
    }

    @Override
    public void close() {
        nodes.values().forEach(LoopClients::close);
    }
}
