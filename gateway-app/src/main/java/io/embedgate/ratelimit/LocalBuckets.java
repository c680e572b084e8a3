package io.embedgate.ratelimit;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The token buckets of one process: the same arithmetic as the Redis script ({@link RedisBuckets}),
 * used when no Redis is configured, and while it is unreachable when the gateway fails open.
 */
final class LocalBuckets {

    private static final class Bucket {

        double tokens;
        long at;

        Bucket(double tokens, long at) {
            this.tokens = tokens;
            this.at = at;
        }
    }

    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    /** All dimensions admit the request, or none is charged. */
    synchronized Admission admit(String keyId, List<Rates.Dimension> dims, long now) {
        double[] tokens = new double[dims.size()];
        boolean ok = true;
        long wait = 0;
        for (int i = 0; i < dims.size(); i++) {
            Rates.Dimension d = dims.get(i);
            Bucket b = buckets.computeIfAbsent(keyId + ":" + d.name(), k -> new Bucket(d.limit(), now));
            double rate = d.limit() / 60_000.0;
            tokens[i] = Math.min(d.limit(), b.tokens + Math.max(0, now - b.at) * rate);
            // A request costing more than a whole minute's worth passes when the bucket is full, leaving a debt.
            if (tokens[i] < d.cost() && tokens[i] < d.limit()) {
                ok = false;
                wait = Math.max(wait, (long) Math.ceil((Math.min(d.cost(), d.limit()) - tokens[i]) / rate));
            }
        }
        for (int i = 0; i < dims.size(); i++) {
            Bucket b = buckets.get(keyId + ":" + dims.get(i).name());
            if (ok) {
                tokens[i] -= dims.get(i).cost();
            }
            b.tokens = tokens[i];
            b.at = now;
        }
        return new Admission(ok, ok ? 0 : wait, dims, tokens);
    }

    /** Gives back (or takes) the difference between the estimated and the actual cost. */
    synchronized void adjust(String keyId, String dimension, double delta) {
        Bucket b = buckets.get(keyId + ":" + dimension);
        if (b != null) {
            b.tokens += delta;
        }
    }
}
