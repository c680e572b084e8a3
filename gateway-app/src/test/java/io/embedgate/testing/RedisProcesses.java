package io.embedgate.testing;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The processes and data folders of one test deployment of Redis (a cluster, a Sentinel setup): on
 * {@link #close()} the processes are killed and the folders deleted, and a JVM that exits first still
 * kills the processes, so no test leaves a redis-server behind.
 */
final class RedisProcesses implements AutoCloseable {

    private final List<RedisNode> nodes = new CopyOnWriteArrayList<>();
    private final List<Path> dirs = new CopyOnWriteArrayList<>();
    private final Thread reaper = new Thread(() -> RedisNode.killAll(nodes));

    RedisProcesses() {
        Runtime.getRuntime().addShutdownHook(reaper);
    }

    /** Takes {@code node} into the deployment; returns it. */
    RedisNode add(RedisNode node) {
        nodes.add(node);
        return node;
    }

    /** A new temporary folder, deleted on close. */
    Path dir(String prefix) {
        Path dir = RedisNode.tempDir(prefix);
        dirs.add(dir);
        return dir;
    }

    /** The first folder made, for files of the deployment as a whole (e.g. a tool's log). */
    Path firstDir() {
        return dirs.get(0);
    }

    @Override
    public void close() {
        RedisNode.killAll(nodes);
        for (Path dir : dirs) {
            RedisNode.deleteTree(dir);
        }
        try {
            Runtime.getRuntime().removeShutdownHook(reaper);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down
        }
    }
}
