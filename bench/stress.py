#!/usr/bin/env python3
"""Memory under stress: the largest requests the API allows, some from clients that never read.

Sends, all at once, READERS + STALLED requests of 2048 inputs of text-embedding-3-large (3072
dimensions) with float output (~86 MB of JSON each) through a gateway with a small heap (-Xmx256m
by default). STALLED clients send their request and never read a byte; READERS read their answer
whole and retry a 503 after its retry-after, as the OpenAI SDKs do. Meanwhile another client sends
one-input requests back to back. Reports:

- every reader's outcome, and whether each 200 is exact: the SHA-256 of its vectors (as float32)
  against the vectors the fake upstream gives for the same inputs, asked directly;
- what became of the stalled clients (cut off: an incomplete response, never a complete-looking one);
- the one-input requests' count, errors, p50, p99 and worst latency;
- the gateway's peak RSS, and whether its log shows an OutOfMemoryError.

Usage: python3 bench/stress.py [--no-build] [--java-opts "..."] [--readers 4] [--stalled 4]
       [--inputs 2048] [--seconds 120] [--env KEY=VALUE ...]
Needs: JDK 17+, Maven. Only loopback traffic.
"""
import argparse
import base64
import hashlib
import http.client
import json
import multiprocessing
import os
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run  # noqa: E402  (the load benchmark's helpers)

MODEL = "text-embedding-3-large"
DIMS = 3072


def big_body(n, prefix="stress"):
    return json.dumps({"model": MODEL, "input": [f"{prefix} input {i}: the quick brown fox" for i in range(n)],
                       "encoding_format": "float"}).encode()


def expected_digest(fake_port, body):
    """SHA-256 of the vectors (float32, input order) the fake upstream returns for these inputs."""
    req = json.loads(body)
    req["encoding_format"] = "base64"
    c = http.client.HTTPConnection("127.0.0.1", fake_port, timeout=120)
    c.request("POST", "/v1/embeddings", json.dumps(req), {"Content-Type": "application/json",
                                                        "Authorization": "Bearer " + run.FAKE_KEY})
    answer = json.loads(c.getresponse().read())
    h = hashlib.sha256()
    for item in sorted(answer["data"], key=lambda d: d["index"]):
        h.update(base64.b64decode(item["embedding"]))
    return h.hexdigest()


def digest_of_floats(answer):
    h = hashlib.sha256()
    for item in answer["data"]:
        v = item["embedding"]
        h.update(struct.pack(f"<{len(v)}f", *v))
    return h.hexdigest()


def reader(port, body, expected, deadline, out):
    """One client that reads its answer whole, retrying 503s as the SDKs do, until it gets one or time is up."""
    attempts = []
    while time.time() < deadline:
        t0 = time.perf_counter()
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=max(1, deadline - time.time()))
        try:
            c.request("POST", "/v1/embeddings", body, {"Content-Type": "application/json",
                                                       "Authorization": "Bearer " + run.GATEWAY_KEY})
            r = c.getresponse()
            data = r.read()
        except (OSError, http.client.HTTPException) as e:
            attempts.append(f"error {type(e).__name__}")
            time.sleep(1)
            continue
        finally:
            c.close()
        seconds = time.perf_counter() - t0
        if r.status == 200:
            try:
                exact = digest_of_floats(json.loads(data)) == expected
                verdict = "exact" if exact else "NOT EXACT"
            except ValueError:
                exact, verdict = False, "NOT EXACT: the JSON ends early (a short 200)"
            attempts.append(f"200 in {seconds:.1f} s, {len(data) / 1e6:.0f} MB, {verdict}")
            out.append({"status": 200, "exact": exact, "attempts": attempts})
            return
        attempts.append(f"{r.status} in {seconds:.1f} s")
        if r.status != 503:
            out.append({"status": r.status, "exact": None, "attempts": attempts, "body": data[:300]})
            return
        time.sleep(float(r.getheader("retry-after", "1")))
    out.append({"status": None, "exact": None, "attempts": attempts})


