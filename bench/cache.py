#!/usr/bin/env python3
"""Cache benchmark: a fully cached 100-input request against its uncached twin, at concurrency 1
and 16, through the gateway (wrk on loopback, medians of several runs); the same request and a
1-input one served by the Redis tier alone (a replica with its in-process tier off); and the
memory cached 1536-dimension vectors take in Redis.

Usage: python3 bench/cache.py [--duration 5] [--runs 3] [--no-build] [--no-redis]
       python3 bench/cache.py --cluster [--cluster-replicas 1] [--warmup 10] [--duration 5] [--runs 3] [--no-build]
Needs what bench/run.py needs, plus redis-server for the Redis rows and memory figure (and
redis-cli for --cluster: apt-get install redis-server redis-tools).

--cluster compares the shared tier on one standalone redis-server with the same tier on a Redis
Cluster of 3 masters (no replicas; --cluster-replicas 1 adds one per master), both started here on
free loopback ports, with the same gateway build: two replicas with their in-process tier off, one
per Redis, serve the fully cached 100-input request (and a 1-input one) at c=1 and c=16; each cell
is warmed up on both, then measured --runs times alternating between them (medians). On the cluster
the gateway reads one pipelined batch of GETs per master, in parallel, instead of one MGET. The
gateway's cache counters are read between runs: every measured input must be a Redis hit, and the
table says how many were not. Then the memory: bytes per cached vector (used_memory growth, less the
replication buffer, summed over the masters / entries; --redis-entries for 1536, --dims-entries for the others; written in the gateway's key and value format straight to the master of
each key's slot) for 1536 dimensions on both, and on the standalone server for 384, 768, 1024, 1536
and 3072 dimensions. The in-process rows of the default run are left out. Everything started is
stopped and removed at the end, also on Ctrl-C or an error.

The JVM-tier memory figure: bench/jmh.sh is not needed; run
  java -cp "bench/target/classes:$(cat bench/target/jmh-classpath.txt)" io.embedgate.bench.CacheMemory 200000
"""
import argparse
import binascii
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run  # noqa: E402  (the load benchmark's helpers)

KEY_PREFIX = b"embedgate:v1:"  # gateway.cache.redis.key-prefix; a key is this + 32 bytes (the input's hash)
VALUE_HEADER = 17  # RedisValue.HEADER: dtype (1) + tokens (8) + expiry (8), then 4 bytes per float
SLOTS = 16384


def resp(*args):
    out = b"*%d\r\n" % len(args)
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        out += b"$%d\r\n%s\r\n" % (len(a), a)
    return out


class RedisError(Exception):
    pass


class Redis:
    """A minimal RESP2 client of one node: commands, pipelines, replies (errors are returned by read())."""

    def __init__(self, port, host="127.0.0.1", timeout=60):
        self.s = socket.create_connection((host, port), timeout=timeout)
        self.f = self.s.makefile("rb")

    def read(self):
        line = self.f.readline()
        if not line.endswith(b"\r\n"):
            raise ConnectionError("Redis closed the connection")
        kind, rest = line[:1], line[1:-2]
        if kind == b"+":
            return rest.decode()
        if kind == b"-":
            return RedisError(rest.decode())
        if kind == b":":
            return int(rest)
        if kind == b"$":
            n = int(rest)
            return None if n < 0 else self.f.read(n + 2)[:-2]
        if kind == b"*":
            n = int(rest)
            return None if n < 0 else [self.read() for _ in range(n)]
        raise RedisError(f"unexpected reply {line!r}")

    def call(self, *args):
        self.s.sendall(resp(*args))
        r = self.read()
        if isinstance(r, RedisError):
            raise r
        return r

    def info(self, section):
        text = self.call("INFO", section).decode()
        return dict(line.split(":", 1) for line in text.splitlines() if ":" in line and not line.startswith("#"))

    def close(self):
        self.s.close()


def used_memory(r):
    """used_memory, less the replication buffer (Redis 7: the backlog, up to 1 MB a master once a replica
    is attached), which is no cost per key."""
    info = r.info("memory")
    return int(info["used_memory"]) - int(info.get("mem_total_replication_buffers", 0))


def hash_slot(key):
    """Redis Cluster's slot of a key: CRC16/XMODEM (binascii.crc_hqx from 0) of the key, or of its hash tag
    (between the first '{' and the next '}', when not empty), modulo 16384; as io.embedgate.redis.HashSlot."""
    start = key.find(b"{")
    if start >= 0:
        end = key.find(b"}", start + 1)
        if end > start + 1:
            key = key[start + 1:end]
    return binascii.crc_hqx(key, 0) % SLOTS


