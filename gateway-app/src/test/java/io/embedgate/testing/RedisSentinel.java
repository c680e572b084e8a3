package io.embedgate.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A real Redis Sentinel deployment of {@code redis-server} processes on loopback: one master, its
 * replicas and the sentinels that watch them under one name, for integration tests of the gateway's
 * shared state across a failover (forced, or after the master is killed). Sentinels rewrite their
 * config files, so each node has a writable directory of its own under target/redis-test.
 */
public final class RedisSentinel implements AutoCloseable {

    private static final Duration SETTLE = Duration.ofSeconds(30);

    private final String masterName;
    private final RedisTestOptions options;
    private final List<RedisNode> dataNodes = new ArrayList<>();
    private final List<RedisNode> sentinels = new ArrayList<>();
    private final RedisProcesses processes = new RedisProcesses();

    private RedisSentinel(String masterName, RedisTestOptions options) {
        this.masterName = masterName;
        this.options = options;
    }

    /** A deployment without password or TLS. */
    public static RedisSentinel start(String masterName, int replicas, int sentinels) {
        return start(masterName, replicas, sentinels, RedisTestOptions.PLAIN);
    }

    /**
     * Starts a master and {@code replicas} replicas of it, waits until they are in sync, then starts
     * {@code sentinels} sentinels (quorum: a majority) and waits (30 s at most) until every sentinel
     * names the master, sees every replica with its link up, and knows the other sentinels.
     */
    public static RedisSentinel start(String masterName, int replicas, int sentinels, RedisTestOptions options) {
        RedisSentinel deployment = new RedisSentinel(masterName, options);
        try {
            deployment.launchDataNodes(replicas);
            deployment.launchSentinels(sentinels);
            deployment.awaitSentinelsInSync(SETTLE);
            return deployment;
        } catch (RuntimeException | Error e) {
            deployment.close();
            throw e;
        }
    }

    private void launchDataNodes(int replicas) {
        for (int i = 0; i <= replicas; i++) {
            RedisNode master = i == 0 ? null : dataNodes.get(0);
            dataNodes.add(processes
                    .add(RedisNode.start(i == 0 ? "master" : "replica-" + i, false, options, port -> processes.dir("data-" + port + "-"),
                            (port, dir) -> {
                                List<String> args = new ArrayList<>(RedisNode.listenArgs(port, options));
                                args.addAll(List.of("--dir", dir.toString()));
                                if (master != null) {
                                    args.addAll(List.of("--replicaof", "127.0.0.1", Integer.toString(master.port())));
                                }
                                return args;
                            })));
        }
        // Sentinels learn the replicas from the master's INFO: they must be connected before the first one starts.
        awaitReplicasLinked(dataNodes.get(0), SETTLE);
    }

    private void launchSentinels(int count) {
        int quorum = count / 2 + 1;
        for (int i = 0; i < count; i++) {
            sentinels.add(processes
                    .add(RedisNode.start("sentinel-" + i, false, options, port -> processes.dir("sentinel-" + port + "-"), (port, dir) -> {
                        Path conf = dir.resolve("sentinel.conf");
                        write(conf, sentinelConf(port, dir, quorum));
                        return List.of(conf.toString(), "--sentinel");
                    })));
        }
    }

    private String sentinelConf(int port, Path dir, int quorum) {
        StringBuilder c = new StringBuilder();
        if (options.tls()) {
            TestCertificates certs = TestCertificates.get();
            c.append("port 0\ntls-port ").append(port).append('\n');
            c.append("tls-cert-file ").append(certs.serverCertPem()).append('\n');
            c.append("tls-key-file ").append(certs.serverKeyPem()).append('\n');
            c.append("tls-ca-cert-file ").append(certs.caCertPem()).append('\n');
            // tls-replication: the sentinels reach the data nodes, and each other, over TLS.
            c.append("tls-auth-clients no\ntls-replication yes\n");
        } else {
            c.append("port ").append(port).append('\n');
        }
        c.append("bind 127.0.0.1\n");
        c.append("dir ").append(dir).append('\n');
        c.append("sentinel monitor ").append(masterName).append(" 127.0.0.1 ").append(dataNodes.get(0).port()).append(' ').append(quorum)
                .append('\n');
        c.append("sentinel down-after-milliseconds ").append(masterName).append(" 1000\n");
        c.append("sentinel failover-timeout ").append(masterName).append(" 5000\n");
        c.append("sentinel parallel-syncs ").append(masterName).append(" 1\n");
        if (options.password() != null) {
            c.append("sentinel auth-pass ").append(masterName).append(' ').append(options.password()).append('\n');
            // Sentinels authenticate to each other with their own requirepass.
            c.append("requirepass ").append(options.password()).append('\n');
        }
        return c.toString();
    }

