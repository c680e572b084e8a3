#!/usr/bin/env python3
"""Gateway overhead benchmark.

Measures, in one run on the benchmark machine, the same requests sent straight to a fast fake upstream
("direct": the physical limit) and through the gateway, with wrk as the load generator:
inputs of 1, 16 and 256 texts embedded at 1536 dimensions, the client asking for float and for
base64, at concurrency 1 and 16. Reports medians over several runs (p50/p99 latency, requests/s),
the gateway's added latency and throughput ratio, gateway CPU time per request, peak RSS, and
start-up time to the first served request.

Usage: python3 bench/run.py [--duration 5] [--runs 3] [--no-build] [--java-opts "..."]
Needs: JDK 17+, Maven, wrk (apt-get install wrk). Only loopback traffic.
"""
import argparse
import datetime
import hashlib
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FAKE_KEY = "sk-fake-openai-0123456789abcdef"
GATEWAY_KEY = "eg-bench-key-000000000000000000000000"
MODEL = "text-embedding-3-small"
# -Xmn64m: a young generation that holds the in-flight requests. With the default sizing (2 MB
# survivor spaces at -Xms64m) 16 concurrent 16-input requests were promoted early and the gateway ran
# ~5 full GCs per second. -Xms128m leaves the old generation room beside it (with -Xms64m it would
# start empty, and the JDK AOT cache cannot map its archived heap objects).
# The JDK's reflection on native accessors (JDK 18+; ignored by 17): core reflection otherwise spins
# method handles for each constructor and method it calls for the first time, ~20 ms for the first
# request's record alone; start-up to the first served request was 6-12% faster with it on JDK 25.
DEFAULT_JAVA_OPTS = "-XX:+UseSerialGC -Xms128m -Xmx256m -Xmn64m -Djdk.reflect.useNativeAccessorOnly=true"
# Start-up first, with a JDK 25 AOT cache. By default the JVM replays the training run's profiles and
# C2 compiles the request path at once: ~1.1 s of C2 CPU during a 1.5 s start on two cores (async-
# profiler). Without the replay, and with C2 waiting for methods ten times hotter than its defaults,
# C2 used ~0.1 s. The peak speed is the same; under full load it is reached ~10-20 s later.
START_FIRST_OPTS = ["-XX:+UnlockDiagnosticVMOptions", "-XX:-AOTReplayTraining",
                    "-XX:Tier4InvocationThreshold=50000", "-XX:Tier4MinInvocationThreshold=6000",
                    "-XX:Tier4CompileThreshold=150000", "-XX:Tier4BackEdgeThreshold=400000"]
CLK_TCK = os.sysconf("SC_CLK_TCK")


def sh(cmd, **kw):
    return subprocess.run(cmd, cwd=ROOT, check=True, **kw)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, timeout=30):
    end = time.time() + timeout
    while time.time() < end:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.01)
    raise RuntimeError(f"port {port} did not open")


def body_file(tmp, n, encoding, cached=False):
    texts = [f"benchmark input number {i}: the quick brown fox jumps over the lazy dog" for i in range(n)]
    path = os.path.join(tmp, f"body-{n}-{encoding}{'-cached' if cached else ''}.json")
    req = {"model": MODEL, "input": texts, "encoding_format": encoding}
    if cached:
        req["orq"] = {"cache": {"type": "exact_match", "ttl": 3600}}
    with open(path, "w") as f:
        json.dump(req, f)
    return path


def post(url, path, key, timeout=5):
    with open(path, "rb") as f:
        data = f.read()
    req = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json", "Authorization": "Bearer " + key})
    with urllib.request.urlopen(req, timeout=timeout) as r:
        return r.status, r.read()


UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3}