def stalled(port, body):
    """Sends the request and reads nothing; the socket is returned for a look at the end."""
    s = socket.create_connection(("127.0.0.1", port))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    head = (f"POST /v1/embeddings HTTP/1.1\r\nhost: 127.0.0.1\r\nauthorization: Bearer {run.GATEWAY_KEY}\r\n"
            f"content-type: application/json\r\ncontent-length: {len(body)}\r\n\r\n").encode()
    s.sendall(head + body)
    return s


def what_stalled_got(s):
    """Reads what the gateway sent to a client that read nothing: 'cut off' unless a last chunk arrived."""
    s.settimeout(30)
    got = bytearray()
    try:
        while True:
            b = s.recv(1 << 20)
            if not b:
                break
            got += b
            if got.endswith(b"\r\n0\r\n\r\n"):
                return f"complete ({len(got) / 1e6:.0f} MB)"
    except (ConnectionResetError, socket.timeout) as e:
        if isinstance(e, socket.timeout):
            return describe(got) + ", connection still open"
    finally:
        s.close()
    return describe(got)


def describe(got):
    if len(got) < 12:
        return f"closed after {len(got)} bytes"
    status = got[9:12].decode(errors="replace")
    head, _, body = bytes(got).partition(b"\r\n\r\n")
    for line in head.decode(errors="replace").lower().split("\r\n"):
        if line.startswith("content-length:") and len(body) >= int(line.split(":")[1]):
            return f"status {status}, complete ({len(body)} bytes)"
    return f"status {status}, cut off after {len(got) / 1e6:.1f} MB (no last chunk)"


SMALL = {"model": "text-embedding-3-small", "input": "one small input"}


def small_body_file(tmp):
    path = os.path.join(tmp, "small.json")
    if not os.path.exists(path):
        with open(path, "w") as f:
            json.dump(SMALL, f)
    return path


def probe(port, stop, results):
    """The one-input client, in a process of its own: the readers' JSON parsing holds this process's
    interpreter lock for seconds at a time, which would show up as gateway latency."""
    latencies, errors = [], []
    small_requests(port, stop, latencies, errors)
    results.put((latencies, errors))


