package io.embedgate.redis;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A Redis Cluster's layout as one node saw it ({@code CLUSTER NODES}): every node with its role and
 * state, and the master serving each of the 16384 slots. Immutable; replaced as a whole when the
 * cluster changes (a failover, a slot moved).
 */
final class SlotMap {

    /** One node; {@code address} is {@code host:port}, as clients connect to it. */
    record Node(String id, String address, boolean master, boolean failing, boolean connected, int slots) {

        String role() {
            return master ? "master" : "replica";
        }

        boolean up() {
            return connected && !failing;
        }
    }

    private final List<Node> nodes;
    private final Node[] owners;

    private SlotMap(List<Node> nodes, Node[] owners) {
        this.nodes = List.copyOf(nodes);
        this.owners = owners;
    }

    /** The master serving {@code slot}, or null when no node does (the cluster is not fully covered). */
    Node owner(int slot) {
        return owners[slot];
    }

    List<Node> nodes() {
        return nodes;
    }

    /** Parses {@code CLUSTER NODES}; lines it cannot read are skipped, and a map without a single served slot is refused. */
    static SlotMap parse(String clusterNodes) {
        List<Node> nodes = new ArrayList<>();
        Node[] owners = new Node[HashSlot.COUNT];
        Map<String, Node> byId = new HashMap<>();
        for (String line : clusterNodes.split("\n")) {
            String[] f = line.trim().split(" ");
            if (f.length < 8) {
                continue;
            }
            String address = address(f[1]);
            if (address == null) {
                continue; // a node without an address yet (noaddr, handshake)
            }
            List<String> flags = List.of(f[2].split(","));
            if (flags.contains("handshake") || flags.contains("noaddr")) {
                continue;
            }
            boolean master = flags.contains("master");
            int[] ranges = master ? ranges(f) : new int[0];
            int served = 0;
            for (int i = 0; i < ranges.length; i += 2) {
                served += ranges[i + 1] - ranges[i] + 1;
            }
            Node n = new Node(f[0], address, master, flags.contains("fail") || flags.contains("fail?"), "connected".equals(f[7]), served);
            nodes.add(n);
            byId.put(n.id(), n);
            for (int i = 0; i < ranges.length; i += 2) {
                for (int s = ranges[i]; s <= ranges[i + 1]; s++) {
                    owners[s] = n;
                }
            }
        }
        if (nodes.stream().noneMatch(n -> n.slots() > 0)) {
            throw new IllegalArgumentException("CLUSTER NODES names no node serving a slot");
        }
        return new SlotMap(nodes, owners);
    }

    /** {@code 127.0.0.1:7000@17000,hostname} → {@code 127.0.0.1:7000}; null for {@code :0@0}. */
    private static String address(String field) {
        String a = field;
        int cut = a.indexOf('@');
        if (cut >= 0) {
            a = a.substring(0, cut);
        }
        int colon = a.lastIndexOf(':');
        if (colon <= 0 || colon == a.length() - 1 || "0".equals(a.substring(colon + 1))) {
            return null;
        }
        return a;
    }

    /** Slot ranges from field 8 on, as pairs; a slot being imported or migrated ({@code [..]}) belongs to its current owner, listed plainly too. */
    private static int[] ranges(String[] f) {
        int[] out = new int[2 * (f.length - 8)];
        int n = 0;
        for (int i = 8; i < f.length; i++) {
            String r = f[i];
            if (r.isEmpty() || r.startsWith("[")) {
                continue;
            }
            try {
                int dash = r.indexOf('-');
                int from = Integer.parseInt(dash < 0 ? r : r.substring(0, dash));
                int to = dash < 0 ? from : Integer.parseInt(r.substring(dash + 1));
                if (from >= 0 && to < HashSlot.COUNT && from <= to) {
                    out[n++] = from;
                    out[n++] = to;
                }
            } catch (NumberFormatException ignored) {
                // not a slot range: skipped
            }
        }
        return java.util.Arrays.copyOf(out, n);
    }
}