def slot_owners(r):
    """Port of the master serving each slot, from CLUSTER SLOTS."""
    owners = [None] * SLOTS
    for start, end, master, *_replicas in r.call("CLUSTER", "SLOTS"):
        owners[start:end + 1] = [int(master[1])] * (end - start + 1)
    if None in owners:
        raise RuntimeError("the cluster does not serve every slot")
    return owners


def redis_memory(n, dims=1536, masters=None, cluster=False, replicas=0):
    """Bytes Redis uses per cached vector of `dims` floats, in the gateway's key and value format:
    n values written, the growth of used_memory (summed over `masters`) divided by n. Without
    `masters` a fresh standalone redis-server is started for it. On a cluster each key is written to the
    master that serves its slot (hash_slot, checked against CLUSTER KEYSLOT; CLUSTER SLOTS maps slot to node)."""
    own = None
    if masters is None:
        port = run.free_port()
        own, masters = run.start_redis(port), [port]
    conns = {p: Redis(p) for p in masters}
    try:
        first = conns[masters[0]]
        owners = slot_owners(first) if cluster else None
        if cluster:
            probes = [KEY_PREFIX + os.urandom(32) for _ in range(200)] + [b"{user1000}.following", b"foo{}{bar}", b"{}x", b"a{b}c{d}"]
            for k in probes:
                if first.call("CLUSTER", "KEYSLOT", k) != hash_slot(k):
                    raise RuntimeError(f"hash_slot({k!r}) differs from CLUSTER KEYSLOT")
            missing = set(owners) - set(masters)
            if missing:
                raise RuntimeError(f"slots served by nodes not measured: {sorted(missing)}")
        before = sum(used_memory(c) for c in conns.values())
        value = bytes(VALUE_HEADER) + os.urandom(dims * 4)
        pending = {p: [] for p in masters}
        batch = 1000

        def flush(port):
            cmds = pending[port]
            if not cmds:
                return
            c = conns[port]
            c.s.sendall(b"".join(cmds))
            for _ in cmds:
                reply = c.read()
                if reply != "OK":
                    raise RuntimeError(f"SET on port {port} answered {reply}")
            pending[port] = []
        for _ in range(n):
            key = KEY_PREFIX + os.urandom(32)
            port = owners[hash_slot(key)] if cluster else masters[0]
            pending[port].append(resp("SET", key, value, "PX", 3600000))
            if len(pending[port]) >= batch:
                flush(port)
        for port in masters:
            flush(port)
        if replicas:
            for c in conns.values():  # the replicas' output buffers count in the masters' used_memory until they drain
                c.call("WAIT", replicas, 10000)
        time.sleep(0.2)
        return (sum(used_memory(c) for c in conns.values()) - before) / n
    finally:
        for c in conns.values():
            c.close()
        if own is not None:
            run.stop(own)


# --- a Redis Cluster on loopback ---------------------------------------------------------------------

def _bindable(port):
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def cluster_port(taken):
    """A free port whose cluster bus port (+10000) is free too and below 65536; both below the
    ephemeral range where possible, so that no outgoing connection takes one meanwhile."""
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
            ephemeral_low = int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        ephemeral_low = 32768
    high = min(65535 - 10000, ephemeral_low - 10000 - 1)
    low = 12000 if high > 14000 else 1024
    if high <= low:
        low, high = 20000, 55535
    for _ in range(500):
        p = random.randint(low, high)
        if p not in taken and p + 10000 not in taken and _bindable(p) and _bindable(p + 10000):
            return p
    raise RuntimeError("no free pair of ports for a cluster node")


