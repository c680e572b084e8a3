#!/usr/bin/env bash
# Builds the JVM container image with Jib exactly as `mvn package -Pimage` does for users, with no
# Docker daemon and no remote registry, then inspects it and, where namespaces can be made, runs it.
#
#   .ci/check-image.sh            (MVN_ARGS="-o" for an offline Maven)
#
# 1. The base: the production default (eclipse-temurin:17-jre) needs a registry this build may not
#    reach, so the image is built on a small local base instead (.ci/image/build-base.sh: a jlink'd
#    Java 17 on a few Debian packages), given to Jib as tar://. Only the base differs from the
#    users' build: the Quarkus/Jib configuration is the same (application.properties).
# 2. The image: Jib pushes it to a registry on loopback (Debian's docker-registry, storage under
#    gateway-app/target/image/), from which .ci/image/image.py copies it into a `docker save` archive,
#    gateway-app/target/image/embedgate-jvm.tar (docker load / podman load take it), every digest checked.
# 3. The checks (.ci/image/image.py inspect): entrypoint, JAVA_OPTS, user, working directory, port and
#    labels against deploy/docker/Dockerfile.jvm; Jib's fast-jar layers; /deployments byte for byte the
#    build's quarkus-app; sh and java on the PATH; the sizes.
# 4. The run (.ci/image/image.py smoke), as root where unshare works: the image's root file system is
#    unpacked and the gateway started from it the way a container runtime would (chroot, user 185,
#    /deployments, the image's environment and entrypoint, private network, PID and mount
#    namespaces; no cgroups), asked for readiness, models and embeddings, and stopped with SIGTERM.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$SECONDS

out=gateway-app/target/image
cache=${XDG_CACHE_HOME:-$HOME/.cache}/embedgate-ci-image
mkdir -p "$out" "$cache"
out=$(cd "$out" && pwd)
read -r -a mvn_args <<<"${MVN_ARGS:-}"

step() { echo "== check-image: $* ($((SECONDS - started)) s)"; }

# What this needs besides the build's JDK and Maven: Debian's tools (apt-get, dpkg-deb), python3 and
# curl, and for the run iproute2 (`ip`, to bring up the private loopback).
missing=()
command -v curl >/dev/null || missing+=(curl)
command -v ip >/dev/null || missing+=(iproute2)
if [ ${#missing[@]} -gt 0 ] && [ "$(id -u)" = 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# --- 1. the base, cached by what makes it: this script's recipe and the JDK it is jlink'd from
jdk=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}
key=$(cat .ci/image/build-base.sh .ci/image/image.py "$jdk/release" | sha256sum | cut -c1-16)
base=$cache/base-$key.tar
if [ ! -s "$base" ]; then
  step "building the base image"
  rm -rf "$cache"/base-*.tar "$cache/jib-base-layers"
  .ci/image/build-base.sh "$base"
else
  step "base image from the cache: $base"
fi

# --- 2. a registry on loopback, for Jib to push to
registry_bin=$cache/docker-registry/usr/bin/docker-registry
if [ ! -x "$registry_bin" ]; then
  step "fetching Debian's docker-registry (unpacked, not installed: no service is set up)"
  tmp=$(mktemp -d)
  (cd "$tmp" && { apt-get download docker-registry >/dev/null 2>&1 \
      || { apt-get update -qq && apt-get download docker-registry >/dev/null; }; })
  rm -rf "$cache/docker-registry"
  dpkg-deb -x "$tmp"/docker-registry_*.deb "$cache/docker-registry"
  rm -rf "$tmp"
fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
rm -rf "$out/registry" "$out/jib-cache"
cat >"$out/registry.yml" <<EOF
version: 0.1
log: { level: warn }
storage: { filesystem: { rootdirectory: $out/registry } }
http: { addr: 127.0.0.1:$port }
EOF
"$registry_bin" serve "$out/registry.yml" >"$out/registry.log" 2>&1 &
registry_pid=$!
trap 'kill $registry_pid 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$port/v2/" >/dev/null 2>&1 && break
  kill -0 $registry_pid 2>/dev/null || { cat "$out/registry.log"; exit 1; }
  sleep 0.1
done
step "registry on 127.0.0.1:$port"

# --- the image: the users' build (-Pimage), with CI's base and destination
image=127.0.0.1:$port/embedgate:jvm
step "mvn package -Pimage (base tar://$base, pushed to $image)"
mvn -B -ntp "${mvn_args[@]}" -DskipTests -Pimage -pl gateway-app -am package \
    -Dquarkus.jib.base-jvm-image="tar://$base" \
    -Dquarkus.container-image.image="$image" \
    -Dquarkus.container-image.push=true \
    -Dquarkus.container-image.insecure=true \
    -Dquarkus.jib.base-image-layers-cache="$cache/jib-base-layers" \
    -Dquarkus.jib.application-layers-cache="$out/jib-cache" \
    | tee "$out/build.log" | grep -E "ERROR|BUILD|jib|container image|\[io.quarkus.container" || true
grep -q "BUILD SUCCESS" "$out/build.log" || { tail -50 "$out/build.log"; exit 1; }

python3 .ci/image/image.py pull "http://127.0.0.1:$port" embedgate jvm "$out/embedgate-jvm.tar"
kill $registry_pid 2>/dev/null || true
wait $registry_pid 2>/dev/null || true
trap - EXIT
rm -rf "$out/registry"

# --- 3. what the image is
version=$(sed -n 's|^  <version>\(.*\)</version>|\1|p' pom.xml | head -1)
step "inspecting the image"
python3 .ci/image/image.py inspect "$out/embedgate-jvm.tar" \
    --dockerfile deploy/docker/Dockerfile.jvm --app gateway-app/target/quarkus-app --version "$version" \
    --properties gateway-app/src/main/resources/application.properties | tee "$out/inspect.log"

# --- 4. that it runs
if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null && command -v ip >/dev/null \
    && unshare --mount --net --pid --fork --kill-child true 2>/dev/null; then
  step "starting the image from its root file system"
  rm -rf "$out/rootfs"
  python3 .ci/image/image.py unpack "$out/embedgate-jvm.tar" "$out/rootfs"
  unshare --mount --net --pid --fork --kill-child \
      python3 .ci/image/image.py smoke "$out/embedgate-jvm.tar" "$out/rootfs" --log "$out/gateway.log" | tee "$out/smoke.log"
  rm -rf "$out/rootfs"
else
  rm -f "$out/smoke.log"
  echo "check-image: NOT started: running the image needs root, unshare and ip (namespaces); the checks above still hold"
fi
step "done: $out/embedgate-jvm.tar ($(du -m "$out/embedgate-jvm.tar" | cut -f1) MB)"
echo "check-image: $(cat "$out/inspect.log" "$out"/smoke.log 2>/dev/null | grep -c '^  ok ') passed, 0 failed"