    public String masterName() {
        return masterName;
    }

    /** The password of every node and sentinel, or null. */
    public String password() {
        return options.password();
    }

    public RedisTestOptions options() {
        return options;
    }

    /** {@code redis://127.0.0.1:port} (or {@code rediss://}) of each sentinel. */
    public List<String> sentinelUrls() {
        return sentinels.stream().map(RedisNode::url).toList();
    }

    public String sentinelUrlsCsv() {
        return String.join(",", sentinelUrls());
    }

    /** The master and replicas, running or killed, in the order they were started (the first master first). */
    public List<RedisNode> dataNodes() {
        return List.copyOf(dataNodes);
    }

    public List<RedisNode> sentinels() {
        return List.copyOf(sentinels);
    }

    /** The master as the first sentinel that answers names it. */
    public RedisNode master() {
        for (RedisNode s : sentinels) {
            Integer port = RedisNode.quietly(() -> masterPortSeenBy(s));
            if (s.isAlive() && port != null) {
                return byPort(port);
            }
        }
        throw new IllegalStateException("no sentinel names the master of " + masterName + ": " + describe());
    }

    /**
     * Forces a failover ({@code SENTINEL FAILOVER}, retried while the sentinel has no replica it deems good
     * yet) and waits until every sentinel names another master, and that node says it is master.
     */
    public void failover() {
        RedisNode old = master();
        String[] last = {""};
        RedisNode.await(SETTLE, () -> {
            for (RedisNode s : sentinels) {
                if (s.isAlive()) {
                    Object reply = RedisNode.quietly(() -> s.call("SENTINEL", "FAILOVER", masterName));
                    last[0] = s + ": " + (reply instanceof Resp.Error e ? e.message() : reply);
                    return "OK".equals(reply);
                }
            }
            return false;
        }, () -> "SENTINEL FAILOVER " + masterName + " refused, last by " + last[0] + ":" + describe());
        awaitNewMaster(old);
    }

    /** Kills the master like a crash and waits until the sentinels have failed over to another node. */
    public void killMaster() {
        RedisNode old = master();
        old.kill();
        awaitNewMaster(old);
    }

    /**
     * Makes a data node (restarted first if killed) a replica of the current master at once, and has every
     * sentinel rediscover the deployment ({@code SENTINEL RESET}), then waits until all are in sync, so that
     * another failover can follow. It still takes up to 10 s (the sentinels' INFO period); left to
     * themselves, the sentinels turn an old master into a replica only after 10 to 20 s.
     */
    public void rejoin(RedisNode node) {
        if (!node.isAlive()) {
            node.restart();
        }
        RedisNode master = master();
        if (node != master) {
            node.ok("REPLICAOF", "127.0.0.1", Integer.toString(master.port()));
            awaitReplicasLinked(master, SETTLE);
        }
        for (RedisNode s : sentinels) {
            if (s.isAlive()) {
                s.ok("SENTINEL", "RESET", masterName);
            }
        }
        awaitSentinelsInSync(SETTLE);
    }

    private void awaitNewMaster(RedisNode old) {
        RedisNode.await(SETTLE, () -> {
            Integer agreed = null;
            for (RedisNode s : sentinels) {
                if (!s.isAlive()) {
                    continue;
                }
                Integer port = RedisNode.quietly(() -> masterPortSeenBy(s));
                if (port == null || port == old.port() || (agreed != null && !agreed.equals(port))) {
                    return false;
                }
                agreed = port;
            }
            Integer master = agreed;
            return master != null && "master".equals(RedisNode.quietly(() -> byPort(master).role()));
        }, () -> "no failover from " + old + ": " + describe());
    }

