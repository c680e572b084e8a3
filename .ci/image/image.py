#!/usr/bin/env python3
"""Container image tools for CI, standard library only.

  image.py base ROOTFS OUT.tar [--env K=V]... [--label K=V]...
      a one-layer image of a directory, as a `docker save` archive (Jib reads it with tar://)
  image.py pull REGISTRY_URL REPOSITORY TAG OUT.tar
      an image from a registry (plain HTTP, loopback) into a `docker save` archive, every digest checked
  image.py inspect OUT.tar --dockerfile deploy/docker/Dockerfile.jvm --app gateway-app/target/quarkus-app --version V
                 --properties gateway-app/src/main/resources/application.properties
      checks the image's configuration, layers and files; prints its layers and sizes
  image.py unpack OUT.tar DIR
      the image's root filesystem, layer over layer, owners and modes kept (needs root)
  image.py smoke OUT.tar DIR
      starts the image from DIR as a runtime would (chroot, the image's user, working directory,
      environment and entrypoint), asks it for readiness, models and embeddings, stops it with
      SIGTERM. Run it as root inside fresh namespaces: unshare --mount --net --pid --fork --kill-child
"""
import argparse
import gzip
import hashlib
import io
import json
import os
import re
import secrets
import shlex
import shutil
import signal
import stat
import subprocess
import sys
import tarfile
import time
import urllib.error
import urllib.request

MTIME = 1  # what Jib uses for reproducible layers: one second after the epoch
DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"

failures = []
passes = []


def check(ok, what):
    print(("  ok    " if ok else "  FAIL  ") + what)
    (passes if ok else failures).append(what)
    return ok


def summary(label):
    """The closing line, in the form CI counts; exits 1 if any check failed."""
    print(f"{label}: {len(passes)} passed, {len(failures)} failed")
    if failures:
        sys.exit(1)


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def mb(n):
    return f"{n / 1e6:.1f} MB"


def norm(name):
    """A layer entry's path as the merged file system knows it: no leading ./ or /, no trailing /."""
    if name.startswith("./"):
        name = name[2:]
    return name.strip("/") if name != "." else ""


# ---------------------------------------------------------------------------------------- base


def cmd_base(args):
    rootfs = args.rootfs.rstrip("/")
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        paths = []
        for dirpath, dirnames, filenames in os.walk(rootfs):
            dirnames.sort()
            for name in sorted(dirnames + filenames):
                paths.append(os.path.join(dirpath, name))
        for path in sorted(paths, key=lambda p: os.path.relpath(p, rootfs)):
            ti = tar.gettarinfo(path, os.path.relpath(path, rootfs))
            ti.uid = ti.gid = 0
            ti.uname = ti.gname = "root"
            ti.mtime = MTIME
            if ti.isreg():
                with open(path, "rb") as f:
                    tar.addfile(ti, f)
            else:
                tar.addfile(ti)
    layer = raw.getvalue()
    diff_id = "sha256:" + hashlib.sha256(layer).hexdigest()
    gz = gzip.compress(layer, compresslevel=6, mtime=0)
    layer_name = hashlib.sha256(gz).hexdigest() + ".tar.gz"
    env = [e for e in args.env]
    labels = dict(kv.split("=", 1) for kv in args.label)
    created = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(MTIME))
    config = {
        "architecture": "amd64",
        "os": "linux",
        "created": created,
        "config": {"Env": env, "Labels": labels},
        "rootfs": {"type": "layers", "diff_ids": [diff_id]},
        "history": [{"created": created, "created_by": ".ci/image/build-base.sh"}],
    }
    config_bytes = json.dumps(config, sort_keys=True, separators=(",", ":")).encode()
    config_name = hashlib.sha256(config_bytes).hexdigest() + ".json"
    manifest = [{"Config": config_name, "RepoTags": ["embedgate-ci-base:17"], "Layers": [layer_name]}]
    write_archive(args.out, manifest, {config_name: config_bytes, layer_name: gz})
    print(f"base image: {args.out}: layer {mb(len(gz))} compressed, {mb(len(layer))} uncompressed")


