package io.embedgate.redis;

import java.util.HashMap;
import java.util.Map;

import io.vertx.mutiny.redis.client.Response;

/** Reads a sentinel's description of a node ({@code SENTINEL MASTER}, each of {@code SENTINEL REPLICAS}): a map in RESP3, flat pairs in RESP2. */
final class SentinelReplies {

    private SentinelReplies() {
    }

    static NodeStates.Node node(Response r, String role) {
        Map<String, String> f = fields(r);
        String flags = f.getOrDefault("flags", "");
        // Down once the sentinels judge it so (after their down-after-milliseconds); a link that is only
        // "disconnected" comes and goes around every role change and would warn for nothing.
        boolean down = flags.contains("s_down") || flags.contains("o_down");
        return new NodeStates.Node(f.getOrDefault("ip", "?") + ":" + f.getOrDefault("port", "?"), role, !down, "sentinel flags: " + flags);
    }

    static Map<String, String> fields(Response r) {
        Map<String, String> out = new HashMap<>();
        if (r == null) {
            return out;
        }
        if (!r.getKeys().isEmpty()) {
            for (String k : r.getKeys()) {
                Response v = r.get(k);
                out.put(k, v == null ? "" : v.toString());
            }
            return out;
        }
        for (int i = 0; i + 1 < r.size(); i += 2) {
            out.put(r.get(i).toString(), r.get(i + 1) == null ? "" : r.get(i + 1).toString());
        }
        return out;
    }
}
