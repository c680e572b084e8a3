package io.embedgate.ratelimit;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

import io.embedgate.redis.SharedRedis;
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
     * KEYS: one bucket per dimension, then the budget counters. ARGV: the number of dimensions, limit
     * and cost of each; the number of budgets, and per budget its counter's index in KEYS, the field
     * ({@code tokens} or {@code usd}) and the limit. Budgets are checked first: {2, budget index,
     * spent} refuses without touching a bucket. Else {admitted (1/0), wait in ms, tokens left per
     * dimension (as strings: Lua numbers would be truncated to integers)}. Same arithmetic as
     * {@link LocalBuckets}.
     */
    static final String SCRIPT = """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local n = tonumber(ARGV[1])
            local m = tonumber(ARGV[2 * n + 2])
            for j = 1, m do
              local base = 2 * n + 2 + 3 * (j - 1)
              local spent = tonumber(redis.call('HGET', KEYS[tonumber(ARGV[base + 1])], ARGV[base + 2]) or '0')
              if spent >= tonumber(ARGV[base + 3]) then
                return {2, j, tostring(spent)}
              end
            end
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

    static final String SCRIPT_SHA = sha1(SCRIPT);

    private final SharedRedis redis;
    private final String prefix;

    RedisBuckets(SharedRedis redis, String prefix) {
        this.redis = redis;
        this.prefix = prefix;
    }

    Uni<Admission> admit(String keyId, List<Rates.Dimension> dims, List<Budgets.Limit> budgets, LocalDate today) {
        List<String> counters = new ArrayList<>(2);
        for (Budgets.Limit b : budgets) {
            String counter = budgetKey(keyId, b.period(), today);
            if (!counters.contains(counter)) {
                counters.add(counter);
            }
        }
        List<String> args = new ArrayList<>(2 + 3 * (dims.size() + budgets.size()));
        args.add(Integer.toString(dims.size() + counters.size()));
        for (Rates.Dimension d : dims) {
            args.add(key(keyId, d.name()));
        }
        args.addAll(counters);
        args.add(Integer.toString(dims.size()));
        for (Rates.Dimension d : dims) {
            args.add(Long.toString(d.limit()));
            args.add(Long.toString(d.cost()));
        }
        args.add(Integer.toString(budgets.size()));
        for (Budgets.Limit b : budgets) {
            args.add(Integer.toString(dims.size() + 1 + counters.indexOf(budgetKey(keyId, b.period(), today))));
            args.add(b.unit());
            args.add(b.limit().toPlainString());
        }
        // By its SHA-1: the script is not sent with every request. A Redis that does not know it yet
        // (restarted, flushed, a new node) answers NOSCRIPT, and it is sent once with EVAL.
        int slot = slot(keyId);
        return redis.send(slot, command(Command.EVALSHA, SCRIPT_SHA, args))
                .onFailure(t -> String.valueOf(t.getMessage()).startsWith("NOSCRIPT"))
                .recoverWithUni(t -> redis.send(slot, command(Command.EVAL, SCRIPT, args)))
                .map(r -> admission(r, dims, budgets));
    }

    /** What Redis answered, checked: it is input from outside the process like any other. */
    static Admission admission(Response r, List<Rates.Dimension> dims, List<Budgets.Limit> budgets) {
        if (r != null && r.size() == 3 && r.get(0).toLong() == 2) {
            int j = r.get(1).toInteger();
            if (j < 1 || j > budgets.size()) {
                throw new IllegalStateException("unexpected answer from the rate-limit script");
            }
            return Admission.overBudget(budgets.get(j - 1), new BigDecimal(r.get(2).toString()));
        }
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

    /** Counts what an answer spent against the key's day and month (in the background, one batch). */
    Uni<List<Response>> spend(String keyId, LocalDate today, long tokens, BigDecimal usd) {
        List<Request> batch = new ArrayList<>(6);
        for (Budgets.Period p : Budgets.Period.values()) {
            String counter = budgetKey(keyId, p, today);
            batch.add(Request.cmd(Command.HINCRBY).arg(counter).arg("tokens").arg(tokens));
            if (usd != null) {
                batch.add(Request.cmd(Command.HINCRBYFLOAT).arg(counter).arg("usd").arg(usd.toPlainString()));
            }
            // Kept a little past the period's end, then dropped by Redis.
            batch.add(Request.cmd(Command.PEXPIRE).arg(counter).arg(p == Budgets.Period.DAY ? 2 * DAY_MS : 32 * DAY_MS));
        }
        return redis.batch(slot(keyId), batch);
    }

    private static final long DAY_MS = 86_400_000L;

    private static Request command(Command command, String script, List<String> args) {
        Request r = Request.cmd(command).arg(script);
        args.forEach(r::arg);
        return r;
    }

    static String sha1(String script) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-1")
                    .digest(script.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is part of every JDK", e);
        }
    }

    private String budgetKey(String keyId, Budgets.Period period, LocalDate today) {
        return prefix + "{" + keyId + "}:budget:" + period.id(today);
    }

    /** Gives back (or takes) the difference between the estimated and the actual cost; in the background. */
    Uni<Response> adjust(String keyId, String dimension, double delta) {
        return redis.send(slot(keyId), Request.cmd(Command.HINCRBYFLOAT).arg(key(keyId, dimension)).arg("t").arg(Double.toString(delta)));
    }

    /**
     * Every key of a key id's buckets and budgets carries the tag {@code {<key id>}}: one hash slot, so on a
     * Redis Cluster one node holds them all and the admission script can read and change them atomically.
     */
    private int slot(String keyId) {
        return redis.slot(key(keyId, ""));
    }

    /** {@code <prefix>{<key id>}:<dimension>}: the braces make one hash slot per key id. */
    private String key(String keyId, String dimension) {
        return prefix + "{" + keyId + "}:" + dimension;
    }
}
