package io.embedgate.usage;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import io.embedgate.redis.SharedRedis;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;

/**
 * The ledger in the shared Redis. One hash per key and UTC day, {@code <prefix>usage:{<key id>}:<yyyy-mm-dd>}
 * (the braces put all of a key's days on one node of a cluster), with one field per counter and
 * model: {@code <counter>:<model id>}. The counter names hold no colon, so the field splits at its
 * first one whatever the model id holds. Money is in pico-USD ({@link PicoUsd}); the cost fields of
 * a model exist only once one of its answers had a price. A set per day,
 * {@code <prefix>usage:keys:<yyyy-mm-dd>}, names the keys with usage that day, for the all-keys
 * query. Every key expires {@code retention-days} after its day began.
 *
 * <p>On a Redis Cluster a key's hashes share one slot (the tag), so each key's share of a flush is one
 * transaction on one node; the day sets live elsewhere and are written first, on their own.
 */
final class RedisUsage {

    static final String REQUESTS = "requests";
    static final String INPUTS = "inputs";
    static final String TOKENS = "tokens";
    static final String CACHED_TOKENS = "cached_tokens";
    static final String COST = "cost_pusd";
    static final String COST_SAVED = "cost_saved_pusd";

    private static final long DAY_MS = 86_400_000L;
    /** Commands per round trip when reading: a year of days for many keys is sent in slices. */
    private static final int READ_SLICE = 256;

    private final SharedRedis redis;
    private final String prefix;
    private final int retentionDays;
    private final AtomicLong invalid = new AtomicLong();

    RedisUsage(SharedRedis redis, String prefix, int retentionDays) {
        this.redis = redis;
        this.prefix = prefix;
        this.retentionDays = retentionDays;
    }

    /** What a flush could not send (to be kept and sent again), and why; nothing and null when all of it landed. */
    record Unsent(Map<UsageCells.Key, UsageCounters> deltas, Throwable failure) {
    }

    /**
     * Adds the drained counters to Redis: first the day sets (which key had usage which day; adding a
     * member twice changes nothing), then each key's counters as one transaction (MULTI/EXEC), all
     * keys' transactions at once. A key's counters count whole or not at all, so a failed one is sent
     * again whole. The one case where that counts twice is a transaction Redis applied whose answer
     * never came back (a timeout): the ledger then over-counts that flush rather than lose it.
     */
    Uni<Unsent> add(Map<UsageCells.Key, UsageCounters> deltas) {
        Map<String, Map<UsageCells.Key, UsageCounters>> byKey = new java.util.LinkedHashMap<>();
        deltas.forEach((k, c) -> byKey.computeIfAbsent(k.keyId(), id -> new java.util.LinkedHashMap<>()).put(k, c));
        return dayIndexes(deltas).onItem().transformToUni(indexFailure -> {
            if (indexFailure != null) {
                return Uni.createFrom().item(new Unsent(deltas, indexFailure));
            }
            List<Uni<Unsent>> perKey = new ArrayList<>(byKey.size());
            byKey.forEach((keyId, own) -> perKey.add(transaction(keyId, own)));
            return Uni.join().all(perKey).andFailFast().map(results -> {
                Map<UsageCells.Key, UsageCounters> unsent = new HashMap<>();
                Throwable first = null;
                for (Unsent u : results) {
                    unsent.putAll(u.deltas());
                    first = first == null ? u.failure() : first;
                }
                return new Unsent(unsent, first);
            });
        });
    }

    /** {@code SADD} and {@code PEXPIREAT} of each day's set; null when they landed, else why not. */
    private Uni<Throwable> dayIndexes(Map<UsageCells.Key, UsageCounters> deltas) {
        List<Request> commands = new ArrayList<>();
        List<Integer> slots = new ArrayList<>();
        Set<Long> days = new LinkedHashSet<>();
        Set<String> members = new LinkedHashSet<>();
        deltas.keySet().forEach(k -> {
            String index = index(k.date());
            if (members.add(k.date() + " " + k.keyId())) {
                commands.add(Request.cmd(Command.SADD).arg(index).arg(k.keyId()));
                slots.add(redis.slot(index));
            }
            if (days.add(k.epochDay())) {
                commands.add(Request.cmd(Command.PEXPIREAT).arg(index).arg(expiresAt(k.epochDay())));
                slots.add(redis.slot(index));
            }
        });
        return redis.pipeline(commands, slots.stream().mapToInt(Integer::intValue).toArray(), redis.timeout().multipliedBy(5))
                .map(replies -> replies.failure())
                .onFailure().recoverWithItem(t -> t);
    }