def small_requests(port, stop, latencies, errors):
    body = json.dumps(SMALL).encode()
    c = None
    while not stop.is_set():
        t0 = time.perf_counter()
        try:
            if c is None:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            c.request("POST", "/v1/embeddings", body, {"Content-Type": "application/json",
                                                       "Authorization": "Bearer " + run.GATEWAY_KEY})
            r = c.getresponse()
            r.read()
            if r.status != 200:
                errors.append(r.status)
        except (OSError, http.client.HTTPException) as e:
            errors.append(type(e).__name__)
            c = None
            continue
        latencies.append(((time.perf_counter() - t0) * 1000, time.time()))
        time.sleep(0.02)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--no-build", action="store_true")
    ap.add_argument("--java-opts", default=run.DEFAULT_JAVA_OPTS)
    ap.add_argument("--java", default="java")
    ap.add_argument("--readers", type=int, default=4)
    ap.add_argument("--stalled", type=int, default=4)
    ap.add_argument("--inputs", type=int, default=2048)
    ap.add_argument("--seconds", type=int, default=120, help="how long readers keep retrying")
    ap.add_argument("--env", action="append", default=[], help="extra gateway environment, KEY=VALUE")
    ap.add_argument("--jar", default=run.GATEWAY_JAR, help="the gateway to run (e.g. another checkout's quarkus-run.jar)")
    args = ap.parse_args()
    if not args.no_build:
        run.sh(["mvn", "-q", "-B", "-DskipTests", "package", "-pl", "gateway-app", "-am"])
    tmp = tempfile.mkdtemp(prefix="embedgate-stress-")
    fake_port, port = run.free_port(), run.free_port()
    fake = run.start_fake(fake_port, 1)
    log_path = os.path.join(tmp, "gateway.log")
    env = dict(os.environ, OPENAI_BASE_URL=f"http://127.0.0.1:{fake_port}/v1", OPENAI_API_KEY=run.FAKE_KEY,
               GATEWAY_API_KEY_SHA256=hashlib.sha256(run.GATEWAY_KEY.encode()).hexdigest(), PORT=str(port),
               GATEWAY_PROVIDERS_LOCAL_ENABLED="false", QUARKUS_LOG_CATEGORY__IO_EMBEDGATE_ACCESS__LEVEL="OFF")
    env.update(kv.split("=", 1) for kv in args.env)
    with open(log_path, "w") as log:
        gw = subprocess.Popen([args.java] + args.java_opts.split() + ["-jar", args.jar], env=env, stdout=log,
                              stderr=subprocess.STDOUT, cwd=os.path.dirname(args.jar))
    try:
        run.wait_port(port, 60)
        body = big_body(args.inputs)
        expected = expected_digest(fake_port, body)
        # Warm-up, not measured: the first requests of a fresh JVM load classes and compile.
        for _ in range(200):
            run.post(f"http://127.0.0.1:{port}/v1/embeddings", small_body_file(tmp), run.GATEWAY_KEY)
        stop, probed = multiprocessing.Event(), multiprocessing.Queue()
        prober = multiprocessing.Process(target=probe, args=(port, stop, probed))
        prober.start()
        time.sleep(1)
        t0 = time.time()
        sockets = [stalled(port, body) for _ in range(args.stalled)]
        results = []
        readers = [threading.Thread(target=reader, args=(port, body, expected, t0 + args.seconds, results))
                   for _ in range(args.readers)]
        for r in readers:
            r.start()
        for r in readers:
            r.join()
        stop.set()
        latencies, errors = probed.get(timeout=60)
        prober.join()
        elapsed = time.time() - t0
        stalled_outcomes = [what_stalled_got(s) for s in sockets]
        peak = run.peak_rss_mb(gw.pid)
        with open(log_path) as f:
            log_text = f.read()
    finally:
        run.stop(gw)
        run.stop(fake)

    print(f"\n{args.readers} readers + {args.stalled} stalled clients, {args.inputs} x {DIMS} float each, "
          f"JVM options: {args.java_opts}{' ' + ' '.join(args.env) if args.env else ''}; {elapsed:.0f} s")
    for i, r in enumerate(results):
        print(f"  reader {i}: {'; '.join(r['attempts'])}")
    for i, o in enumerate(stalled_outcomes):
        print(f"  stalled {i}: {o}")
    lat = sorted(ms for ms, _ in latencies)
    slow = [f"{ms:.0f} ms at +{at - t0:.1f} s" for ms, at in latencies if ms > 250]
    if lat:
        p99 = lat[min(len(lat) - 1, int(len(lat) * 0.99))]
        print(f"  one-input requests meanwhile: {len(lat)} answered, {len(errors)} errors {sorted(set(map(str, errors)))}, "
              f"p50 {statistics.median(lat):.1f} ms, p99 {p99:.1f} ms, worst {lat[-1]:.0f} ms"
              + (f"; over 250 ms: {', '.join(slow)}" if slow else ""))
    oom = "OutOfMemoryError" in log_text
    errors_logged = sum(1 for line in log_text.splitlines() if " ERROR " in line)
    print(f"  gateway peak RSS {peak:.0f} MB; OutOfMemoryError in its log: {'YES' if oom else 'no'}; ERROR lines: {errors_logged}")
    exact = [r for r in results if r["status"] == 200]
    bad = [r for r in exact if not r["exact"]]
    print(f"  200s: {len(exact)} of {len(results)} readers, {len(bad)} not exact")
    # A stalled client may get a complete error (a 503 while it waited for room), never a complete 200.
    return 1 if oom or bad or any(o.startswith("status 200, complete") for o in stalled_outcomes) else 0


if __name__ == "__main__":
    sys.exit(main())