class Cluster:
    """A Redis Cluster of `masters` masters (and `replicas` replicas each) on loopback, made with Debian's
    redis-server and `redis-cli --cluster create`, in a temporary directory; close() stops and removes it."""

    def __init__(self, masters=3, replicas=0):
        if not shutil.which("redis-cli"):
            raise RuntimeError("redis-cli not found: apt-get install redis-tools")
        self.dir = tempfile.mkdtemp(prefix="embedgate-redis-cluster-")
        self.procs = {}
        self.replicas = replicas
        try:
            taken = set()
            for _ in range(masters * (1 + replicas)):
                self._start_node(taken)
            self.ports = list(self.procs)
            out = subprocess.run(["redis-cli", "--cluster", "create"] + [f"127.0.0.1:{p}" for p in self.ports]
                                 + ["--cluster-replicas", str(replicas), "--cluster-yes"],
                                 capture_output=True, text=True, timeout=120)
            if out.returncode != 0:
                raise RuntimeError(f"redis-cli --cluster create failed:\n{out.stdout}\n{out.stderr}")
            self._settle()
        except BaseException:
            self.close()
            raise

    def _start_node(self, taken):
        for _ in range(5):
            port = cluster_port(taken)
            log = open(os.path.join(self.dir, f"redis-{port}.log"), "wb")
            p = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1",
                                  "--cluster-enabled", "yes", "--cluster-config-file", os.path.join(self.dir, f"nodes-{port}.conf"),
                                  "--cluster-node-timeout", "5000", "--save", "", "--appendonly", "no", "--dir", self.dir],
                                 stdout=log, stderr=subprocess.STDOUT)
            log.close()
            try:
                run.wait_port(port, timeout=10)
                if p.poll() is None:
                    self.procs[port] = p
                    taken.update((port, port + 10000))
                    return
            except RuntimeError:
                pass
            run.stop(p)  # the port was taken meanwhile: another one
        raise RuntimeError(f"redis-server did not start in cluster mode; see {self.dir}")

    def _settle(self, timeout=30):
        """Until every node says cluster_state:ok, knows every node and agrees on the masters of all
        slots, and every replica's link to its master is up."""
        end = time.time() + timeout
        state = None
        while time.time() < end:
            try:
                views, state = set(), []
                for port in self.ports:
                    r = Redis(port, timeout=2)
                    try:
                        info = dict(line.split(":", 1) for line in r.call("CLUSTER", "INFO").decode().splitlines() if ":" in line)
                        repl = r.info("replication")
                        state.append((port, info.get("cluster_state"), info.get("cluster_known_nodes"), repl.get("role"),
                                      repl.get("master_link_status")))
                        views.add(tuple((s, e, int(m[1])) for s, e, m, *_ in sorted(r.call("CLUSTER", "SLOTS"))))
                    finally:
                        r.close()
                ok = all(s == "ok" and known == str(len(self.ports)) and (role == "master" or link == "up")
                         for _, s, known, role, link in state)
                if ok and len(views) == 1:
                    self.masters = sorted({m for _, _, m in views.pop()})
                    return
            except (OSError, RedisError):
                pass
            time.sleep(0.1)
        raise RuntimeError(f"the cluster did not settle in {timeout} s: {state}")

    def url(self):
        """gateway.cache.redis.url: the masters as seeds."""
        return ",".join(f"redis://127.0.0.1:{p}" for p in self.masters)

    def close(self):
        for p in self.procs.values():
            run.stop(p)
        shutil.rmtree(self.dir, ignore_errors=True)


# --- measurements ---------------------------------------------------------------------------------------

def measure(url, cells, a):
    rows = []
    for conc in (1, 16):
        for name, path in cells:
            run.wrk(url, path, run.GATEWAY_KEY, conc, 3)  # warm-up
            rs = [run.wrk(url, path, run.GATEWAY_KEY, conc, a.duration) for _ in range(a.runs)]
            rows.append((name, conc, *(statistics.median(r[k] for r in rs) for k in ("p50", "p99", "rps"))))
    return rows


METRIC = re.compile(r'^(embedgate_cache_lookups_total\{[^}]*result="(hit|miss)"[^}]*\}|embedgate_cache_redis_failures_total(?:\{[^}]*\})?)\s+(\S+)',
                    re.M)


