#!/usr/bin/env python3
"""Runs every example in README.md and docs/*.md that calls the gateway, against a started gateway.

The examples are the fenced code blocks that talk to http://localhost:8080: bash blocks (curl),
python blocks (the OpenAI Python SDK) and javascript blocks (the OpenAI Node SDK). The packaged
gateway (gateway-app/target/quarkus-app, built by `mvn verify`) is started on a free port with the
local model on, debug allowed, fake OpenAI, Gemini and Mistral upstreams on loopback behind it (so
examples for remote models work too), a redis-server as its shared tier and an admin credential in
$ADMIN (so the admin API's examples work). Each example must exit 0; in bash examples every curl call
fails on an HTTP error status (the checker wraps curl in `--fail-with-body`).

An SDK that cannot be installed here (no package index) is reported and its examples skipped, and
so are examples that drive a Kubernetes cluster (kubectl).

Usage: python3 .ci/check-examples.py            (after mvn verify; from the repository root)
"""
import glob
import hashlib
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
JAR = os.path.join(ROOT, "gateway-app", "target", "quarkus-app", "quarkus-run.jar")
FENCE = re.compile(r"^```(\w+)\n(.*?)^```", re.S | re.M)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(port, timeout=90):
    end = time.time() + timeout
    while time.time() < end:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/q/health/ready", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"nothing ready on port {port}")


def examples():
    files = [os.path.join(ROOT, "README.md")] + sorted(glob.glob(os.path.join(ROOT, "docs", "*.md")))
    for path in files:
        text = open(path, encoding="utf-8").read()
        for m in FENCE.finditer(text):
            lang, code = m.group(1), m.group(2)
            if "localhost:8080" in code and lang in ("bash", "python", "javascript"):
                line = text.count("\n", 0, m.start()) + 1
                yield os.path.relpath(path, ROOT), line, lang, code


def fake_classpath():
    out = os.path.join(ROOT, "fake-upstreams", "target", "classpath.txt")
    subprocess.run(["mvn", "-q", "-B", "-o", "-pl", "fake-upstreams", "dependency:build-classpath",
                    f"-Dmdep.outputFile={out}"], cwd=ROOT, check=True)
    return os.path.join(ROOT, "fake-upstreams", "target", "classes") + ":" + open(out).read().strip()


def start_fakes(tmp):
    cp = fake_classpath()
    fakes, env = [], {}
    for provider, var in (("openai", "OPENAI"), ("google", "GEMINI"), ("mistral", "MISTRAL")):
        port = free_port()
        log = open(os.path.join(tmp, f"fake-{provider}.log"), "w")
        fakes.append(subprocess.Popen(["java", "-Xmx256m", "-cp", cp, "io.embedgate.fakes.FakeUpstreamMain",
                                       "--provider", provider, "--port", str(port)], stdout=log, stderr=subprocess.STDOUT))
        env[f"{var}_BASE_URL"] = f"http://127.0.0.1:{port}" + ("/v1" if provider != "google" else "")
    # The fakes accept their own default keys (see FakeOpenAi/FakeGemini/FakeMistral.DEFAULT_KEY).
    env["OPENAI_API_KEY"] = "sk-fake-openai-0123456789abcdef"
    env["GEMINI_API_KEY"] = "AIzaFakeGeminiKey0123456789abcdefghij"
    env["MISTRAL_API_KEY"] = "FakeMistralKey0123456789abcdefgh"
    return fakes, env


def node_sdk(tmp):
    """A directory with the openai npm package, or None."""
    d = os.path.join(tmp, "node")
    os.makedirs(d)
    r = subprocess.run(["npm", "install", "--silent", "--no-audit", "--no-fund", "openai"], cwd=d, capture_output=True, text=True)
    return d if r.returncode == 0 else None


def python_sdk():
    return subprocess.run([sys.executable, "-c", "import openai"], capture_output=True).returncode == 0


def main():
    if not os.path.exists(JAR):
        sys.exit(f"{JAR} is missing: run mvn verify first")
    found = list(examples())
    tmp = tempfile.mkdtemp(prefix="embedgate-examples-")
    port = free_port()
    key = "eg-" + secrets.token_hex(24)
    admin = "eg-admin-" + secrets.token_hex(24)
    fakes, env = start_fakes(tmp)
    redis_port = free_port()
    fakes.append(subprocess.Popen(["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "",
                                   "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT))
    env.update(PORT=str(port), GATEWAY_API_KEY_SHA256=hashlib.sha256(key.encode()).hexdigest(),
               GATEWAY_DEBUG_ALLOWED="true", GATEWAY_KEY=key, EMBEDGATE_REDIS_URL=f"redis://127.0.0.1:{redis_port}",
               GATEWAY_ADMIN_KEY_SHA256=hashlib.sha256(admin.encode()).hexdigest())
    log = open(os.path.join(tmp, "gateway.log"), "w")
    gateway = subprocess.Popen(["java", "-Xmx512m", "-jar", JAR], env=dict(os.environ, **env), stdout=log,
                               stderr=subprocess.STDOUT, cwd=os.path.dirname(JAR))
    failures, skipped, passed = [], [], 0
    try:
        wait_ready(port)
        have_python = python_sdk()
        node_dir = node_sdk(tmp) if any(lang == "javascript" for _, _, lang, _ in found) else None
        run_env = dict(os.environ, GATEWAY_KEY=key, ADMIN=admin)
        for path, line, lang, code in found:
            where = f"{path}:{line} ({lang})"
            code = code.replace("localhost:8080", f"localhost:{port}")
            if lang == "bash" and re.search(r"^\s*kubectl ", code, re.M):
                skipped.append(f"{where}: needs a Kubernetes cluster (the manifests are checked by check-manifests.sh)")
                continue
            if lang == "bash":
                script = "set -euo pipefail\ncurl() { command curl --fail-with-body \"$@\"; }\n" + code
                r = subprocess.run(["bash", "-c", script], env=run_env, capture_output=True, text=True, timeout=120)
            elif lang == "python":
                if not have_python:
                    skipped.append(f"{where}: the openai Python package is not installed")
                    continue
                r = subprocess.run([sys.executable, "-c", code], env=run_env, capture_output=True, text=True, timeout=120)
            else:
                if node_dir is None:
                    skipped.append(f"{where}: the openai npm package could not be installed")
                    continue
                file = os.path.join(node_dir, f"example-{line}.mjs")
                with open(file, "w") as f:
                    f.write(code)
                r = subprocess.run(["node", file], env=run_env, capture_output=True, text=True, timeout=120, cwd=node_dir)
            if r.returncode == 0:
                passed += 1
                print(f"ok   {where}")
            else:
                failures.append(f"{where}: exit {r.returncode}\n{r.stdout[-1500:]}{r.stderr[-1500:]}")
                print(f"FAIL {where}")
    finally:
        gateway.terminate()
        gateway.wait(30)
        for f in fakes:
            f.terminate()
    for s in skipped:
        print(f"skipped {s}")
    print(f"{passed} examples passed, {len(failures)} failed, {len(skipped)} skipped (of {len(found)})")
    if failures:
        print("\n".join(failures))
        print(f"gateway log: {os.path.join(tmp, 'gateway.log')}")
        sys.exit(1)
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