def write_archive(out, manifest, members):
    """A `docker save` archive: manifest.json, the config and the layers (kept gzip-compressed, as Jib does)."""
    tmp = out + ".part"
    with tarfile.open(tmp, "w", format=tarfile.PAX_FORMAT) as tar:
        for name, data in list(members.items()) + [("manifest.json", json.dumps(manifest).encode())]:
            ti = tarfile.TarInfo(name)
            ti.size = len(data) if isinstance(data, bytes) else os.path.getsize(data)
            ti.mtime = MTIME
            ti.mode = 0o644
            if isinstance(data, bytes):
                tar.addfile(ti, io.BytesIO(data))
            else:
                with open(data, "rb") as f:
                    tar.addfile(ti, f)
    os.replace(tmp, out)


# ---------------------------------------------------------------------------------------- pull


def http_get(url, accept=None):
    req = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    return urllib.request.urlopen(req, timeout=60)


def cmd_pull(args):
    base = args.registry.rstrip("/")
    with http_get(f"{base}/v2/{args.repository}/manifests/{args.tag}", f"{DOCKER_MANIFEST}, {OCI_MANIFEST}") as r:
        body = r.read()
        media_type = r.headers.get("Content-Type", "").split(";")[0]
        registry_digest = r.headers.get("Docker-Content-Digest")
    digest = "sha256:" + hashlib.sha256(body).hexdigest()
    if registry_digest and registry_digest != digest:
        sys.exit(f"pull: manifest digest {digest} differs from the registry's {registry_digest}")
    if media_type not in (DOCKER_MANIFEST, OCI_MANIFEST):
        sys.exit(f"pull: expected a single-platform image manifest, got {media_type}")
    manifest = json.loads(body)
    tmpdir = args.out + ".blobs"
    os.makedirs(tmpdir, exist_ok=True)

    def blob(descriptor, suffix):
        algo, hexd = descriptor["digest"].split(":", 1)
        path = os.path.join(tmpdir, hexd + suffix)
        h = hashlib.sha256()
        size = 0
        with http_get(f"{base}/v2/{args.repository}/blobs/{descriptor['digest']}") as r, open(path, "wb") as f:
            for chunk in iter(lambda: r.read(1 << 20), b""):
                h.update(chunk)
                size += len(chunk)
                f.write(chunk)
        if algo != "sha256" or h.hexdigest() != hexd or size != descriptor["size"]:
            sys.exit(f"pull: blob {descriptor['digest']} arrived as sha256:{h.hexdigest()}, {size} bytes")
        return os.path.basename(path), path

    config_name, config_path = blob(manifest["config"], ".json")
    layers = [blob(layer, ".tar.gz") for layer in manifest["layers"]]
    ref = f"{args.repository}:{args.tag}"
    members = {config_name: config_path}
    members.update({name: path for name, path in layers})
    write_archive(args.out, [{"Config": config_name, "RepoTags": [ref], "Layers": [n for n, _ in layers]}], members)
    for _, path in [(config_name, config_path)] + layers:
        os.remove(path)
    os.rmdir(tmpdir)
    with open(args.out + ".digest", "w") as f:
        f.write(digest + "\n")
    print(f"pulled {ref} ({digest}, {media_type}) into {args.out}")


# ---------------------------------------------------------------------------------------- read


class Image:
    """A `docker save` archive: its config, and per layer the compressed size, the uncompressed
    size and the entries (name -> (TarInfo, sha256 of a regular file's content))."""

    def __init__(self, path):
        self.path = path
        self.tar = tarfile.open(path)
        self.manifest = json.load(self.tar.extractfile("manifest.json"))
        if len(self.manifest) != 1:
            raise SystemExit(f"{path}: {len(self.manifest)} images in one archive, expected 1")
        entry = self.manifest[0]
        self.config_name = entry["Config"]
        config_bytes = self.tar.extractfile(self.config_name).read()
        self.config_digest = "sha256:" + hashlib.sha256(config_bytes).hexdigest()
        self.config = json.loads(config_bytes)
        self.layer_names = entry["Layers"]

    def layers(self, with_content=False):
        """Yields (index, name, compressed size, compressed sha256, uncompressed sha256, uncompressed size, entries)."""
        for i, name in enumerate(self.layer_names):
            member = self.tar.getmember(name)
            raw = self.tar.extractfile(member).read()
            compressed_sha = hashlib.sha256(raw).hexdigest()
            data = gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw
            entries = {}
            with tarfile.open(fileobj=io.BytesIO(data)) as layer:
                for ti in layer:
                    content = None
                    if ti.isreg():
                        f = layer.extractfile(ti)
                        content = f.read() if with_content else hashlib.sha256(f.read()).hexdigest()
                    entries[norm(ti.name)] = (ti, content)
            yield i, name, len(raw), compressed_sha, hashlib.sha256(data).hexdigest(), len(data), entries


