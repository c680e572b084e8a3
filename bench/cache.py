#!/usr/bin/env python3
"""Cache benchmark: a fully cached 100-input request against its uncached twin, at concurrency 1
and 16, through the gateway (wrk on loopback, medians of several runs); the same request and a
1-input one served by the Redis tier alone (a replica with its in-process tier off); and the
memory cached 1536-dimension vectors take in Redis.

Usage: python3 bench/cache.py [--duration 5] [--runs 3] [--no-build] [--no-redis]
Needs what bench/run.py needs, plus redis-server for the Redis rows and memory figure.
The JVM-tier memory figure: bench/jmh.sh is not needed; run
  java -cp "bench/target/classes:$(cat bench/target/jmh-classpath.txt)" io.embedgate.bench.CacheMemory 200000
"""
import argparse
import os
import socket
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run  # noqa: E402  (the load benchmark's helpers)


def resp(*args):
    out = b"*%d\r\n" % len(args)
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        out += b"$%d\r\n%s\r\n" % (len(a), a)
    return out


def redis_memory(n):
    """Bytes Redis uses per cached 1536-dim float vector, in the gateway's value format."""
    port = run.free_port()
    p = run.start_redis(port)
    try:
        s = socket.create_connection(("127.0.0.1", port))
        f = s.makefile("rb")

        def used():
            s.sendall(resp("INFO", "memory"))
            f.readline()  # $len
            info = b""
            while not info.endswith(b"\r\n\r\n") and b"used_memory:" not in info:
                info += f.readline()
            while True:
                line = f.readline()
                info += line
                if line in (b"\r\n", b""):
                    break
            for line in info.split(b"\r\n"):
                if line.startswith(b"used_memory:"):
                    return int(line.split(b":")[1])
        before = used()
        value = bytes(17) + os.urandom(1536 * 4)
        batch = 1000
        for start in range(0, n, batch):
            s.sendall(b"".join(resp("SET", b"embedgate:v1:" + os.urandom(32), value, "PX", 3600000) for _ in range(batch)))
            for _ in range(batch):
                f.readline()
        time.sleep(0.2)
        return (used() - before) / n
    finally:
        p.terminate()
        p.wait()


def measure(url, cells, a):
    rows = []
    for conc in (1, 16):
        for name, path in cells:
            run.wrk(url, path, run.GATEWAY_KEY, conc, 3)  # warm-up
            rs = [run.wrk(url, path, run.GATEWAY_KEY, conc, a.duration) for _ in range(a.runs)]
            rows.append((name, conc, *(statistics.median(r[k] for r in rs) for k in ("p50", "p99", "rps"))))
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--duration", type=int, default=5)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--no-build", action="store_true")
    ap.add_argument("--redis-entries", type=int, default=50000)
    ap.add_argument("--no-redis", action="store_true", help="skip the Redis tier rows and the Redis memory figure")
    a = ap.parse_args()
    if not a.no_build:
        run.sh(["mvn", "-q", "-B", "-DskipTests", "package"])
    tmp = tempfile.mkdtemp(prefix="embedgate-cache-bench-")
    fake_port = run.free_port()
    fake = run.start_fake(fake_port, 1)
    cached, uncached = run.body_file(tmp, 100, "float", cached=True), run.body_file(tmp, 100, "float")
    one_cached = run.body_file(tmp, 1, "float", cached=True)
    rows = []
    procs = [fake]

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
        for p in reversed(procs):
            run.stop(p)
    print("\n100 inputs (or 1) x 1536 dims, float to the client, medians of %d runs x %d s" % (a.runs, a.duration))
    print("| request | conc | p50 ms | p99 ms | req/s |\n|---|---:|---:|---:|---:|")
    for name, conc, p50, p99, rps in rows:
        print(f"| {name} | {conc} | {p50:.3f} | {p99:.3f} | {rps:.0f} |")
    if not a.no_redis:
        per = redis_memory(a.redis_entries)
        print(f"\nRedis: {per:.0f} bytes per cached 1536-dim vector ({a.redis_entries} entries) "
              f"-> {per * 1e6 / 2**30:.2f} GiB per million")


if __name__ == "__main__":
    main()