    private Uni<Unsent> transaction(String keyId, Map<UsageCells.Key, UsageCounters> own) {
        List<Request> batch = new ArrayList<>(own.size() * 6 + 4);
        batch.add(Request.cmd(Command.MULTI));
        Set<String> hashes = new LinkedHashSet<>();
        String anyHash = null;
        for (Map.Entry<UsageCells.Key, UsageCounters> e : own.entrySet()) {
            UsageCells.Key k = e.getKey();
            UsageCounters c = e.getValue();
            String hash = hash(k.keyId(), k.date());
            anyHash = hash;
            increment(batch, hash, REQUESTS, k.model(), c.requests());
            increment(batch, hash, INPUTS, k.model(), c.inputs());
            increment(batch, hash, TOKENS, k.model(), c.tokens());
            increment(batch, hash, CACHED_TOKENS, k.model(), c.cachedTokens());
            if (c.priced()) {
                // Written even when zero: the field's presence says the model's cost is known.
                batch.add(Request.cmd(Command.HINCRBY).arg(hash).arg(COST + ":" + k.model()).arg(c.costPico()));
                batch.add(Request.cmd(Command.HINCRBY).arg(hash).arg(COST_SAVED + ":" + k.model()).arg(c.costSavedPico()));
            }
            // PEXPIREAT after the writes: on a key that does not exist yet it would do nothing.
            if (hashes.add(hash)) {
                batch.add(Request.cmd(Command.PEXPIREAT).arg(hash).arg(expiresAt(k.epochDay())));
            }
        }
        batch.add(Request.cmd(Command.EXEC));
        return redis.batch(redis.slot(anyHash), batch).map(replies -> {
            if (replies.get(replies.size() - 1) == null) {
                throw new IllegalStateException("Redis discarded the usage transaction");
            }
            return new Unsent(Map.<UsageCells.Key, UsageCounters>of(), null);
        }).onFailure().recoverWithItem(t -> new Unsent(own, t));
    }

    private static void increment(List<Request> batch, String hash, String counter, String model, long by) {
        if (by != 0) {
            batch.add(Request.cmd(Command.HINCRBY).arg(hash).arg(counter + ":" + model).arg(by));
        }
    }

    /**
     * The rows of one key (or of every key with usage in the range), read in as few round trips as
     * the range allows: one per slice of {@code HGETALL}s, plus one for the day indexes when every key is asked for.
     */
    Uni<List<UsageRow>> rows(Optional<String> keyId, LocalDate from, LocalDate to, Optional<String> model) {
        List<LocalDate> dates = from.datesUntil(to.plusDays(1)).toList();
        Uni<List<Map.Entry<String, LocalDate>>> hashes;
        if (keyId.isPresent()) {
            hashes = Uni.createFrom().item(dates.stream().map(d -> Map.entry(keyId.get(), d)).toList());
        } else {
            hashes = batched(dates.stream().map(d -> Request.cmd(Command.SMEMBERS).arg(index(d))).toList(),
                    dates.stream().map(this::index).toList()).map(replies -> {
                        List<Map.Entry<String, LocalDate>> out = new ArrayList<>();
                        for (int i = 0; i < dates.size(); i++) {
                            Response members = replies.get(i);
                            if (members == null) {
                                continue;
                            }
                            for (Response m : members) {
                                String id = m == null ? null : m.toString();
                                if (id == null || id.isEmpty()) {
                                    invalid.incrementAndGet();
                                } else {
                                    out.add(Map.entry(id, dates.get(i)));
                                }
                            }
                        }
                        return out;
                    });
        }
        return hashes.onItem().transformToUni(wanted -> {
            if (wanted.isEmpty()) {
                return Uni.createFrom().item(List.<UsageRow>of());
            }
            return batched(wanted.stream().map(e -> Request.cmd(Command.HGETALL).arg(hash(e.getKey(), e.getValue()))).toList(),
                    wanted.stream().map(e -> hash(e.getKey(), e.getValue())).toList())
                    .map(replies -> {
                        List<UsageRow> out = new ArrayList<>();
                        for (int i = 0; i < wanted.size(); i++) {
                            out.addAll(rows(wanted.get(i).getKey(), wanted.get(i).getValue(), fields(replies.get(i)), model));
                        }
                        out.sort(UsageRow.ORDER);
                        return out;
                    });
        });
    }

