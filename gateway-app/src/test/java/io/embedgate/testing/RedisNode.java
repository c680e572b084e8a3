package io.embedgate.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import java.util.stream.Stream;

import javax.net.SocketFactory;

/**
 * One {@code redis-server} process of a test deployment ({@link RedisCluster}, {@link RedisSentinel}) on
 * a loopback port, with its own directory (config, {@code nodes.conf}, log): it can be killed like a
 * crashed server and restarted on the same port and directory, so that it rejoins with what it had
 * persisted of its cluster or sentinel state.
 */
public final class RedisNode {

    /** Ports handed out in this JVM: a port just released by a probe must not be handed out twice. */
    private static final Set<Integer> TAKEN = new HashSet<>();

    private final String name;
    private final int port;
    private final Path dir;
    private final List<String> command;
    private final RedisTestOptions options;
    private volatile Process process;

    private RedisNode(String name, int port, Path dir, List<String> command, RedisTestOptions options) {
        this.name = name;
        this.port = port;
        this.dir = dir;
        this.command = List.copyOf(command);
        this.options = options;
    }

    /**
     * Starts {@code redis-server args...} on a free port (see {@link #freePort}) in a directory of its own,
     * with its console to {@link #log()}, and waits for PING. Another process of the machine may take the
     * port between the probe and redis-server's bind: then it tries another port.
     *
     * @param dirFor  a fresh directory for a port
     * @param argsFor redis-server's arguments for a port and directory
     */
    static RedisNode start(String name, boolean clusterBus, RedisTestOptions options, IntFunction<Path> dirFor,
            BiFunction<Integer, Path, List<String>> argsFor) {
        for (int attempt = 1;; attempt++) {
            int port = freePort(clusterBus);
            Path dir = dirFor.apply(port);
            List<String> command = new ArrayList<>();
            command.add("redis-server");
            command.addAll(argsFor.apply(port, dir));
            RedisNode node = new RedisNode(name, port, dir, command, options);
            node.launch();
            try {
                node.awaitPing(Duration.ofSeconds(10));
                return node;
            } catch (IllegalStateException e) {
                node.kill();
                if (attempt == 3 || !node.logTail(30).contains("Address already in use")) {
                    throw e;
                }
            }
        }
    }

    /**
     * One standalone server with a password (the {@code default} user's) and TLS as {@code options} asks:
     * for tests of a single server's credentials and TLS. Close it with {@link #kill()} and
     * {@link #deleteTree(Path) deleteTree(dir())}.
     */
    public static RedisNode standalone(RedisTestOptions options) {
        return start("standalone", false, options, port -> tempDir("standalone-" + port + "-"), (port, dir) -> {
            List<String> args = new ArrayList<>(listenArgs(port, options));
            args.addAll(List.of("--dir", dir.toString()));
            return args;
        });
    }