def cache_counters(port):
    """(hits, misses, Redis failures) so far, from the gateway's /q/metrics."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/q/metrics", timeout=5) as r:
        text = r.read().decode()
    c = {"hit": 0.0, "miss": 0.0, "failures": 0.0}
    for m in METRIC.finditer(text):
        c[m.group(2) or "failures"] += float(m.group(3))
    return c["hit"], c["miss"], c["failures"]


def fill_until_hits(port, url, path, inputs, timeout=20):
    """Posts the request until one is answered from Redis alone (every input a hit): the first fills the
    shared tier (its writes are asynchronous), and a cluster replica needs its slot map first."""
    end = time.time() + timeout
    while time.time() < end:
        h0, m0, _ = cache_counters(port)
        run.post(url, path, run.GATEWAY_KEY)
        h1, m1, _ = cache_counters(port)
        if h1 - h0 == inputs and m1 == m0:
            return
        time.sleep(0.2)
    raise RuntimeError(f"the gateway on port {port} never answered the {inputs}-input request from Redis alone")


def compare_tiers(a, tmp, fake_port, uncached, cells, procs):
    """The Redis-tier rows on a standalone server and on a cluster, alternating runs; one row per target and cell."""
    redis_port = run.free_port()
    procs.append(run.start_redis(redis_port))
    cluster = Cluster(3, a.cluster_replicas)
    procs.append(cluster)
    env = {"standalone": run.redis_only_env(redis_port),
           "cluster": {"EMBEDGATE_REDIS_URL": cluster.url(), "GATEWAY_CACHE_REDIS_TYPE": "cluster", "GATEWAY_CACHE_MAX_BYTES": "0"}}
    gateways = {}
    for target in env:
        port = run.free_port()
        log = open(os.path.join(tmp, f"gateway-{target}.log"), "w")
        g, t0 = run.start_gateway(port, fake_port, run.DEFAULT_JAVA_OPTS, "java", env_extra=env[target], log=log)
        log.close()
        procs.append(g)
        run.time_to_first_request(port, uncached, t0)
        gateways[target] = (g, port, f"http://127.0.0.1:{port}/v1/embeddings")
    for target, (g, port, url) in gateways.items():
        for name, path, inputs in cells:
            fill_until_hits(port, url, path, inputs)
    results = {}  # (target, cell, conc) -> [wrk result with "misses", "failures"]
    for name, path, inputs in cells:
        for conc in (1, 16):
            for target, (g, port, url) in gateways.items():
                run.wrk(url, path, run.GATEWAY_KEY, conc, a.warmup)
            for i in range(a.runs):
                order = list(gateways) if i % 2 == 0 else list(reversed(gateways))  # neither always first
                for target in order:
                    g, port, url = gateways[target]
                    h0, m0, f0 = cache_counters(port)
                    r = run.wrk(url, path, run.GATEWAY_KEY, conc, a.duration)
                    h1, m1, f1 = cache_counters(port)
                    r["misses"], r["failures"] = m1 - m0, f1 - f0
                    results.setdefault((target, name, conc), []).append(r)
            print(f"  done: {name}, c={conc}", file=sys.stderr)
    logs = {}
    for target, (g, port, url) in gateways.items():
        run.stop(g)
        with open(os.path.join(tmp, f"gateway-{target}.log")) as f:
            # The catalog's start-up lines about the in-process models (off here) are left out.
            logs[target] = [line.rstrip() for line in f
                            if re.search(r"\b(WARN|ERROR)\b", line) and "io.embedgate.catalog.Catalog" not in line]
    rows = []
    for target in gateways:
        for name, path, inputs in cells:
            for conc in (1, 16):
                rs = results[(target, name, conc)]
                rows.append((target, name, conc, *(statistics.median(r[k] for r in rs) for k in ("p50", "p99", "rps")),
                             int(sum(r["misses"] for r in rs)), int(sum(r["failures"] for r in rs)),
                             sum(r["requests"] * inputs for r in rs)))
    return redis_port, cluster, rows, logs


def cluster_main(a, tmp, fake_port, uncached, cached, one_cached, procs):
    cells = [("100 inputs", cached, 100), ("1 input", one_cached, 1)]
    redis_port, cluster, rows, logs = compare_tiers(a, tmp, fake_port, uncached, cells, procs)
    topology = f"{len(cluster.masters)} masters" + (f" + {a.cluster_replicas} replica each" if a.cluster_replicas else "")
    print(f"\nShared Redis tier alone (in-process tier off), fully cached requests, 1536 dims, float to the client; "
          f"standalone redis-server vs Redis Cluster ({topology}), same gateway build; "
          f"medians of {a.runs} alternating runs x {a.duration} s after {a.warmup} s of warm-up each")
    print("| Redis | request | conc | p50 ms | p99 ms | req/s | inputs not served from Redis | Redis failures |\n"
          "|---|---|---:|---:|---:|---:|---:|---:|")
    for target, name, conc, p50, p99, rps, misses, failures, total in rows:
        print(f"| {target} | {name} | {conc} | {p50:.3f} | {p99:.3f} | {rps:.0f} | {misses} of {total} | {failures} |")
    for target, lines in logs.items():
        if lines:
            print(f"\ngateway on {target}: {len(lines)} WARN/ERROR log lines, the first ones:")
            for line in lines[:10]:
                print("  " + line[:300])

    # Memory: the cluster's masters as they are (the gateway's few keys stay, only the growth counts),
    # a fresh standalone server per size.
    print("\nMemory per cached vector in Redis: used_memory growth / entries (summed over the masters on the cluster); "
          f"value {VALUE_HEADER} + 4 x dims bytes, key {len(KEY_PREFIX)} + 32 bytes, PX expiry")
    print(f"| dims | value bytes | entries | standalone bytes/vector | cluster bytes/vector ({topology}) |\n|---:|---:|---:|---:|---:|")
    for dims in (384, 768, 1024, 1536, 3072):
        n = a.redis_entries if dims == 1536 else a.dims_entries
        standalone = redis_memory(n, dims)
        on_cluster = redis_memory(n, dims, cluster.masters, cluster=True, replicas=a.cluster_replicas) if dims == 1536 else None
        print(f"| {dims} | {VALUE_HEADER + 4 * dims} | {n} | {standalone:.0f} | {'' if on_cluster is None else f'{on_cluster:.0f}'} |")


def stop_all(procs):
    """Stops what was started, last first: processes and clusters."""
    while procs:
        p = procs.pop()
        if isinstance(p, Cluster):
            p.close()
        else:
            run.stop(p)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--duration", type=int, default=5)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--no-build", action="store_true")
    ap.add_argument("--redis-entries", type=int, default=50000, help="values written for the 1536-dim memory figure")
    ap.add_argument("--no-redis", action="store_true", help="skip the Redis tier rows and the Redis memory figure")
    ap.add_argument("--cluster", action="store_true",
                    help="only the Redis tier: standalone redis-server against a 3-master Redis Cluster (latency, throughput, memory)")
    ap.add_argument("--cluster-replicas", type=int, default=0, choices=(0, 1), help="with --cluster: replicas per master")
    ap.add_argument("--warmup", type=int, default=10,
                    help="with --cluster: seconds of warm-up per cell on each gateway (on two cores C2 compiles for a while)")
    ap.add_argument("--dims-entries", type=int, default=20000,
                    help="with --cluster: values written per size for the bytes-per-vector table (1536 uses --redis-entries)")
    a = ap.parse_args()
    if a.cluster and a.no_redis:
        ap.error("--cluster measures Redis: not with --no-redis")
    if not shutil.which("wrk"):
        sys.exit("wrk not found: apt-get install wrk")
    # SIGTERM ends the run like Ctrl-C: the finally blocks stop the gateways, servers and the cluster.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if not a.no_build:
        run.sh(["mvn", "-q", "-B", "-DskipTests", "package"])
    tmp = tempfile.mkdtemp(prefix="embedgate-cache-bench-")
    procs = []
    try:
        fake_port = run.free_port()
        procs.append(run.start_fake(fake_port, 1))
        cached, uncached = run.body_file(tmp, 100, "float", cached=True), run.body_file(tmp, 100, "float")
        one_cached = run.body_file(tmp, 1, "float", cached=True)
        if a.cluster:
            cluster_main(a, tmp, fake_port, uncached, cached, one_cached, procs)
            return
        rows = []

        def gateway(env=None):
            """A gateway in front of the fake, serving; its URL."""
            port = run.free_port()
            g, t0 = run.start_gateway(port, fake_port, run.DEFAULT_JAVA_OPTS, "java", env_extra=env)
            procs.append(g)
            run.time_to_first_request(port, uncached, t0)
            return g, f"http://127.0.0.1:{port}/v1/embeddings"
        try:
            g, url = gateway()
            run.post(url, cached, run.GATEWAY_KEY)  # fills the cache
            rows += measure(url, [("cached (100 hits, in-process tier)", cached), ("uncached twin", uncached)], a)
            run.stop(g)
            if not a.no_redis:
                # A replica with its in-process tier off (gateway.cache.max-bytes=0): every hit is an MGET.
                redis_port = run.free_port()
                procs.append(run.start_redis(redis_port))
                g, url = gateway(run.redis_only_env(redis_port))
                for path in (cached, one_cached):
                    run.post(url, path, run.GATEWAY_KEY)
                time.sleep(0.5)  # Redis writes are asynchronous
                rows += measure(url, [("cached (100 hits, Redis tier only)", cached), ("cached (1 hit, Redis tier only)", one_cached)], a)
        finally:
            stop_all(procs)
        print("\n100 inputs (or 1) x 1536 dims, float to the client, medians of %d runs x %d s" % (a.runs, a.duration))
        print("| request | conc | p50 ms | p99 ms | req/s |\n|---|---:|---:|---:|---:|")
        for name, conc, p50, p99, rps in rows:
            print(f"| {name} | {conc} | {p50:.3f} | {p99:.3f} | {rps:.0f} |")
        if not a.no_redis:
            per = redis_memory(a.redis_entries)
            print(f"\nRedis: {per:.0f} bytes per cached 1536-dim vector ({a.redis_entries} entries) "
                  f"-> {per * 1e6 / 2**30:.2f} GiB per million")
    finally:
        stop_all(procs)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
