package io.embedgate.redis;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;

/**
 * The shared Redis' nodes as last seen: the metric {@code embedgate_redis_node_up{node,role}} (1 up,
 * 0 down; the rows follow the deployment as nodes come, go and change role), and one warning when a
 * node goes down, one line when it is back or changes role, never a line per check.
 */
final class NodeStates {

    private static final Logger LOG = Logger.getLogger(SharedRedis.class);

    /** One node: {@code host:port}, {@code master} or {@code replica}, and why it is down when it is. */
    record Node(String address, String role, boolean up, String detail) {
    }

    /**
     * How long a node that was down must be seen up before it counts as back. The cluster's nodes
     * learn of a failure one after the other, and the map is read from any of them: without this,
     * one node's late view would end the outage and the next read begin another.
     */
    static final long QUIET_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final MultiGauge gauge;
    private final LongSupplier nanoTime;
    private final Map<String, Long> lastSeenDown = new HashMap<>();
    private final String consequence;
    private final boolean log;
    private Map<String, Node> last = Map.of();

    /** {@code log} false for a standalone server, whose outage each feature already reports in its own words. */
    NodeStates(MeterRegistry registry, String consequence, boolean log) {
        this(registry, consequence, log, System::nanoTime);
    }

    NodeStates(MeterRegistry registry, String consequence, boolean log, LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
        this.log = log;
        this.gauge = MultiGauge.builder("embedgate.redis.node.up")
                .description("Whether each node of the shared Redis is up (1) or down (0), as last checked").register(registry);
        this.consequence = consequence;
    }

    synchronized void seen(List<Node> seen) {
        long at = nanoTime.getAsLong();
        Map<String, Node> now = new HashMap<>();
        List<Node> nodes = new ArrayList<>(seen.size());
        for (Node observed : seen) {
            Node before = last.get(observed.address());
            Node n = observed;
            if (!observed.up()) {
                lastSeenDown.put(observed.address(), at);
            } else if (before != null && !before.up() && at - lastSeenDown.getOrDefault(observed.address(), at) < QUIET_NANOS) {
                n = before; // up in one view only so far: still down until it stays up
            }
            nodes.add(n);
            now.put(n.address(), n);
            if (!log) {
                continue;
            }
            if (!n.up() && (before == null || before.up())) {
                LOG.warnf("Shared Redis: node %s (%s) is down (%s); %s", n.address(), n.role(), n.detail(),
                        n.role().equals("master") ? consequence : "its master has no standby until it is back");
            } else if (n.up() && before != null && !before.up()) {
                LOG.infof("Shared Redis: node %s (%s) is up again", n.address(), n.role());
            } else if (n.up() && before != null && !before.role().equals(n.role())) {
                LOG.infof("Shared Redis: node %s is now a %s", n.address(), n.role());
            }
        }
        last = now;
        gauge.register(nodes.stream().map(n -> MultiGauge.Row.of(Tags.of("node", n.address(), "role", n.role()), n.up() ? 1 : 0)).toList(),
                true);
    }

    synchronized Map<String, Node> last() {
        return last;
    }
}
