package io.embedgate.ratelimit;

import java.util.List;

import io.embedgate.cache.RedisTier;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;

/**
 * The token buckets shared by every replica, in Redis: one Lua script per request checks and charges
 * every limited dimension atomically, in one round trip, on Redis' own clock (replicas' clocks never
 * disagree about a bucket). A key's buckets share a hash tag, so they live on one node of a cluster.
 */
final class RedisBuckets {

    /**
     * KEYS: one bucket per dimension. ARGV: the number of dimensions, then limit and cost of each.
     * Returns {admitted (1/0), wait in ms, tokens left per dimension (as strings: Lua numbers would be
     * truncated to integers)}. Same arithmetic as {@link LocalBuckets}.
     */
    static final String SCRIPT = """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local n = tonumber(ARGV[1])
            local ok = true
            local wait = 0
            local tokens = {}
            for i = 1, n do
              local limit = tonumber(ARGV[2 * i])
              local cost = tonumber(ARGV[2 * i + 1])
              local rate = limit / 60000
              local v = redis.call('HMGET', KEYS[i], 't', 'at')
              local left = tonumber(v[1]) or limit
              local at = tonumber(v[2]) or now
              left = math.min(limit, left + math.max(0, now - at) * rate)
              tokens[i] = left
              if left < cost and left < limit then
                ok = false
                wait = math.max(wait, math.ceil((math.min(cost, limit) - left) / rate))
              end
            end
            local out = {ok and 1 or 0, wait}
            for i = 1, n do
              local left = tokens[i]
              if ok then left = left - tonumber(ARGV[2 * i + 1]) end
              redis.call('HSET', KEYS[i], 't', tostring(left), 'at', tostring(now))
              redis.call('PEXPIRE', KEYS[i], 120000)
              out[#out + 1] = tostring(left)
            end
            return out
            """;

    private final RedisTier redis;
    private final String prefix;

    RedisBuckets(RedisTier redis, String prefix) {
        this.redis = redis;
        this.prefix = prefix;
    }

    Uni<Admission> admit(String keyId, List<Rates.Dimension> dims) {
        Request eval = Request.cmd(Command.EVAL).arg(SCRIPT).arg(dims.size());
        for (Rates.Dimension d : dims) {
            eval.arg(key(keyId, d.name()));
        }
        eval.arg(dims.size());
        for (Rates.Dimension d : dims) {
            eval.arg(d.limit()).arg(d.cost());
        }
        return redis.send(eval).map(r -> admission(r, dims));
    }

    /** What Redis answered, checked: it is input from outside the process like any other. */
    static Admission admission(Response r, List<Rates.Dimension> dims) {
        if (r == null || r.size() != 2 + dims.size()) {
            throw new IllegalStateException("unexpected answer from the rate-limit script");
        }
        double[] left = new double[dims.size()];
        for (int i = 0; i < dims.size(); i++) {
            left[i] = Double.parseDouble(r.get(2 + i).toString());
            if (!Double.isFinite(left[i])) {
                throw new IllegalStateException("unexpected bucket value from the rate-limit script");
            }
        }
        boolean ok = r.get(0).toLong() == 1;
        return new Admission(ok, ok ? 0 : Math.max(0, r.get(1).toLong()), dims, left);
    }

    /** Gives back (or takes) the difference between the estimated and the actual cost; in the background. */
    Uni<Response> adjust(String keyId, String dimension, double delta) {
        return redis.send(Request.cmd(Command.HINCRBYFLOAT).arg(key(keyId, dimension)).arg("t").arg(Double.toString(delta)));
    }

    /** {@code <prefix>{<key id>}:<dimension>}: the braces make one hash slot per key id. */
    private String key(String keyId, String dimension) {
        return prefix + "{" + keyId + "}:" + dimension;
    }
}
