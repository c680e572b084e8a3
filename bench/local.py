#!/usr/bin/env python3
"""Local model benchmark: start-up with the in-process model enabled and disabled, first-request
latency, and throughput of all-minilm-l6-v2 (inputs per second) through the gateway's HTTP API.
No provider, no network: everything runs on loopback.

Usage: python3 bench/local.py [--no-build] [--launches 5] [--duration 20] [--concurrency 1,2,4]
       [--model local/bge-small-en-v1.5] [--jar path/to/quarkus-run.jar] [--without-module other/quarkus-run.jar] [--java-opts "..."]
       python3 bench/local.py --catalogue [--no-build] [--duration 20] [--concurrency 1,2] [--models e5-small-v2-q,...]

--catalogue: every local model in turn, each in a fresh gateway that loads no model at start-up: the
  first request's time (the lazy load), inputs/s and p50 per batch of 32 at each concurrency, and the
  resident memory the model adds (RSS once warm, minus RSS before its first request).

--without-module: a build without provider-local, for its start-up time, e.g.
  mvn -B -DskipTests -pl gateway-app -am package -P '!local-model' && cp -r gateway-app/target/quarkus-app /tmp/no-local
  python3 bench/local.py --without-module /tmp/no-local/quarkus-run.jar
"""
import argparse
import hashlib
import http.client
import json
import os
import statistics
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run  # noqa: E402  (the load benchmark's helpers)

MODEL = "local/all-minilm-l6-v2"
JAR = os.path.join(run.ROOT, "gateway-app", "target", "quarkus-app", "quarkus-run.jar")
SUBJECTS = ["the gateway", "a search index", "the quarterly report", "my cat", "the weather", "a database",
            "the football match", "an embedding model", "the train to Paris", "a birthday cake"]
VERBS = ["answers questions about", "was compared with", "depends on", "is unrelated to", "slowly replaced"]


def sentence(i):
    """Ordinary sentences of 10-20 word pieces, all different."""
    return f"{SUBJECTS[i % 10].capitalize()} {VERBS[(i // 10) % 5]} {SUBJECTS[(i // 50) % 10]} (case {i})."


def launch(port, jar, java_opts, local_enabled):
    env = dict(os.environ,
               GATEWAY_API_KEY_SHA256=hashlib.sha256(run.GATEWAY_KEY.encode()).hexdigest(),
               PORT=str(port), QUARKUS_LOG_LEVEL="WARN")
    if local_enabled is not None:  # None: a build without the module, which has no such instance
        env["GATEWAY_PROVIDERS_LOCAL_ENABLED"] = "true" if local_enabled else "false"
    t0 = time.perf_counter()
    p = subprocess.Popen(["java"] + java_opts.split() + ["-jar", jar], env=env,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=os.path.dirname(jar))
    return p, t0


def get_status(port, path):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        c.request("GET", path)
        return c.getresponse().status
    finally:
        c.close()


def until_live(port, t0, timeout=60):
    end = time.time() + timeout
    while time.time() < end:
        try:
            if get_status(port, "/q/health/live") == 200:
                return time.perf_counter() - t0
        except OSError:
            time.sleep(0.005)
    raise RuntimeError("gateway did not become live")


class Client:
    """One keep-alive connection posting embeddings requests."""

    def __init__(self, port):
        self.c = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.headers = {"Authorization": "Bearer " + run.GATEWAY_KEY, "Content-Type": "application/json"}

    def embed(self, texts):
        self.c.request("POST", "/v1/embeddings", json.dumps({"model": MODEL, "input": texts}), self.headers)
        r = self.c.getresponse()
        body = r.read()
        if r.status != 200:
            raise RuntimeError(f"HTTP {r.status}: {body[:300]!r}")
        return json.loads(body)


CATALOGUE = ["all-minilm-l6-v2", "all-minilm-l6-v2-q", "bge-small-en-v1.5", "bge-small-en-v1.5-q", "e5-small-v2-q"]


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return None


def catalogue(jar, java_opts, duration, concurrencies, models):
    """One fresh gateway per model, none loaded at start-up, so each model's memory is its own."""
    global MODEL
    rows = []
    for model in models:
        MODEL = "local/" + model
        port = run.free_port()
        p, t0 = launch(port, jar, java_opts + " -Dgateway.providers.local.settings.eager-models=none", True)
        try:
            until_live(port, t0)
            for _ in range(50):  # the HTTP stack warm, so that the baseline is not a cold JVM's
                get_status(port, "/v1/models")
            time.sleep(1)
            before = rss_mb(p.pid)
            c = Client(port)
            s = time.perf_counter()
            c.embed(["the first request loads the model"])
            first = time.perf_counter() - s
            throughput(port, 2, 5)  # warm-up
            cells = [throughput(port, conc, duration) for conc in concurrencies]
            after = rss_mb(p.pid)
            rows.append((model, first, cells, before, after, run.peak_rss_mb(p.pid)))
            print(f"{model}: done", flush=True)
        finally:
            run.stop(p)
    head = " | ".join(f"inputs/s c={c} | p50 ms c={c}" for c in concurrencies)
    print(f"| model | first request (load) ms | {head} | RSS before MB | RSS loaded MB | added MB | peak RSS MB |")
    print("|---|---:|" + "---:|---:|" * len(concurrencies) + "---:|---:|---:|---:|")
    for model, first, cells, before, after, peak in rows:
        cols = " | ".join(f"{rate:.0f} | {p50 * 1000:.0f}" for rate, p50, _ in cells)
        print(f"| `{model}` | {first * 1000:,.0f} | {cols} | {before:.0f} | {after:.0f} | {after - before:.0f} | {peak:.0f} |")