    private void launch() {
        try {
            process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile())).start();
        } catch (IOException e) {
            throw new IllegalStateException(
                    "redis-server is required for the Redis cluster and sentinel tests (apt-get install redis-server)",
                    e);
        }
    }

    public String name() {
        return name;
    }

    public int port() {
        return port;
    }

    public Path dir() {
        return dir;
    }

    /** The server's console (its log): read it when a node misbehaves. */
    public Path log() {
        return dir.resolve("redis.log");
    }

    public Process process() {
        return process;
    }

    /** {@code redis://127.0.0.1:port}, or {@code rediss://} with TLS; never with the password. */
    public String url() {
        return options.scheme() + "://127.0.0.1:" + port;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** One command (Strings or byte arrays) through {@link Resp}, authenticated and over TLS as the node requires. */
    public Object call(Object... args) {
        SocketFactory sockets = options.tls() ? TestCertificates.get().socketFactory() : SocketFactory.getDefault();
        return Resp.call(sockets, port, options.password(), args);
    }

    /** Like {@link #call(Object...)}, but an error reply or no answer is an exception naming the node and the command. */
    public Object ok(Object... args) {
        Object reply;
        try {
            reply = call(args);
        } catch (UncheckedIOException e) {
            throw new IllegalStateException(this + " did not answer " + show(args) + ": " + e.getCause(), e);
        }
        if (reply instanceof Resp.Error error) {
            throw new IllegalStateException(this + " answered " + show(args) + " with " + error.message());
        }
        return reply;
    }

    /** The node's own answer to {@code ROLE}: master, slave or sentinel. */
    public String role() {
        return text(((List<?>) ok("ROLE")).get(0));
    }

    /** {@link #role()}, or null while the node does not answer: a node changing role closes its client connections. */
    public String roleIfAnswering() {
        return quietly(this::role);
    }

    public boolean isMaster() {
        return "master".equals(role());
    }

    /** {@code INFO section} as text. */
    public String info(String section) {
        return text(ok("INFO", section));
    }

    /** One field of {@code INFO section}, e.g. {@code info("memory", "used_memory")}; null when absent. */
    public String info(String section, String field) {
        return field(info(section), field);
    }

    /** The cluster node id ({@code CLUSTER MYID}). */
    public String id() {
        return text(ok("CLUSTER", "MYID"));
    }

    /** Kills the server like a crash (SIGKILL) and waits until it is gone. */
    public void kill() {
        Process p = process;
        p.destroyForcibly();
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException(this + " did not die within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Starts the server again on the same port and directory (killing it first if it runs), and waits for PING. */
    public void restart() {
        if (isAlive()) {
            kill();
        }
        launch();
        awaitPing(Duration.ofSeconds(10));
    }

    /** Waits until the node answers PING; fails at once with its log if it exits. */
    private void awaitPing(Duration timeout) {
        await(timeout, () -> {
            if (!isAlive()) {
                throw new IllegalStateException(this + " exited with " + process.exitValue() + "; its log:\n" + logTail(30));
            }
            try {
                return "PONG".equals(call("PING"));
            } catch (UncheckedIOException e) {
                return false;
            }
        }, () -> this + " did not answer PING; its log:\n" + logTail(30));
    }

    /** The last lines of the node's log, for failure messages. */
    public String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(log(), StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public String toString() {
        return name + "@127.0.0.1:" + port;
    }

    // Shared by the deployments.

    /**
     * A free loopback port (of a probing ServerSocket(0)); with {@code clusterBus}, one below 55536 whose
     * port + 10000 (the cluster bus) is free as well, as {@code redis-cli --cluster create} requires.
     */
    static int freePort(boolean clusterBus) {
        for (int attempt = 0; attempt < 1000; attempt++) {
            int port = probe(0);
            if (port <= 0 || (clusterBus && (port > 55535 || probe(port + 10000) <= 0))) {
                continue;
            }
            synchronized (TAKEN) {
                if (TAKEN.add(port)) {
                    return port;
                }
            }
        }
        throw new IllegalStateException("no free loopback port" + (clusterBus ? " with a free cluster bus port" : ""));
    }

    private static int probe(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            return -1;
        }
    }

    /** The redis-server arguments for a port, a password and TLS, as {@code options} asks. */
    static List<String> listenArgs(int port, RedisTestOptions options) {
        List<String> args = new ArrayList<>(List.of("--bind", "127.0.0.1", "--save", "", "--appendonly", "no"));
        // No 5 s wait for more replicas before a full sync: a replica that (re)joins is in sync at once.
        args.addAll(List.of("--repl-diskless-sync-delay", "0"));
        // A master pings its replicas every second, not 10: a replica's offset moves off 0 at once, and a cluster
        // lists in CLUSTER SLOTS only replicas with an offset.
        args.addAll(List.of("--repl-ping-replica-period", "1"));
        if (options.tls()) {
            TestCertificates certs = TestCertificates.get();
            args.addAll(List.of("--port", "0", "--tls-port", Integer.toString(port), "--tls-cert-file", certs.serverCertPem().toString(),
                    "--tls-key-file", certs.serverKeyPem().toString(), "--tls-ca-cert-file", certs.caCertPem().toString(),
                    "--tls-auth-clients", "no", "--tls-replication", "yes"));
        } else {
            args.addAll(List.of("--port", Integer.toString(port)));
        }
        if (options.password() != null) {
            args.addAll(List.of("--requirepass", options.password(), "--masterauth", options.password()));
        }
        return args;
    }

    /** redis-cli's arguments to reach a node as {@code options} asks (before the command). */
    static List<String> cliArgs(RedisTestOptions options) {
        List<String> args = new ArrayList<>(List.of("redis-cli"));
        if (options.tls()) {
            args.addAll(List.of("--tls", "--cacert", TestCertificates.get().caCertPem().toString()));
        }
        if (options.password() != null) {
            args.addAll(List.of("-a", options.password(), "--no-auth-warning"));
        }
        return args;
    }

    /** A fresh directory under target/redis-test (or the system's temp dir when not run from a module). */
    static Path tempDir(String prefix) {
        try {
            Path base = Files.isDirectory(Path.of("target")) ? Path.of("target", "redis-test")
                    : Path.of(System.getProperty("java.io.tmpdir"), "embedgate-redis-test");
            Files.createDirectories(base);
            return Files.createTempDirectory(base.toAbsolutePath(), prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort: a leftover directory under target/ is harmless
        }
    }

    /** Kills every node (all signalled first, then awaited), ignoring those already gone. */
    static void killAll(List<RedisNode> nodes) {
        for (RedisNode n : nodes) {
            n.process.destroyForcibly();
        }
        for (RedisNode n : nodes) {
            try {
                n.process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Polls {@code condition} every 50 ms until it holds; past {@code timeout}, fails with {@code message}
     * (evaluated then, so it can show the latest state).
     */
    static void await(Duration timeout, BooleanSupplier condition, Supplier<String> message) {
        long until = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > until) {
                throw new IllegalStateException(message.get() + " (after " + timeout.toMillis() + " ms)");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** {@code s}'s value, or null when it throws (a node that is down, or not ready yet). */
    static <T> T quietly(Supplier<T> s) {
        try {
            return s.get();
        } catch (RuntimeException e) {
            return null;
        }
    }

    static String text(Object reply) {
        if (reply instanceof byte[] b) {
            return new String(b, StandardCharsets.UTF_8);
        }
        return String.valueOf(reply);
    }

    static String field(String info, String field) {
        for (String line : info.split("\r?\n")) {
            if (line.startsWith(field + ":")) {
                return line.substring(field.length() + 1).trim();
            }
        }
        return null;
    }

    private static String show(Object[] args) {
        StringBuilder b = new StringBuilder();
        for (Object a : args) {
            b.append(b.length() == 0 ? "" : " ").append(text(a));
        }
        return b.length() > 120 ? b.substring(0, 120) + "..." : b.toString();
    }
}