    /**
     * Waits until every running data node but the master replicates the master with its link up, and
     * every running sentinel names that master, sees those replicas as healthy and knows the other
     * sentinels: the state a further failover needs (after a failover, the old master is turned into a
     * replica only some seconds later).
     */
    public void awaitSentinelsInSync(Duration timeout) {
        RedisNode.await(timeout, () -> {
            RedisNode master = RedisNode.quietly(this::master);
            if (master == null || !awaitedReplicasUp(master)) {
                return false;
            }
            long others = sentinels.stream().filter(RedisNode::isAlive).count() - 1;
            for (RedisNode s : sentinels) {
                if (s.isAlive() && !Boolean.TRUE.equals(RedisNode.quietly(() -> sentinelSeesAll(s, master, others)))) {
                    return false;
                }
            }
            return true;
        }, () -> "sentinels not in sync: " + describe());
    }

    private void awaitReplicasLinked(RedisNode master, Duration timeout) {
        RedisNode.await(timeout, () -> awaitedReplicasUp(master), () -> "replicas not in sync with " + master + ": " + describe());
    }

    private boolean awaitedReplicasUp(RedisNode master) {
        for (RedisNode n : dataNodes) {
            if (n == master || !n.isAlive()) {
                continue;
            }
            String info = RedisNode.quietly(() -> n.info("replication"));
            if (info == null || !"slave".equals(RedisNode.field(info, "role"))
                    || !Integer.toString(master.port()).equals(RedisNode.field(info, "master_port"))
                    || !"up".equals(RedisNode.field(info, "master_link_status"))) {
                return false;
            }
        }
        return true;
    }

    private boolean sentinelSeesAll(RedisNode sentinel, RedisNode master, long otherSentinels) {
        if (masterPortSeenBy(sentinel) != master.port()) {
            return false;
        }
        Map<String, String> m = pairs(sentinel.ok("SENTINEL", "MASTER", masterName));
        if (!"master".equals(m.get("flags")) || Long.parseLong(m.get("num-other-sentinels")) != otherSentinels) {
            return false;
        }
        Map<Integer, Map<String, String>> replicas = new HashMap<>();
        for (Object r : (List<?>) sentinel.ok("SENTINEL", "REPLICAS", masterName)) {
            Map<String, String> replica = pairs(r);
            replicas.put(Integer.parseInt(replica.get("port")), replica);
        }
        for (RedisNode n : dataNodes) {
            if (n != master && n.isAlive()) {
                Map<String, String> r = replicas.get(n.port());
                if (r == null || !"slave".equals(r.get("flags")) || !"ok".equals(r.get("master-link-status"))) {
                    return false;
                }
            }
        }
        return true;
    }

    private int masterPortSeenBy(RedisNode sentinel) {
        List<?> addr = (List<?>) sentinel.ok("SENTINEL", "GET-MASTER-ADDR-BY-NAME", masterName);
        return Integer.parseInt(RedisNode.text(addr.get(1)));
    }

    private static Map<String, String> pairs(Object flat) {
        List<?> l = (List<?>) flat;
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i + 1 < l.size(); i += 2) {
            m.put(RedisNode.text(l.get(i)), RedisNode.text(l.get(i + 1)));
        }
        return m;
    }

    private RedisNode byPort(int port) {
        for (RedisNode n : dataNodes) {
            if (n.port() == port) {
                return n;
            }
        }
        throw new IllegalStateException("no data node of this deployment on port " + port);
    }

    /** Each node's role and each sentinel's view, for failure messages. */
    public String describe() {
        StringBuilder b = new StringBuilder();
        for (RedisNode n : dataNodes) {
            b.append("\n  ").append(n).append(n.isAlive() ? " role=" + RedisNode.quietly(n::role) : " (killed)");
            if (n.isAlive()) {
                b.append(" link=").append(RedisNode.quietly(() -> n.info("replication", "master_link_status")));
            }
        }
        for (RedisNode s : sentinels) {
            b.append("\n  ").append(s);
            if (s.isAlive()) {
                b.append(" master=").append(RedisNode.quietly(() -> masterPortSeenBy(s)));
                Map<String, String> m = RedisNode.quietly(() -> pairs(s.ok("SENTINEL", "MASTER", masterName)));
                if (m != null) {
                    b.append(" flags=").append(m.get("flags")).append(" other-sentinels=").append(m.get("num-other-sentinels"))
                            .append(" replicas=").append(m.get("num-slaves")).append(" failover-state=").append(m.get("failover-state"));
                }
            } else {
                b.append(" (killed)");
            }
        }
        return b.toString();
    }

    /** Kills every node and sentinel and deletes their directories. */
    @Override
    public void close() {
        processes.close();
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