def parse_dockerfile(path):
    """The instructions of a Dockerfile that the image must agree with (the last of each kind)."""
    out = {}
    with open(path) as f:
        text = re.sub(r"\\\n", " ", f.read())
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        word, _, rest = line.partition(" ")
        word = word.upper()
        if word == "ENV":
            m = re.match(r'(\w+)=("(?:[^"\\]|\\.)*"|\S+)', rest.strip())
            if m:
                out.setdefault("ENV", {})[m.group(1)] = shlex.split(m.group(2))[0] if m.group(2).startswith('"') else m.group(2)
        elif word in ("ENTRYPOINT", "CMD"):
            out[word] = json.loads(rest)
        elif word == "EXPOSE":
            out[word] = sorted(rest.split())
        else:
            out[word] = rest.strip()
    return out


# ---------------------------------------------------------------------------------------- inspect

# Jib's layers for Quarkus' fast-jar (quarkus-container-image-jib), from the least to the most
# likely to change: the boot class path, the released libraries, the project's own modules (and any
# snapshot), quarkus-run.jar, the application's classes (app/) and Quarkus' build output (quarkus/).
APP_LAYERS = [
    ("fast-jar-boot-libs", r"deployments/lib/boot/[^/]+\.jar"),
    ("fast-jar-normal-libs", r"deployments/lib/main/[^/]+\.jar"),
    ("fast-jar-changing-libs", r"deployments/lib/main/io\.embedgate\.[^/]+\.jar"),
    ("fast-jar-run", r"deployments/quarkus-run\.jar"),
    ("fast-jar-quarkus-app", r"deployments/app/.+"),
    ("fast-jar-quarkus", r"deployments/quarkus/.+"),
]


