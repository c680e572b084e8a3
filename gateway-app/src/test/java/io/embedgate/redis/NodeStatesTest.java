package io.embedgate.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** A node seen down stays down until it has been seen up for a while: the views of a cluster's nodes disagree for a moment. */
class NodeStatesTest {

    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final AtomicLong clock = new AtomicLong();
    final NodeStates states = new NodeStates(registry, "consequence", true, clock::get);

    double up(String node) {
        return registry.get("embedgate.redis.node.up").tag("node", node).gauge().value();
    }

    void at(long seconds, boolean up) {
        clock.set(TimeUnit.SECONDS.toNanos(seconds));
        states.seen(List.of(new NodeStates.Node("10.0.0.1:6379", "master", up, "test"),
                new NodeStates.Node("10.0.0.2:6379", "master", true, "")));
    }

    @Test
    void oneViewOfTheNodeUpDoesNotEndItsOutage() {
        at(0, true);
        assertEquals(1.0, up("10.0.0.1:6379"));
        at(1, false);
        assertEquals(0.0, up("10.0.0.1:6379"));
        at(2, true); // a node that has not noticed yet
        assertEquals(0.0, up("10.0.0.1:6379"));
        at(3, false);
        at(7, true);
        assertEquals(0.0, up("10.0.0.1:6379"), "4 s after it was last seen down");
        at(9, true);
        assertEquals(1.0, up("10.0.0.1:6379"), "up for longer than the quiet period");
        assertEquals(1.0, up("10.0.0.2:6379"));
    }
}
