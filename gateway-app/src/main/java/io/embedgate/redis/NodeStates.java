package io.embedgate.redis;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

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

    private final MultiGauge gauge;
    private final String consequence;
    private final boolean log;
    private Map<String, Node> last = Map.of();

    /** {@code log} false for a standalone server, whose outage each feature already reports in its own words. */
    NodeStates(MeterRegistry registry, String consequence, boolean log) {
        this.log = log;
        this.gauge = MultiGauge.builder("embedgate.redis.node.up")
                .description("Whether each node of the shared Redis is up (1) or down (0), as last checked").register(registry);
        this.consequence = consequence;
    }

    synchronized void seen(List<Node> nodes) {
        Map<String, Node> now = new HashMap<>();
        for (Node n : nodes) {
            now.put(n.address(), n);
            Node before = last.get(n.address());
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
