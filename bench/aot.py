#!/usr/bin/env python3
"""Builds the JDK AOT cache (JEP 483/514/515, JDK 25+) for the packaged gateway from a training run
that serves real traffic, then optionally measures start-up with and without it.

The training run starts the gateway with -XX:AOTCacheOutput in front of the fake OpenAI upstream
(loopback, no key, no cost), sends the requests a gateway serves (1/16/256 inputs, float and base64,
/v1 and /v2 with orq options, cached and uncached, errors, health, metrics, models), then stops it;
the JVM writes the cache at exit. Unlike Quarkus' build-time cache (which only records start-up),
the cache then also holds the classes and method profiles of the request path, so the first
requests are fast too.

The cache only holds classes that the JDK's own class loaders load. Quarkus' default fast-jar loads
the application and its libraries through its own class loader, so most classes miss the cache; the
uber-jar that `mvn package -P aot-jar` writes to gateway-app/target/aot/ runs everything on the JDK's
application class loader, and the cache then holds all of it. This script trains that jar by default
(and builds it when it is missing).

Usage:
  python3 bench/aot.py --jdk /usr/lib/jvm/temurin-25-jdk-amd64      # writes gateway-app/target/aot/app.aot
  python3 bench/aot.py --jdk ... --measure 5                        # and compares start-up, 5 launches each
  python3 bench/aot.py --jdk ... --fast-jar                         # trains target/quarkus-app instead
Run the gateway with the same JDK and the same JVM options, from the jar's directory:
  cd gateway-app/target/aot && java -XX:AOTCache=app.aot -jar gateway-app-*-runner.jar
Where start-up matters more than the first seconds of peak load (scale to zero), add run.START_FIRST_OPTS
(no replay of the training run's compilations, C2 later); --measure then also measures that.
"""
import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run  # noqa: E402  (the benchmark's helpers: fake upstream, gateway launch, ports)

def request(port, path, body=None, key=run.GATEWAY_KEY):
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Content-Type": "application/json"}
    if key:
        headers["Authorization"] = "Bearer " + key
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            r.read()
            return r.status
    except urllib.error.HTTPError as e:
        e.read()
        return e.code


def training_traffic(port, rounds):
    texts = [f"training input {i}: the quick brown fox jumps over the lazy dog" for i in range(256)]
    statuses = {}
    for r in range(rounds):
        fresh = f"round {r}"  # new inputs each round, so the upstream path runs, not only the cache
        calls = []
        for n in (1, 16, 256):
            for enc in ("float", "base64"):
                calls.append(("/v1/embeddings", {"model": run.MODEL, "input": [fresh] + texts[:n - 1], "encoding_format": enc}))
        calls += [
            ("/v1/embeddings", {"model": run.MODEL, "input": fresh + " single", "dimensions": 256}),
            ("/v1/embeddings", {"model": "openai/" + run.MODEL, "input": [fresh, "cached"], "provider": {"order": ["openai"]}}),
            ("/v2/gateway/embeddings", {"model": run.MODEL, "input": [fresh + " v2"],
                                        "orq": {"retry": {"count": 2, "on_codes": [429, 503]}, "timeout": {"call_timeout": 5000},
                                                "cache": {"type": "exact_match", "ttl": 60}, "name": "training",
                                                "contact": {"id": "aot"}}}),
            ("/v1/embeddings", {"model": run.MODEL}),                      # 400: no input
            ("/v1/embeddings", {"model": "no-such-model", "input": "x"}),  # 404
            ("/v1/models", None),
            ("/q/health/ready", None),
        ]
        for path, body in calls:
            status = request(port, path, body)
            statuses[status] = statuses.get(status, 0) + 1
        request(port, "/v1/embeddings", {"model": run.MODEL, "input": "x"}, key="wrong-key")  # 401
        if r % 10 == 0:
            request(port, "/q/metrics", None, key=None)
    return statuses


def train(java, rounds, java_opts, jar):
    aot = os.path.join(os.path.dirname(jar), "app.aot")
    if os.path.exists(aot):
        os.remove(aot)
    fake_port, gw_port = run.free_port(), run.free_port()
    fake = run.start_fake(fake_port, 1)
    try:
        g, t0 = run.start_gateway(gw_port, fake_port, java_opts, java, ["-XX:AOTCacheOutput=" + aot], jar)
        run.time_to_first_request(gw_port, run_body(), t0, timeout=60)
        statuses = training_traffic(gw_port, rounds)
        g.send_signal(signal.SIGTERM)
        g.wait(300)  # the JVM assembles the cache at exit (a child JVM, tens of seconds on 2 cores)
    finally:
        run.stop(fake)
    if not os.path.exists(aot):
        sys.exit("the training run wrote no AOT cache")
    print(f"AOT cache: {aot} ({os.path.getsize(aot) / 1e6:.0f} MB); training responses by status: {statuses}", file=sys.stderr)
    return aot


def run_body():
    path = os.path.join(tempfile.mkdtemp(prefix="embedgate-aot-"), "one.json")
    with open(path, "w") as f:
        json.dump({"model": run.MODEL, "input": "hello", "encoding_format": "float"}, f)
    return path


def startups(java, java_opts, extra, n, jar):
    fake_port, gw_port = run.free_port(), run.free_port()
    fake = run.start_fake(fake_port, 1)
    body = run_body()
    times = []
    try:
        for _ in range(n):
            g, t0 = run.start_gateway(gw_port, fake_port, java_opts, java, extra, jar)
            try:
                times.append(run.time_to_first_request(gw_port, body, t0) * 1000)
            finally:
                run.stop(g)
    finally:
        run.stop(fake)
    return times


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--jdk", required=True, help="a JDK 25+ home; the gateway must later run on this very JDK")
    ap.add_argument("--rounds", type=int, default=60, help="rounds of training traffic")
    ap.add_argument("--java-opts", default=run.DEFAULT_JAVA_OPTS, help="JVM options; start the gateway with the same ones")
    ap.add_argument("--measure", type=int, default=0, help="then measure start-up, this many launches with and without the cache")
    ap.add_argument("--fast-jar", action="store_true",
                    help="train Quarkus' default fast-jar (target/quarkus-app) instead of the uber-jar of -P aot-jar")
    a = ap.parse_args()
    java = os.path.join(a.jdk, "bin", "java")
    if a.fast_jar:
        jar = run.GATEWAY_JAR
    else:
        try:
            jar = run.aot_jar("gateway-app")
        except RuntimeError:
            run.build_aot_jars()
            jar = run.aot_jar("gateway-app")
    aot = train(java, a.rounds, a.java_opts, jar)
    if a.measure:
        without = startups(java, a.java_opts, [], a.measure, jar)
        with_cache = startups(java, a.java_opts, ["-XX:AOTCache=" + aot], a.measure, jar)
        first = startups(java, a.java_opts, ["-XX:AOTCache=" + aot] + run.START_FIRST_OPTS, a.measure, jar)
        for name, t in (("without the AOT cache", without), ("with the trained AOT cache", with_cache),
                        ("with the cache, start-up first (" + " ".join(run.START_FIRST_OPTS) + ")", first)):
            print(f"start-up to first served request, {name}: median {statistics.median(t):.0f} ms "
                  f"(runs: {', '.join(f'{x:.0f}' for x in t)})")


if __name__ == "__main__":
    main()