def cmd_inspect(args):
    img = Image(args.archive)
    cfg = img.config
    c = cfg.get("config", {})
    env = dict(e.split("=", 1) for e in c.get("Env") or [])
    docker = parse_dockerfile(args.dockerfile)
    print(f"image {args.archive} (config {img.config_digest})")

    print("configuration (against " + args.dockerfile + "):")
    check(cfg.get("os") == "linux" and cfg.get("architecture") == "amd64",
          f"platform {cfg.get('os')}/{cfg.get('architecture')} is linux/amd64")
    check(c.get("Entrypoint") == docker["ENTRYPOINT"], f"Entrypoint {c.get('Entrypoint')} is the Dockerfile's {docker['ENTRYPOINT']}")
    check(not c.get("Cmd"), f"no Cmd (got {c.get('Cmd')})")
    java_opts = env.get("JAVA_OPTS", "")
    check(java_opts == docker["ENV"]["JAVA_OPTS"], f"JAVA_OPTS \"{java_opts}\" is the Dockerfile's")
    for flag in ("-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", "-XX:+UseSerialGC", "-Xms128m", "-Xmn64m",
                 "-Djdk.reflect.useNativeAccessorOnly=true"):
        check(flag in java_opts.split(), f"JAVA_OPTS has {flag}")
    user = c.get("User", "")
    check(user == docker["USER"] and user.isdigit() and int(user) != 0, f"User {user!r} is the Dockerfile's, numeric, not root")
    check(c.get("WorkingDir") == docker["WORKDIR"], f"WorkingDir {c.get('WorkingDir')} is the Dockerfile's")
    ports = sorted((c.get("ExposedPorts") or {}).keys())
    check(ports == [p if "/" in p else p + "/tcp" for p in docker["EXPOSE"]], f"ExposedPorts {ports} are the Dockerfile's")
    labels = c.get("Labels") or {}
    for key, want in (("org.opencontainers.image.title", "embedgate"),
                      ("org.opencontainers.image.version", args.version),
                      ("org.opencontainers.image.licenses", "Apache-2.0")):
        check(labels.get(key) == want, f"label {key}={labels.get(key)!r} (expected {want!r})")
    props = {}
    with open(args.properties) as f:
        for line in f:
            k, sep, v = line.strip().partition("=")
            if sep and not k.startswith("#"):
                props[k.strip()] = v.strip()
    base = props.get("quarkus.jib.base-jvm-image")
    check(base == docker["FROM"], f"the users' base, quarkus.jib.base-jvm-image={base}, is the Dockerfile's FROM {docker['FROM']}")
    print(f"  Env: {json.dumps(env)}")

    print("layers:")
    diff_ids = cfg["rootfs"]["diff_ids"]
    history = [h for h in cfg.get("history", []) if not h.get("empty_layer")]
    check(len(diff_ids) == len(img.layer_names) == len(history),
          f"{len(img.layer_names)} layers, {len(diff_ids)} diff_ids, {len(history)} history entries with a layer")
    files = {}  # the merged file system: path -> (TarInfo, sha256)
    sizes = []
    app_layers = []
    for i, name, csize, csha, usha, usize, entries in img.layers():
        check(name.startswith(csha), f"layer {i}: compressed content matches its digest")
        check(i < len(diff_ids) and diff_ids[i] == "sha256:" + usha, f"layer {i}: uncompressed content matches diff_id")
        comment = history[i].get("comment", "") if i < len(history) else ""
        sizes.append((i, comment or history[i].get("created_by", "") if i < len(history) else "", csize, usize, len(entries)))
        for path, (ti, sha) in entries.items():
            base = os.path.basename(path)
            if base == ".wh..wh..opq":
                parent = os.path.dirname(path)
                files = {p: v for p, v in files.items() if not p.startswith(parent + "/")}
            elif base.startswith(".wh."):
                gone = os.path.join(os.path.dirname(path), base[4:])
                files = {p: v for p, v in files.items() if p != gone and not p.startswith(gone + "/")}
            else:
                files[path] = (ti, sha)
        if comment.startswith("fast-jar-"):
            app_layers.append((comment, entries))

    print(f"  {'#':>2}  {'layer':<26} {'compressed':>12} {'uncompressed':>13} {'entries':>8}")
    for i, what, csize, usize, n in sizes:
        print(f"  {i:>2}  {what[:26]:<26} {mb(csize):>12} {mb(usize):>13} {n:>8}")
    total_c = sum(s[2] for s in sizes)
    total_u = sum(s[3] for s in sizes)
    app_c = sum(s[2] for s in sizes if s[1].startswith("fast-jar-"))
    app_u = sum(s[3] for s in sizes if s[1].startswith("fast-jar-"))
    print(f"  size: {mb(total_c)} compressed (what a registry stores and a pull downloads), {mb(total_u)} uncompressed;"
          f" the application's layers {mb(app_c)} / {mb(app_u)}, the base {mb(total_c - app_c)} / {mb(total_u - app_u)}")

    print("Jib's fast-jar layering:")
    got = [name for name, _ in app_layers]
    check(got == [n for n, _ in APP_LAYERS], f"the application's layers, in order: {got}")
    for (name, entries), (want, pattern) in zip(app_layers, APP_LAYERS):
        regs = [p for p, (ti, _) in entries.items() if ti.isreg()]
        check(bool(regs) and all(re.fullmatch(pattern, p) for p in regs), f"{name}: {len(regs)} files, all {pattern}")
        if name == "fast-jar-normal-libs":
            check(not any(re.fullmatch(APP_LAYERS[2][1], p) for p in regs), f"{name}: none of the project's own modules")

    print("the application (against " + args.app + "):")
    local = {}
    for dirpath, _, filenames in os.walk(args.app):
        for fn in filenames:
            rel = os.path.relpath(os.path.join(dirpath, fn), args.app)
            if rel.startswith(("lib/", "app/", "quarkus/")) or rel == "quarkus-run.jar":
                local["deployments/" + rel] = sha256_file(os.path.join(dirpath, fn))
    in_image = {p: sha for p, (ti, sha) in files.items() if p.startswith("deployments/") and ti.isreg()}
    check(set(in_image) == set(local), f"/deployments holds the build's {len(local)} files, no more, no fewer"
          + ("" if set(in_image) == set(local) else f": missing {sorted(set(local) - set(in_image))[:5]}, extra {sorted(set(in_image) - set(local))[:5]}"))
    check(all(in_image.get(p) == sha for p, sha in local.items()), "every file is byte for byte the build's")
    for must in ("deployments/quarkus-run.jar", "deployments/quarkus/quarkus-application.dat", "deployments/app/gateway-app-"
                 + args.version + ".jar"):
        check(must in in_image, f"/{must} is in the image")
    check(any(p.startswith("deployments/lib/main/") for p in in_image) and any(p.startswith("deployments/lib/boot/") for p in in_image),
          "/deployments/lib/boot and /deployments/lib/main are in the image")
    unreadable = [p for p, (ti, _) in files.items() if p.startswith("deployments/")
                  and (ti.mode & (0o005 if ti.isdir() else 0o004)) != (0o005 if ti.isdir() else 0o004)]
    check(not unreadable, f"the application is readable by user {user} (others: r for files, r-x for directories)"
          + (f": not {unreadable[:5]}" if unreadable else ""))

    print("the entrypoint's programs (in the merged file system):")
    path_dirs = env.get("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin").split(":")
    for prog in ("sh", "java"):
        found = [d + "/" + prog for d in path_dirs if resolve(files, (d + "/" + prog).lstrip("/"))]
        check(bool(found), f"{prog} is on the image's PATH" + (f" ({found[0]})" if found else ""))
    tmp = files.get("tmp")
    check(tmp is not None and tmp[0].isdir() and (tmp[0].mode & 0o1777) == 0o1777, "/tmp is world-writable with the sticky bit")

    summary("image-check")


