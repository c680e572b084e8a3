package io.embedgate.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A real Redis Cluster of {@code redis-server} processes on loopback (no Docker here), created with
 * {@code redis-cli --cluster create}: for integration tests of the gateway's shared state against
 * what only a cluster does (MOVED and ASK redirections, a master failing over, keys spread by slot).
 * Every node has a directory of its own under target/redis-test, so a killed node can be restarted and
 * rejoin with its {@code nodes.conf}.
 */
public final class RedisCluster implements AutoCloseable {

    public static final int SLOTS = 16384;
    private static final Duration SETTLE = Duration.ofSeconds(30);

    private final RedisTestOptions options;
    private final List<RedisNode> nodes = new ArrayList<>();
    private final RedisProcesses processes = new RedisProcesses();
    private final List<RedisNode> initialMasters = new ArrayList<>();
    private final Map<RedisNode, String> ids = new ConcurrentHashMap<>();
    private String createOutput = "";

    private RedisCluster(RedisTestOptions options) {
        this.options = options;
    }

    /** A cluster without password or TLS. */
    public static RedisCluster start(int masters, int replicasPerMaster) {
        return start(masters, replicasPerMaster, RedisTestOptions.PLAIN);
    }

    /**
     * Starts {@code masters * (1 + replicasPerMaster)} nodes (at least 3 masters, as redis-cli requires),
     * creates the cluster and waits (30 s at most) until every node says {@code cluster_state:ok}, all
     * agree on who serves all 16384 slots, and every replica is in sync with its master.
     */
    public static RedisCluster start(int masters, int replicasPerMaster, RedisTestOptions options) {
        RedisCluster cluster = new RedisCluster(options);
        try {
            cluster.launch(masters * (1 + replicasPerMaster));
            cluster.create(replicasPerMaster);
            cluster.awaitConsistent(SETTLE);
            cluster.awaitReplicasInSync(SETTLE);
            cluster.initialMasters.addAll(cluster.masters());
            return cluster;
        } catch (RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
    }

    private void launch(int count) {
        for (int i = 0; i < count; i++) {
            nodes.add(processes.add(
                    RedisNode.start("cluster-node-" + i, true, options, port -> processes.dir("cluster-" + port + "-"), (port, dir) -> {
                        List<String> args = new ArrayList<>(RedisNode.listenArgs(port, options));
                        args.addAll(List.of("--dir", dir.toString(), "--cluster-enabled", "yes", "--cluster-config-file",
                                "nodes-" + port + ".conf",
                                "--cluster-node-timeout", "1000",
                                // A replica fails over however long ago it last heard from its master: tests kill masters at will.
                                "--cluster-replica-validity-factor", "0"));
                        if (options.tls()) {
                            args.addAll(List.of("--tls-cluster", "yes"));
                        }
                        return args;
                    })));
        }
    }

    private void create(int replicasPerMaster) {
        List<String> command = RedisNode.cliArgs(options);
        command.addAll(List.of("--cluster", "create"));
        for (RedisNode n : nodes) {
            command.add("127.0.0.1:" + n.port());
        }
        command.addAll(List.of("--cluster-replicas", Integer.toString(replicasPerMaster), "--cluster-yes"));
        Path log = processes.firstDir().resolve("redis-cli-create.log");
        String output;
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            boolean done = p.waitFor(SETTLE.toSeconds(), TimeUnit.SECONDS);
            if (!done) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
            output = Files.readString(log, StandardCharsets.UTF_8).replaceAll("\u001B\\[[;\\d]*m", ""); // no terminal colours
            if (!done || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + (done ? " exited with " + p.exitValue() : " timed out")
                        + ":\n" + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        createOutput = output;
    }

    /** The {@code redis://127.0.0.1:port} (or {@code rediss://}) of each master at start. */
    public List<String> seedUrls() {
        return initialMasters.stream().map(RedisNode::url).toList();
    }

    public String seedUrlsCsv() {
        return String.join(",", seedUrls());
    }

    /** The password every node requires, or null. */
    public String password() {
        return options.password();
    }

    public RedisTestOptions options() {
        return options;
    }

    /** All nodes, running or killed, in the order they were started. */
    public List<RedisNode> nodes() {
        return List.copyOf(nodes);
    }

    /** The running nodes that say they are masters now (so, right after a failover too). */
    public List<RedisNode> masters() {
        List<RedisNode> masters = new ArrayList<>();
        for (RedisNode n : nodes) {
            if (n.isAlive() && askRole(n).equals("master")) {
                masters.add(n);
            }
        }
        return masters;
    }

    /** The master serving {@code slot}, in the view of the first running master. */
    public RedisNode masterOfSlot(int slot) {
        Map<Integer, int[]> view = slotView(anyLiveMaster());
        for (Map.Entry<Integer, int[]> range : view.entrySet()) {
            if (range.getKey() <= slot && slot <= range.getValue()[0]) {
                return byPort(range.getValue()[1]);
            }
        }
        throw new IllegalStateException("no node serves slot " + slot + " in the view of " + anyLiveMaster());
    }

    public RedisNode masterOfKey(String key) {
        return masterOfSlot(slot(key));
    }

    public static int slot(String key) {
        return slot(key.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The key's hash slot, as the gateway computes it ({@link io.embedgate.redis.HashSlot}): the
     * harness' self-test checks it against {@code CLUSTER KEYSLOT} of a real node.
     */
    public static int slot(byte[] key) {
        return io.embedgate.redis.HashSlot.of(key);
    }

    /**
     * Waits until a node other than {@code killed} serves all of the slots {@code killed} served, the
     * survivors agree on it and say {@code cluster_state:ok}.
     */
    public void awaitFailoverOf(RedisNode killed, Duration timeout) {
        RedisNode.await(timeout, () -> {
            String agreed = agreedMasters();
            return agreed != null && !agreed.contains(":" + killed.port() + ",") && !agreed.endsWith(":" + killed.port());
        }, () -> "no failover of " + killed + ": " + describe());
    }

    /**
     * Waits until every running node says {@code cluster_state:ok}, all agree on the masters of all
     * 16384 slots, and each sees all the running nodes connected: after a start, or a restart.
     */
    public void awaitConsistent(Duration timeout) {
        RedisNode.await(timeout, () -> agreedMasters() != null && Boolean.TRUE.equals(RedisNode.quietly(this::everyLiveNodeSeesTheOthers)),
                () -> "the cluster did not settle: " + describe() + "\nredis-cli --cluster create said:\n" + createOutput);
    }

    /** Waits until every running replica reports {@code master_link_status:up}. */
    public void awaitReplicasInSync(Duration timeout) {
        RedisNode.await(timeout, () -> {
            for (RedisNode n : nodes) {
                if (n.isAlive() && askRole(n).equals("slave")
                        && !"up".equals(RedisNode.quietly(() -> n.info("replication", "master_link_status")))) {
                    return false;
                }
            }
            return true;
        }, () -> "replicas not in sync: " + describe());
    }

    /** Moves one slot with its keys from one master to another (the standard resharding), and waits until all nodes agree. */
    public void migrateSlot(int slot, RedisNode from, RedisNode to) {
        beginMigration(slot, from, to);
        finishMigration(slot, from, to);
    }

    /**
     * The first half of a move: {@code to} imports the slot, {@code from} migrates it. Until
     * {@link #finishMigration}, {@code from} answers ASK for keys it no longer (or never) had.
     */
    public void beginMigration(int slot, RedisNode from, RedisNode to) {
        to.ok("CLUSTER", "SETSLOT", Integer.toString(slot), "IMPORTING", id(from));
        from.ok("CLUSTER", "SETSLOT", Integer.toString(slot), "MIGRATING", id(to));
    }

    /**
     * Moves up to {@code max} keys of a migrating slot from {@code from} to {@code to} (MIGRATE), so
     * that a test can leave the slot's keys split between the two; returns how many moved.
     */
    public int migrateKeys(int slot, RedisNode from, RedisNode to, int max) {
        int moved = 0;
        while (moved < max) {
            List<?> keys = (List<?>) from.ok("CLUSTER", "GETKEYSINSLOT", Integer.toString(slot),
                    Integer.toString(Math.min(100, max - moved)));
            if (keys.isEmpty()) {
                break;
            }
            List<Object> migrate = new ArrayList<>(List.of("MIGRATE", "127.0.0.1", Integer.toString(to.port()), "", "0", "5000"));
            if (options.password() != null) {
                migrate.addAll(List.of("AUTH", options.password()));
            }
            migrate.add("KEYS");
            migrate.addAll(keys);
            from.ok(migrate.toArray());
            moved += keys.size();
        }
        return moved;
    }

    /** The second half: moves the remaining keys, gives the slot to {@code to} on every master, and waits until all agree. */
    public void finishMigration(int slot, RedisNode from, RedisNode to) {
        migrateKeys(slot, from, to, Integer.MAX_VALUE);
        String toId = id(to);
        // The importing node first: it bumps its epoch, so the new owner wins in gossip even if the rest is slow.
        to.ok("CLUSTER", "SETSLOT", Integer.toString(slot), "NODE", toId);
        from.ok("CLUSTER", "SETSLOT", Integer.toString(slot), "NODE", toId);
        for (RedisNode m : masters()) {
            if (m != from && m != to) {
                m.ok("CLUSTER", "SETSLOT", Integer.toString(slot), "NODE", toId);
            }
        }
        RedisNode.await(SETTLE, () -> {
            String agreed = agreedMasters();
            return agreed != null && RedisNode.quietly(() -> masterOfSlot(slot)) == to;
        }, () -> "slot " + slot + " not agreed to be on " + to + ": " + describe());
    }

    /** {@code DBSIZE} of one node. */
    public long keyCount(RedisNode node) {
        return (Long) node.ok("DBSIZE");
    }

    /** {@code DBSIZE} of each current master. */
    public Map<RedisNode, Long> keysPerMaster() {
        Map<RedisNode, Long> counts = new LinkedHashMap<>();
        for (RedisNode m : masters()) {
            counts.put(m, keyCount(m));
        }
        return counts;
    }

    /** {@code used_memory} of {@code INFO memory}, in bytes. */
    public long usedMemory(RedisNode node) {
        return Long.parseLong(node.info("memory", "used_memory"));
    }

    /** Kills every node and deletes their directories. */
    @Override
    public void close() {
        processes.close();
    }

    // The cluster's views.

    /**
     * The masters of all slots as "start-end:port,..." if every running node says cluster_state:ok and
     * sees the same; null otherwise.
     */
    private String agreedMasters() {
        String agreed = null;
        for (RedisNode n : nodes) {
            if (!n.isAlive()) {
                continue;
            }
            String state = RedisNode.quietly(() -> RedisNode.field(RedisNode.text(n.call("CLUSTER", "INFO")), "cluster_state"));
            String view = RedisNode.quietly(() -> signature(slotView(n)));
            if (!"ok".equals(state) || view == null || (agreed != null && !agreed.equals(view))) {
                return null;
            }
            agreed = view;
        }
        return agreed;
    }

    /**
     * Whether every running node lists every running node (itself included) as connected and not failing,
     * in CLUSTER NODES. Not CLUSTER SLOTS: it leaves out a replica until its replication offset has been
     * gossiped, seconds after it is in sync.
     */
    private boolean everyLiveNodeSeesTheOthers() {
        List<RedisNode> live = nodes.stream().filter(RedisNode::isAlive).toList();
        for (RedisNode n : live) {
            Map<String, String> seen = new HashMap<>();
            for (String line : RedisNode.text(n.ok("CLUSTER", "NODES")).split("\n")) {
                String[] f = line.trim().split(" ");
                if (f.length >= 8) {
                    seen.put(f[0], f[7] + " " + f[2]);
                }
            }
            for (RedisNode other : live) {
                String state = seen.get(id(other));
                if (state == null || !state.startsWith("connected ") || state.contains("fail") || state.contains("handshake")
                        || state.contains("noaddr")) {
                    return false;
                }
            }
        }
        return true;
    }

    /** A node's cluster id: kept in its nodes.conf, so the same after a restart. */
    private String id(RedisNode node) {
        return ids.computeIfAbsent(node, RedisNode::id);
    }

    /** One node's CLUSTER SLOTS: range start to {end, master port}. */
    private static Map<Integer, int[]> slotView(RedisNode node) {
        Map<Integer, int[]> view = new TreeMap<>();
        for (Object range : (List<?>) node.ok("CLUSTER", "SLOTS")) {
            List<?> r = (List<?>) range;
            int master = ((Long) ((List<?>) r.get(2)).get(1)).intValue();
            view.put(((Long) r.get(0)).intValue(), new int[]{((Long) r.get(1)).intValue(), master});
        }
        return view;
    }

    /** "start-end:port,..." of a view, or null unless it covers all slots. */
    private static String signature(Map<Integer, int[]> view) {
        int covered = 0;
        for (Map.Entry<Integer, int[]> e : view.entrySet()) {
            covered += e.getValue()[0] - e.getKey() + 1;
        }
        if (covered != SLOTS) {
            return null;
        }
        return view.entrySet().stream().map(e -> e.getKey() + "-" + e.getValue()[0] + ":" + e.getValue()[1])
                .collect(Collectors.joining(","));
    }

    private RedisNode anyLiveMaster() {
        for (RedisNode n : nodes) {
            if (n.isAlive() && "master".equals(askRole(n))) {
                return n;
            }
        }
        throw new IllegalStateException("no running master: " + describe());
    }

    private RedisNode byPort(int port) {
        for (RedisNode n : nodes) {
            if (n.port() == port) {
                return n;
            }
        }
        throw new IllegalStateException("no node of this cluster on port " + port);
    }

    /** ROLE, or "down" when the node does not answer. */
    private static String askRole(RedisNode n) {
        String role = RedisNode.quietly(n::role);
        return role == null ? "down" : role;
    }

    /** Every node's state, role and view, for failure messages. */
    public String describe() {
        StringBuilder b = new StringBuilder();
        for (RedisNode n : nodes) {
            b.append("\n  ").append(n).append(n.isAlive() ? "" : " (killed)");
            if (n.isAlive()) {
                b.append(" role=").append(askRole(n)).append(" state=")
                        .append(RedisNode.quietly(() -> RedisNode.field(RedisNode.text(n.call("CLUSTER", "INFO")), "cluster_state")))
                        .append(" slots=").append(RedisNode.quietly(() -> slotView(n).entrySet().stream()
                                .map(e -> e.getKey() + "-" + e.getValue()[0] + ":" + e.getValue()[1]).collect(Collectors.joining(","))));
            }
        }
        return b.toString();
    }
}