def parse_wrk(out):
    def lat(label):
        m = re.search(rf"^\s*{label}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        return float(m.group(1)) * UNITS[m.group(2)] if m else None
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors:.*", out)
    return {"p50": lat("50"), "p99": lat("99"), "rps": rps, "requests": total,
            "non2xx": int(non2xx.group(1)) if non2xx else 0, "socket_errors": errors.group(0) if errors else None}


def wrk(url, body, key, conc, duration):
    threads = 1 if conc == 1 else 2
    env = dict(os.environ, BENCH_BODY=body, BENCH_KEY=key)
    out = subprocess.run(["wrk", "-t", str(threads), "-c", str(conc), "-d", f"{duration}s", "--latency", "--timeout", "30s",
                          "-s", os.path.join(ROOT, "bench", "post.lua"), url],
                         env=env, check=True, capture_output=True, text=True).stdout
    r = parse_wrk(out)
    if r["non2xx"] or r["socket_errors"]:
        raise RuntimeError(f"wrk run had errors: {r}\n{out}")
    return r


def stat_cpu(stat):
    """(name, user + system CPU seconds) from the text of a /proc stat file (process or thread)."""
    name, fields = stat[stat.index("(") + 1:stat.rindex(")")], stat[stat.rindex(")") + 1:].split()
    return name, (int(fields[11]) + int(fields[12])) / CLK_TCK


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        return stat_cpu(f.read())[1]


def jit_cpu_seconds(pid):
    """CPU seconds of the JVM's JIT compiler threads ("C1 CompilerThre", "C2 CompilerThre" in /proc).
    On two cores a cell measured while C2 still compiles pays for it, so the table shows how much
    compiling happened during each cell's gateway runs."""
    total = 0.0
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/stat") as f:
                name, seconds = stat_cpu(f.read())
        except OSError:
            continue  # the thread ended
        if "Compiler" in name:
            total += seconds
    return total


def reset_peak_rss(pid):
    """Resets VmHWM (Linux >= 4.0) so each cell reports its own peak."""
    try:
        with open(f"/proc/{pid}/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass


def peak_rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return None


def classpath(module):
    out = os.path.join(ROOT, module, "target", "classpath.txt")
    sh(["mvn", "-q", "-B", "-o", "-pl", module, "dependency:build-classpath", f"-Dmdep.outputFile={out}"])
    with open(out) as f:
        return os.path.join(ROOT, module, "target", "classes") + ":" + f.read().strip()


def start_fake(port, loops):
    cp = classpath("fake-upstreams")
    p = subprocess.Popen(["java", "-XX:+UseParallelGC", "-Xmx1g", "-cp", cp, "io.embedgate.fakes.FakeUpstreamMain",
                          "--port", str(port), "--event-loops", str(loops), "--memoize", "--key", FAKE_KEY],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_port(port)
    return p


def start_proxy(port, fake_port):
    """The zero-work proxy: what any HTTP proxy costs on the benchmark machine (two more hops, same cores)."""
    cp = classpath("fake-upstreams")
    p = subprocess.Popen(["java", "-XX:+UseSerialGC", "-Xmx256m", "-cp", cp, "io.embedgate.fakes.ZeroWorkProxyMain",
                          "--port", str(port), "--upstream-port", str(fake_port), "--key", FAKE_KEY],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_port(port)
    return p


GATEWAY_JAR = os.path.join(ROOT, "gateway-app", "target", "quarkus-app", "quarkus-run.jar")
FLOOR_JAR = os.path.join(ROOT, "bench", "floor-app", "target", "quarkus-app", "quarkus-run.jar")


def aot_jar(module):
    """The uber-jar that `mvn package -P aot-jar` writes for a module (gateway-app, bench/floor-app)."""
    d = os.path.join(ROOT, module, "target", "aot")
    jars = [f for f in os.listdir(d) if f.endswith("-runner.jar")] if os.path.isdir(d) else []
    if len(jars) != 1:
        raise RuntimeError(f"no uber-jar in {d}: mvn -B -DskipTests -P aot-jar package")
    return os.path.join(d, jars[0])


def build_aot_jars():
    sh(["mvn", "-q", "-B", "-DskipTests", "-P", "aot-jar", "-pl", "gateway-app,bench/floor-app", "-am", "package"])


def start_redis(port):
    """A redis-server on loopback without persistence (apt-get install redis-server)."""
    p = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_port(port)
    return p


def redis_only_env(redis_port):
    """Gateway settings for a replica that caches only in Redis: every cached input is an MGET."""
    return {"EMBEDGATE_REDIS_URL": f"redis://127.0.0.1:{redis_port}", "GATEWAY_CACHE_MAX_BYTES": "0"}


def start_gateway(port, fake_port, java_opts, java, extra=(), jar=GATEWAY_JAR, env_extra=None, log=None):
    """The packaged gateway in front of the fake; its output goes to `log` (an open file) or nowhere."""
    env = dict(os.environ, **(env_extra or {}),
               OPENAI_BASE_URL=f"http://127.0.0.1:{fake_port}/v1",
               OPENAI_API_KEY=FAKE_KEY,
               GATEWAY_API_KEY_SHA256=hashlib.sha256(GATEWAY_KEY.encode()).hexdigest(),
               PORT=str(port),
               # Measures the gateway in front of a remote provider: the in-process model stays off
               # (bench/local.py measures it), so start-up and CPU figures stay comparable.
               GATEWAY_PROVIDERS_LOCAL_ENABLED="false",
               QUARKUS_LOG_LEVEL="WARN")
    t0 = time.perf_counter()
    out = log if log is not None else subprocess.DEVNULL
    p = subprocess.Popen([java] + java_opts.split() + list(extra) + ["-jar", jar], env=env,
                         stdout=out, stderr=subprocess.STDOUT if log is not None else subprocess.DEVNULL, cwd=os.path.dirname(jar))
    return p, t0


def start_floor(port, java_opts, java, extra=(), jar=FLOOR_JAR):
    """The start-up floor: bench/floor-app, a Quarkus REST + Jackson app with one JSON endpoint."""
    t0 = time.perf_counter()
    p = subprocess.Popen([java] + java_opts.split() + list(extra) + ["-jar", jar],
                         env=dict(os.environ, PORT=str(port), QUARKUS_LOG_LEVEL="WARN"),
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=os.path.dirname(jar))
    return p, t0


def train_floor(java, java_opts, port, body, requests=300, jar=FLOOR_JAR):
    """A JDK AOT cache for the floor app, from a short training run (the gateway's is bench/aot.py)."""
    cache = os.path.join(os.path.dirname(jar), "floor.aot")
    if os.path.exists(cache):
        os.remove(cache)
    p, t0 = start_floor(port, java_opts, java, ["-XX:AOTCacheOutput=" + cache], jar)
    time_to_first_request(port, body, t0, timeout=60)
    for _ in range(requests):
        post(f"http://127.0.0.1:{port}/v1/embeddings", body, GATEWAY_KEY)
    p.terminate()
    p.wait(300)  # the cache is written at exit
    return cache


def time_to_first_request(port, body, t0, timeout=30):
    url = f"http://127.0.0.1:{port}/v1/embeddings"
    end = time.time() + timeout
    while time.time() < end:
        try:
            status, _ = post(url, body, GATEWAY_KEY, timeout=2)
            if status == 200:
                return time.perf_counter() - t0
        except Exception:
            time.sleep(0.005)
    raise RuntimeError("gateway did not serve a request")


def stop(p):
    p.terminate()
    try:
        p.wait(10)
    except subprocess.TimeoutExpired:
        p.kill()


def median(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--duration", type=int, default=5, help="seconds per wrk run")
    ap.add_argument("--runs", type=int, default=3, help="runs per cell (medians are reported)")
    ap.add_argument("--warmup", type=int, default=3, help="seconds of warm-up per cell, through the gateway")
    ap.add_argument("--global-warmup", type=int, default=10,
                    help="seconds per cell of a first pass through every cell of a request size, before measuring that size: "
                         "the JIT on 2 cores keeps compiling for minutes, and a cell measured while C2 still runs pays for it")
    ap.add_argument("--startups", type=int, default=5, help="start-up measurements")
    ap.add_argument("--inputs", default="1,16,256")
    ap.add_argument("--encodings", default="float,base64")
    ap.add_argument("--concurrency", default="1,16")
    ap.add_argument("--java", default="java")
    ap.add_argument("--java-opts", default=DEFAULT_JAVA_OPTS)
    ap.add_argument("--fake-event-loops", type=int, default=1)
    ap.add_argument("--no-build", action="store_true")
    ap.add_argument("--aot-jdk", help="a JDK 25+ home: also measure start-up on it, without and with the AOT cache that "
                                      "bench/aot.py builds from a training run")
    ap.add_argument("--startup-only", action="store_true", help="measure start-up only, no load cells")
    ap.add_argument("--json", help="also write results to this file")
    a = ap.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk not found: apt-get install wrk")
    if not a.no_build:
        sh(["mvn", "-q", "-B", "-DskipTests", "package"])
        if a.aot_jdk:
            build_aot_jars()

    tmp = tempfile.mkdtemp(prefix="embedgate-bench-")
    inputs = [int(x) for x in a.inputs.split(",")]
    encodings = a.encodings.split(",")
    concs = [int(x) for x in a.concurrency.split(",")]
    fake_port, gw_port, proxy_port = free_port(), free_port(), free_port()
    fake = start_fake(fake_port, a.fake_event_loops)
    proxy = start_proxy(proxy_port, fake_port)
    results = {"date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
               "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.platform()}",
               "java": subprocess.run([a.java, "-version"], capture_output=True, text=True).stderr.splitlines()[0],
               "java_opts": a.java_opts, "duration_s": a.duration, "runs": a.runs, "cells": [], "startup_ms": []}
    try:
        one = body_file(tmp, 1, "float")
        # Start-up: process launch to the first 200 from /v1/embeddings.
        def startups(java, extra=(), floor=False, jar=None):
            times = []
            for _ in range(a.startups):
                if floor:
                    g, t0 = start_floor(gw_port, a.java_opts, java, extra, jar or FLOOR_JAR)
                else:
                    g, t0 = start_gateway(gw_port, fake_port, a.java_opts, java, extra, jar or GATEWAY_JAR)
                try:
                    times.append(time_to_first_request(gw_port, one, t0) * 1000)
                finally:
                    stop(g)
            return times
        # Each start-up row also has the floor: the smallest Quarkus REST app on the same JVM.
        results["startup_ms"] = startups(a.java)
        results["startup"] = {results["java"]: results["startup_ms"]}
        results["startup_floor"] = {results["java"]: startups(a.java, floor=True)}
        if a.aot_jdk:
            import aot  # bench/aot.py: the training run that builds the JDK AOT cache
            java25 = os.path.join(a.aot_jdk, "bin", "java")
            v25 = subprocess.run([java25, "-version"], capture_output=True, text=True).stderr.splitlines()[0]

            def row(label, gw_extra=(), floor_extra=(), gw_jar=None, floor_jar=None):
                """One start-up row: the gateway and the floor app, each with its own cache and jar."""
                results["startup"][v25 + label] = startups(java25, list(gw_extra), jar=gw_jar)
                results["startup_floor"][v25 + label] = startups(java25, list(floor_extra), floor=True, jar=floor_jar)
            row("")
            # The AOT cache from a training run, first with Quarkus' default fast-jar (whose own class
            # loader keeps the application's classes out of the cache), then with the uber-jar of
            # `-P aot-jar` (everything on the JDK's class loader, so everything in the cache), then the
            # same start-up first (START_FIRST_OPTS) and with C1 only (-XX:TieredStopAtLevel=1: no C2
            # compiles competing for the two cores, but half the steady-state speed).
            def caches(gw_jar, floor_jar):
                return (["-XX:AOTCache=" + aot.train(java25, 60, a.java_opts, gw_jar)],
                        ["-XX:AOTCache=" + train_floor(java25, a.java_opts, gw_port, one, jar=floor_jar)])
            fast, fast_floor = caches(GATEWAY_JAR, FLOOR_JAR)
            row(" + AOT cache (training run), fast-jar", fast, fast_floor, GATEWAY_JAR, FLOOR_JAR)
            uber, uber_floor = aot_jar("gateway-app"), aot_jar("bench/floor-app")
            cache, floor_cache = caches(uber, uber_floor)
            row(" + AOT cache (training run), uber-jar", cache, floor_cache, uber, uber_floor)
            row(" + AOT cache, uber-jar, start-up first (no training replay, C2 later)",
                cache + START_FIRST_OPTS, floor_cache + START_FIRST_OPTS, uber, uber_floor)
            c1 = ["-XX:TieredStopAtLevel=1"]
            row(" + AOT cache, uber-jar, C1 only (-XX:TieredStopAtLevel=1)", cache + c1, floor_cache + c1, uber, uber_floor)
        if a.startup_only:
            inputs = []
        g, t0 = start_gateway(gw_port, fake_port, a.java_opts, a.java)
        time_to_first_request(gw_port, one, t0)
        try:
            cells = [(n, e, c) for n in inputs for e in encodings for c in concs]
            direct_url = f"http://127.0.0.1:{fake_port}/v1/embeddings"
            proxy_url = f"http://127.0.0.1:{proxy_port}/v1/embeddings"
            gw_url = f"http://127.0.0.1:{gw_port}/v1/embeddings"
            # Cells run from small to large requests, so the peak RSS of a cell reflects traffic no larger
            # than its own. Before the first cell of each request size, every cell of that size is run
            # once through the gateway and the proxy (the JIT settles on all of them), then each cell
            # is warmed up again just before it is measured.
            warmed = set()
            for n, e, c in cells:
                if n not in warmed:
                    warmed.add(n)
                    for e2, c2 in ((e2, c2) for e2 in encodings for c2 in concs):
                        warm = body_file(tmp, n, e2)
                        wrk(gw_url, warm, GATEWAY_KEY, c2, a.global_warmup)
                        wrk(proxy_url, warm, FAKE_KEY, c2, a.global_warmup)
                body = body_file(tmp, n, e)
                wrk(gw_url, body, GATEWAY_KEY, c, a.warmup)
                direct, proxied, through = [], [], []
                reset_peak_rss(g.pid)
                for _ in range(a.runs):
                    direct.append(wrk(direct_url, body, FAKE_KEY, c, a.duration))
                    proxied.append(wrk(proxy_url, body, FAKE_KEY, c, a.duration))
                    before, jit_before = cpu_seconds(g.pid), jit_cpu_seconds(g.pid)
                    r = wrk(gw_url, body, GATEWAY_KEY, c, a.duration)
                    r["cpu_ms_per_req"] = (cpu_seconds(g.pid) - before) * 1000 / max(1, r["requests"])
                    r["jit_ms"] = (jit_cpu_seconds(g.pid) - jit_before) * 1000
                    through.append(r)
                cell = {"inputs": n, "encoding": e, "concurrency": c}
                for name, runs in (("direct", direct), ("proxy", proxied), ("gateway", through)):
                    cell[name] = {k: median([r[k] for r in runs]) for k in ("p50", "p99", "rps")}
                cell["gateway"]["cpu_ms_per_req"] = median([r["cpu_ms_per_req"] for r in through])
                cell["gateway"]["jit_ms"] = median([r["jit_ms"] for r in through])
                cell["added_p50_ms"] = median([t["p50"] - d["p50"] for t, d in zip(through, direct)])
                cell["added_p99_ms"] = median([t["p99"] - d["p99"] for t, d in zip(through, direct)])
                cell["rps_ratio"] = median([t["rps"] / d["rps"] for t, d in zip(through, direct)])
                cell["proxy_added_p50_ms"] = median([x["p50"] - d["p50"] for x, d in zip(proxied, direct)])
                cell["proxy_rps_ratio"] = median([x["rps"] / d["rps"] for x, d in zip(proxied, direct)])
                cell["gateway"]["peak_rss_mb"] = peak_rss_mb(g.pid)
                results["cells"].append(cell)
                print(f"  done: {n} inputs, {e}, c={c}", file=sys.stderr)
            results["peak_rss_mb"] = max((c["gateway"]["peak_rss_mb"] or 0 for c in results["cells"]), default=0)
        finally:
            stop(g)
    finally:
        stop(proxy)
        stop(fake)
        shutil.rmtree(tmp, ignore_errors=True)
    report(results)
    if a.json:
        with open(a.json, "w") as f:
            json.dump(results, f, indent=2)


def report(r):
    print(f"\nembedgate benchmark, {r['date']}")
    print(f"machine: {r['machine']}; {r['java']}; gateway JVM options: {r['java_opts']}")
    if r["cells"]:
        cells_table(r)
    print("\nstart-up to first served request (process launch to the first 200 from /v1/embeddings); the floor is "
          "bench/floor-app, a Quarkus REST app with one JSON endpoint, on the same JVM:")
    for jvm, s in r["startup"].items():
        floor = r.get("startup_floor", {}).get(jvm)
        floor_text = f"; floor median {median(floor):.0f} ms (runs: {', '.join(f'{x:.0f}' for x in floor)})" if floor else ""
        print(f"  {jvm}: median {median(s):.0f} ms (runs: {', '.join(f'{x:.0f}' for x in s)}){floor_text}")
    if r["cells"]:
        print(f"gateway peak RSS over the whole run: {r.get('peak_rss_mb', 0):.0f} MB")


def cells_table(r):
    print(f"medians of {r['runs']} runs x {r['duration_s']} s per cell; 1536-dimension vectors; wrk on loopback\n")
    print("| inputs | client encoding | conc | direct p50 ms | gateway p50 ms | added p50 ms | zero-work proxy added p50 ms "
          "| direct p99 ms | gateway p99 ms | direct req/s | gateway req/s | gateway/direct | zero-work proxy/direct "
          "| gateway CPU ms/req | gateway JIT CPU ms per run | gateway peak RSS MB |")
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for c in r["cells"]:
        d, g = c["direct"], c["gateway"]
        print(f"| {c['inputs']} | {c['encoding']} | {c['concurrency']} | {d['p50']:.3f} | {g['p50']:.3f} | {c['added_p50_ms']:.3f} "
              f"| {c['proxy_added_p50_ms']:.3f} | {d['p99']:.3f} | {g['p99']:.3f} | {d['rps']:.0f} | {g['rps']:.0f} | {c['rps_ratio']:.2f} "
              f"| {c['proxy_rps_ratio']:.2f} | {g['cpu_ms_per_req']:.3f} | {g.get('jit_ms', 0):.0f} | {g['peak_rss_mb']:.0f} |")
    print("\n\"gateway JIT CPU ms per run\": CPU of the JIT compiler threads during each gateway run of the cell "
          "(median). More than a few per cent of a run's length means C2 was still compiling while it was measured.")


if __name__ == "__main__":
    main()