def resolve(files, path, depth=0):
    """Whether path names a regular file in the merged file system, following symbolic links."""
    parts = path.split("/")
    cur = ""
    for i, part in enumerate(parts):
        cur = part if not cur else cur + "/" + part
        entry = files.get(cur)
        if entry is None:
            return False
        ti = entry[0]
        if ti.issym() and depth < 20:
            target = ti.linkname
            target = target.lstrip("/") if target.startswith("/") else os.path.normpath(os.path.join(os.path.dirname(cur), target))
            rest = "/".join(parts[i + 1:])
            return resolve(files, target + ("/" + rest if rest else ""), depth + 1)
        if ti.islnk():
            entry = files.get(norm(ti.linkname))
            ti = entry[0] if entry else ti
    return ti.isreg() and bool(ti.mode & 0o111)


# ---------------------------------------------------------------------------------------- unpack


def cmd_unpack(args):
    img = Image(args.archive)
    dest = os.path.realpath(args.dir)
    os.makedirs(dest, exist_ok=True)
    for i, name in enumerate(img.layer_names):
        raw = img.tar.extractfile(name).read()
        data = gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw
        with tarfile.open(fileobj=io.BytesIO(data)) as layer:
            members = []
            for ti in layer:
                rel = os.path.normpath(ti.name.lstrip("/"))
                if rel.startswith(".."):
                    raise SystemExit(f"unpack: {ti.name} leaves the root file system")
                parent = os.path.realpath(os.path.join(dest, os.path.dirname(rel)))
                if parent != dest and not parent.startswith(dest + "/"):
                    raise SystemExit(f"unpack: {ti.name} would be written outside {dest}")
                base = os.path.basename(rel)
                if base == ".wh..wh..opq":
                    d = os.path.join(dest, os.path.dirname(rel))
                    for child in os.listdir(d):
                        subprocess.run(["rm", "-rf", os.path.join(d, child)], check=True)
                    continue
                if base.startswith(".wh."):
                    subprocess.run(["rm", "-rf", os.path.join(dest, os.path.dirname(rel), base[4:])], check=True)
                    continue
                target = os.path.join(dest, rel)
                if os.path.lexists(target) and not (ti.isdir() and os.path.isdir(target)):
                    subprocess.run(["rm", "-rf", target], check=True)
                members.append(ti)
            kw = {"filter": "fully_trusted"} if hasattr(tarfile, "fully_trusted_filter") else {}
            layer.extractall(dest, members=members, numeric_owner=True, **kw)
    print(f"unpacked {len(img.layer_names)} layers into {dest}")