def startups(jar, java_opts, launches, local_enabled):
    """Launch to first live 200; with the model, also launch to first embeddings 200."""
    live, first = [], []
    for _ in range(launches):
        port = run.free_port()
        p, t0 = launch(port, jar, java_opts, local_enabled)
        try:
            live.append(until_live(port, t0))
            if local_enabled:
                Client(port).embed(["hello world"])
                first.append(time.perf_counter() - t0)
        finally:
            run.stop(p)
    return live, first


def first_requests(jar, java_opts):
    """Latency of the first request sent the moment the gateway is live, and of the next one."""
    port = run.free_port()
    p, t0 = launch(port, jar, java_opts, True)
    try:
        until_live(port, t0)
        c = Client(port)
        s = time.perf_counter()
        c.embed(["the first request waits for the rest of the model load"])
        at_live = time.perf_counter() - s
        s = time.perf_counter()
        c.embed(["the second request runs on a loaded model"])
        warm = time.perf_counter() - s
        s = time.perf_counter()
        c.embed([sentence(i) for i in range(32)])
        batch = time.perf_counter() - s
        return at_live, warm, batch
    finally:
        run.stop(p)


def throughput(port, concurrency, duration, batch=32):
    counter = {"inputs": 0, "latencies": []}
    lock = threading.Lock()
    stop_at = time.perf_counter() + duration
    errors = []

    def worker(w):
        c = Client(port)
        i = w * 1_000_000
        while time.perf_counter() < stop_at:
            texts = [sentence(i + k) for k in range(batch)]
            i += batch
            s = time.perf_counter()
            try:
                r = c.embed(texts)
            except Exception as e:  # noqa: BLE001  (reported below)
                errors.append(str(e))
                return
            assert len(r["data"]) == batch and len(r["data"][0]["embedding"]) == 384
            with lock:
                counter["inputs"] += batch
                counter["latencies"].append(time.perf_counter() - s)

    t0 = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(w,)) for w in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    if errors:
        raise RuntimeError(errors[0])
    lat = sorted(counter["latencies"])
    return counter["inputs"] / elapsed, statistics.median(lat), lat[int(len(lat) * 0.99) - 1 if len(lat) > 1 else 0]


def main():
    global MODEL
    ap = argparse.ArgumentParser()
    ap.add_argument("--no-build", action="store_true")
    ap.add_argument("--jar", default=JAR)
    ap.add_argument("--without-module", help="quarkus-run.jar of a build without provider-local")
    ap.add_argument("--launches", type=int, default=5)
    ap.add_argument("--duration", type=int, default=20)
    ap.add_argument("--concurrency", default="1,2,4")
    ap.add_argument("--java-opts", default=run.DEFAULT_JAVA_OPTS)
    ap.add_argument("--model", default=MODEL, help="the local model of the latency and throughput runs, e.g. "
                    "local/all-minilm-l6-v2-q, local/bge-small-en-v1.5, local/bge-small-en-v1.5-q, local/e5-small-v2-q")
    ap.add_argument("--catalogue", action="store_true", help="every local model in turn (see above)")
    ap.add_argument("--models", default=",".join(CATALOGUE), help="with --catalogue: the models, comma-separated")
    a = ap.parse_args()
    MODEL = a.model
    if not a.no_build:
        run.sh(["mvn", "-q", "-B", "-DskipTests", "-pl", "gateway-app", "-am", "package"])
    print(f"machine: {os.cpu_count()} CPUs; java opts: {a.java_opts}")
    if a.catalogue:
        catalogue(a.jar, a.java_opts, a.duration, [int(x) for x in a.concurrency.split(",")], a.models.split(","))
        return

    if a.without_module:
        without, _ = startups(a.without_module, a.java_opts, a.launches, None)
        print(f"start-up to /q/health/live 200, median of {a.launches}: without the module {statistics.median(without) * 1000:.0f} ms")
    off, _ = startups(a.jar, a.java_opts, a.launches, False)
    on, first = startups(a.jar, a.java_opts, a.launches, True)
    print(f"start-up to /q/health/live 200, median of {a.launches}: local model disabled {statistics.median(off) * 1000:.0f} ms, "
          f"enabled {statistics.median(on) * 1000:.0f} ms")
    print(f"launch to first /v1/embeddings 200 (model loaded), median of {a.launches}: {statistics.median(first) * 1000:.0f} ms")
    at_live, warm, batch = first_requests(a.jar, a.java_opts)
    print(f"first request sent when live: {at_live * 1000:.0f} ms; next one-input request: {warm * 1000:.1f} ms; "
          f"then 32 inputs: {batch * 1000:.1f} ms")

    port = run.free_port()
    p, t0 = launch(port, a.jar, a.java_opts, True)
    try:
        until_live(port, t0)
        c = Client(port)
        c.embed(["warm-up"])
        throughput(port, 2, 5)  # warm-up
        print(f"gateway RSS with the model loaded and warm: {run.peak_rss_mb(p.pid):.0f} MB (peak)")
        print(f"| concurrency | inputs/s | p50 ms (32 inputs) | p99 ms |\n|---:|---:|---:|---:|")
        for conc in (int(x) for x in a.concurrency.split(",")):
            rate, p50, p99 = throughput(port, conc, a.duration)
            print(f"| {conc} | {rate:.0f} | {p50 * 1000:.0f} | {p99 * 1000:.0f} |")
    finally:
        run.stop(p)


if __name__ == "__main__":
    main()