    /** A hash as field → value; an answer that is not a hash counts as invalid and reads as empty. */
    private Map<String, String> fields(Response hash) {
        Map<String, String> out = new HashMap<>();
        if (hash == null) {
            return out;
        }
        try {
            for (String f : hash.getKeys()) {
                Response v = hash.get(f);
                out.put(f, v == null ? null : v.toString());
            }
        } catch (RuntimeException notAHash) {
            invalid.incrementAndGet();
            out.clear();
        }
        return out;
    }

    /**
     * One key's rows for one day from its hash. Fields that do not parse (an unknown counter, a value
     * that is not a non-negative integer) are left out and counted: what Redis holds is input from
     * outside the process like any other, and one bad field never fails the query.
     */
    List<UsageRow> rows(String keyId, LocalDate date, Map<String, String> fields, Optional<String> model) {
        Map<String, long[]> byModel = new HashMap<>();
        Map<String, Boolean> priced = new HashMap<>();
        fields.forEach((field, value) -> {
            int colon = field.indexOf(':');
            String counter = colon < 0 ? "" : field.substring(0, colon);
            String m = colon < 0 ? "" : field.substring(colon + 1);
            int slot = switch (counter) {
                case REQUESTS -> 0;
                case INPUTS -> 1;
                case TOKENS -> 2;
                case CACHED_TOKENS -> 3;
                case COST -> 4;
                case COST_SAVED -> 5;
                default -> -1;
            };
            long n = parse(value);
            if (slot < 0 || m.isEmpty() || n < 0) {
                invalid.incrementAndGet();
                return;
            }
            if (model.isPresent() && !model.get().equals(m)) {
                return;
            }
            byModel.computeIfAbsent(m, x -> new long[6])[slot] = n;
            if (slot >= 4) {
                priced.put(m, true);
            }
        });
        List<UsageRow> out = new ArrayList<>(byModel.size());
        byModel.forEach((m, c) -> {
            if (c[0] > 0) {
                out.add(new UsageRow(keyId, date, m, new UsageCounters(c[0], c[1], c[2], c[3], priced.containsKey(m), c[4], c[5])));
            }
        });
        return out;
    }

    /** A counter's value, or -1 when it is not a non-negative integer. */
    private static long parse(String value) {
        if (value == null) {
            return -1;
        }
        try {
            long n = Long.parseLong(value);
            return n < 0 ? -1 : n;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Sends the commands (each on the key in {@code keys}) in slices, all slices at once; the replies in command order. */
    private Uni<List<Response>> batched(List<Request> commands, List<String> keys) {
        if (commands.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        List<Uni<List<Response>>> slices = new ArrayList<>();
        for (int i = 0; i < commands.size(); i += READ_SLICE) {
            int to = Math.min(commands.size(), i + READ_SLICE);
            int[] slots = keys.subList(i, to).stream().mapToInt(redis::slot).toArray();
            slices.add(redis.pipeline(commands.subList(i, to), slots, redis.timeout().multipliedBy(5)).map(replies -> {
                if (replies.failure() != null) {
                    throw new IllegalStateException("the usage could not be read from Redis", replies.failure());
                }
                List<Response> part = new ArrayList<>(replies.size());
                for (int j = 0; j < replies.size(); j++) {
                    part.add(replies.get(j));
                }
                return part;
            }));
        }
        return Uni.join().all(slices).andFailFast().map(parts -> {
            List<Response> all = new ArrayList<>(commands.size());
            parts.forEach(all::addAll);
            return all;
        });
    }

    /** Fields and hashes skipped because they did not parse. */
    long invalid() {
        return invalid.get();
    }

    String hash(String keyId, LocalDate date) {
        return prefix + "usage:{" + keyId + "}:" + date;
    }

    String index(LocalDate date) {
        return prefix + "usage:keys:" + date;
    }

    /** The start of the first day no longer kept, in epoch milliseconds. */
    private long expiresAt(long epochDay) {
        return (epochDay + retentionDays) * DAY_MS;
    }
}