# ---------------------------------------------------------------------------------------- smoke


def cmd_smoke(args):
    if os.getpid() != 1 and not args.no_namespace_check:
        raise SystemExit("smoke: run me as PID 1 of new namespaces: unshare --mount --net --pid --fork --kill-child ...")
    img = Image(args.archive)
    c = img.config["config"]
    rootfs = os.path.realpath(args.dir)
    env = dict(e.split("=", 1) for e in c.get("Env") or [])
    key = "eg-" + secrets.token_hex(16)
    # What `docker run -e ...` would add: the gateway key (as its hash), and HOME as Docker sets it
    # for a user without an entry in /etc/passwd.
    env["GATEWAY_API_KEY_SHA256"] = hashlib.sha256(key.encode()).hexdigest()
    env.setdefault("HOME", "/")
    env.setdefault("HOSTNAME", "embedgate")
    argv = (c.get("Entrypoint") or []) + (c.get("Cmd") or [])
    user = c.get("User") or "0"
    uid, _, gid = user.partition(":")
    uid = int(uid)
    gid = int(gid) if gid else uid
    workdir = c.get("WorkingDir") or "/"
    port = int(sorted(c.get("ExposedPorts") or {"8080/tcp": {}})[0].split("/")[0])

    # A private loopback, /proc and /dev for the container, all gone with these namespaces.
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    subprocess.run(["mount", "-t", "proc", "proc", os.path.join(rootfs, "proc")], check=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", "mode=755,size=1m", "tmpfs", os.path.join(rootfs, "dev")], check=True)
    for dev in ("null", "zero", "full", "random", "urandom"):
        target = os.path.join(rootfs, "dev", dev)
        open(target, "w").close()
        subprocess.run(["mount", "--bind", "/dev/" + dev, target], check=True)

    log_path = args.log
    log = open(log_path, "wb")
    print(f"starting the image: chroot, user {uid}:{gid}, cwd {workdir}, {json.dumps(argv)}")
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:
        try:
            os.dup2(log.fileno(), 1)
            os.dup2(log.fileno(), 2)
            os.chroot(rootfs)
            os.chdir(workdir)
            os.setgroups([])
            os.setgid(gid)
            os.setuid(uid)
            program = shutil.which(argv[0], path=env.get("PATH", "/usr/bin:/bin")) if "/" not in argv[0] else argv[0]
            if program is None:
                os.write(2, f"{argv[0]}: not found on the image's PATH\n".encode())
            else:
                os.execve(program, argv, env)
        finally:
            os._exit(127)

    base = f"http://127.0.0.1:{port}"

    def call(path, body=None, auth=True):
        headers = {"Content-Type": "application/json"}
        if auth:
            headers["Authorization"] = "Bearer " + key
        req = urllib.request.Request(base + path, data=json.dumps(body).encode() if body else None, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                return r.status, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.read()

    status = None  # the gateway's wait status, once it has exited
    try:
        ready = None
        deadline = time.monotonic() + args.timeout
        while time.monotonic() < deadline:
            done, st = os.waitpid(pid, os.WNOHANG)
            if done:
                status = st
                check(False, f"the gateway is still running (it exited: wait status {st})")
                break
            try:
                code, _ = call("/q/health/ready", auth=False)
                if code == 200:
                    ready = time.monotonic() - started
                    break
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            time.sleep(0.25)
        if check(ready is not None, f"GET /q/health/ready is 200 (after {ready:.1f} s)" if ready else "GET /q/health/ready is 200"):
            proc = os.path.join(rootfs, "proc", str(pid))  # the /proc of these namespaces
            with open(proc + "/status") as f:
                uids = next(l.split()[1:] for l in f if l.startswith("Uid:"))
            check(uids == [str(uid)] * 4, f"the process runs as uid {uid} (real, effective, saved, file system: {uids})")
            with open(proc + "/cmdline", "rb") as f:
                cmdline = [a.decode() for a in f.read().split(b"\0") if a]
            want = ["java"] + env.get("JAVA_OPTS", "").split() + ["-jar", "quarkus-run.jar"]
            check(cmdline == want, f"the shell exec'd java with JAVA_OPTS, as PID {pid}: {' '.join(cmdline)}")
            cwd = os.readlink(proc + "/cwd")
            check(cwd == os.path.join(rootfs, workdir.lstrip("/")), f"its working directory is {workdir} ({cwd})")
            # -XX:MaxRAMPercentage=75 reached the JVM: the gateway logs its maximum heap, and with no
            # memory limit here the JVM takes 75% of the machine's memory.
            with open("/proc/meminfo") as f:
                total_mb = int(next(l.split()[1] for l in f if l.startswith("MemTotal:"))) / 1024
            with open(log_path, "rb") as f:
                m = re.search(rb"heap max (\d+) MB", f.read())
            heap = int(m.group(1)) if m else 0
            percent = re.search(r"-XX:MaxRAMPercentage=(\d+)", env.get("JAVA_OPTS", ""))
            want_heap = total_mb * int(percent.group(1)) / 100 if percent else -1
            check(abs(heap - want_heap) < 0.03 * want_heap,
                  f"the maximum heap is MaxRAMPercentage of the memory: {heap} MB of {total_mb:.0f} MB")

            code, body = call("/v1/models", auth=False)
            check(code == 401, f"GET /v1/models without a key is 401 (got {code})")
            code, body = call("/v1/models")
            models = [m.get("id") for m in json.loads(body).get("data", [])] if code == 200 else []
            check(code == 200 and "all-minilm-l6-v2" in models, f"GET /v1/models is 200 and lists all-minilm-l6-v2 (got {code}: {models})")
            code, body = call("/v1/embeddings", {"model": "all-minilm-l6-v2", "input": ["first text", "second text"]})
            data = json.loads(body).get("data", []) if code == 200 else []
            dims = [len(d.get("embedding", [])) for d in data]
            check(code == 200 and dims == [384, 384],
                  f"POST /v1/embeddings with the in-process model (ONNX Runtime's native library in the image) is 200 with 2 x 384 floats (got {code}: {dims or body[:300]})")
    finally:
        if status is None:
            os.kill(pid, signal.SIGTERM)
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                done, st = os.waitpid(pid, os.WNOHANG)
                if done:
                    status = st
                    break
                time.sleep(0.2)
            if status is None:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                check(False, "SIGTERM stops it (it did not stop in 30 s)")
            else:
                got = f"exit code {os.WEXITSTATUS(status)}" if os.WIFEXITED(status) else f"signal {os.WTERMSIG(status)}"
                check(os.WIFEXITED(status) and os.WEXITSTATUS(status) == 143, f"SIGTERM stops it with exit code 143 (got {got})")
        log.close()
    if failures:
        print(f"the gateway's output ({log_path}), its end:")
        with open(log_path, "rb") as f:
            sys.stdout.write(f.read()[-4000:].decode(errors="replace"))
    summary("image-run")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("base")
    b.add_argument("rootfs")
    b.add_argument("out")
    b.add_argument("--env", action="append", default=[])
    b.add_argument("--label", action="append", default=[])
    pl = sub.add_parser("pull")
    pl.add_argument("registry")
    pl.add_argument("repository")
    pl.add_argument("tag")
    pl.add_argument("out")
    i = sub.add_parser("inspect")
    i.add_argument("archive")
    i.add_argument("--dockerfile", required=True)
    i.add_argument("--app", required=True)
    i.add_argument("--version", required=True)
    i.add_argument("--properties", required=True, help="the application.properties that sets quarkus.jib.*")
    u = sub.add_parser("unpack")
    u.add_argument("archive")
    u.add_argument("dir")
    s = sub.add_parser("smoke")
    s.add_argument("archive")
    s.add_argument("dir")
    s.add_argument("--log", required=True)
    s.add_argument("--timeout", type=float, default=180)
    s.add_argument("--no-namespace-check", action="store_true")
    a = p.parse_args()
    {"base": cmd_base, "pull": cmd_pull, "inspect": cmd_inspect, "unpack": cmd_unpack, "smoke": cmd_smoke}[a.cmd](a)


if __name__ == "__main__":
    main()
