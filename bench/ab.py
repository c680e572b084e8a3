#!/usr/bin/env python3
"""A/B of two gateway builds side by side: how the README's before/after figures are measured.

Both gateways run at once in front of the same memoised fake upstream, each from its own
`gateway-app/target/quarkus-app`. Every cell is warmed up on both (the JIT needs tens of seconds on
two cores), then measured in alternating wrk runs, A then B (or B then A with --swap), so a drift
of the machine's speed, which is large here, hits both builds alike. Run it once as is and once
with --swap before believing a difference of a few per cent.

Usage:
  git worktree add /tmp/base <rev> && (cd /tmp/base && mvn -B -DskipTests -pl gateway-app -am package)
  mvn -B -DskipTests -pl gateway-app -am package
  python3 bench/ab.py /tmp/base                                  # A: this checkout, B: /tmp/base
  python3 bench/ab.py /tmp/base --cells 1:base64:16,16:float:1 --swap
  python3 bench/ab.py . --b-java-opts "... -XX:TieredStopAtLevel=1"  # one build, two JVM settings
  python3 bench/ab.py . --b-java /usr/lib/jvm/temurin-25-jdk-amd64/bin/java  # one build, two JVMs
  python3 bench/ab.py /tmp/base --redis --cells 1:float:1,1:float:16   # cached requests, served by Redis alone
Needs wrk (apt-get install wrk) and a built fake-upstreams module (bench/run.py builds everything).
"""
import argparse
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run  # noqa: E402  (the benchmark's helpers: fake upstream, gateway launch, wrk)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("b_root", help="checkout of build B (its gateway-app/target/quarkus-app is run)")
    ap.add_argument("--a-root", default=run.ROOT, help="checkout of build A (default: this one)")
    ap.add_argument("--cells", default="1:base64:16,1:float:16,1:float:1,16:float:1",
                    help="comma-separated inputs:encoding:concurrency")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--duration", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=20, help="seconds of load per build and cell before measuring")
    ap.add_argument("--swap", action="store_true", help="measure B before A in each pair")
    ap.add_argument("--java", default="java", help="JVM of A")
    ap.add_argument("--b-java", help="JVM of B (default: that of A)")
    ap.add_argument("--java-opts", default=run.DEFAULT_JAVA_OPTS, help="JVM options of A")
    ap.add_argument("--b-java-opts", help="JVM options of B (default: those of A)")
    ap.add_argument("--redis", action="store_true",
                    help="cached requests on gateways sharing one redis-server, their in-process tier off: every input is a Redis hit")
    a = ap.parse_args()

    builds = {"A": (os.path.abspath(a.a_root), a.java, a.java_opts),
              "B": (os.path.abspath(a.b_root), a.b_java or a.java, a.b_java_opts or a.java_opts)}
    tmp = tempfile.mkdtemp(prefix="embedgate-ab-")
    fake_port = run.free_port()
    fake = run.start_fake(fake_port, 1)
    redis = None
    env = None
    if a.redis:
        redis_port = run.free_port()
        redis = run.start_redis(redis_port)
        env = run.redis_only_env(redis_port)
    gateways = {}
    try:
        for name, (root, java, opts) in builds.items():
            jar = os.path.join(root, "gateway-app", "target", "quarkus-app", "quarkus-run.jar")
            if not os.path.isfile(jar):
                sys.exit(f"{jar} not found: mvn -B -DskipTests -pl gateway-app -am package in {root}")
            port = run.free_port()
            p, t0 = run.start_gateway(port, fake_port, opts, java, jar=jar, env_extra=env)
            gateways[name] = (p, port)
            run.time_to_first_request(port, run.body_file(tmp, 1, "float"), t0)
            print(f"{name}: {root} ({java} {opts}), port {port}")
        order = ["B", "A"] if a.swap else ["A", "B"]
        for cell in a.cells.split(","):
            inputs, encoding, conc = cell.split(":")
            body = run.body_file(tmp, int(inputs), encoding, cached=a.redis)

            def measure(name, seconds):
                return run.wrk(f"http://127.0.0.1:{gateways[name][1]}/v1/embeddings", body, run.GATEWAY_KEY, int(conc), seconds)
            for name in order:
                measure(name, a.warmup)
            results = {"A": [], "B": []}
            for _ in range(a.runs):
                for name in order:
                    results[name].append(measure(name, a.duration))
            print(f"== {inputs} inputs, {encoding}, c={conc}")
            for name in ("A", "B"):
                p50 = [r["p50"] for r in results[name]]
                rps = [r["rps"] for r in results[name]]
                print(f"  {name}: p50 ms " + " / ".join(f"{x:.3f}" for x in p50) + f" (median {run.median(p50):.3f}); req/s "
                      + " / ".join(f"{x:,.0f}" for x in rps) + f" (median {run.median(rps):,.0f})")
    finally:
        for p, _ in gateways.values():
            run.stop(p)
        run.stop(fake)
        if redis:
            run.stop(redis)


if __name__ == "__main__":
    main()
