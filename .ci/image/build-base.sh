#!/usr/bin/env bash
# Builds the small JVM base image that CI gives Jib in place of the production default
# (eclipse-temurin:17-jre, which CI cannot pull): a Java 17 runtime made with jlink from the build's
# own JDK, on a root filesystem of a few Debian packages' files. Written as a `docker save` archive,
# which Jib reads with -Dquarkus.jib.base-jvm-image=tar://<file>.
#
#   .ci/image/build-base.sh OUT.tar
#
# It mirrors what the production base provides to the image: `sh` (the entrypoint runs
# `sh -c "exec java $JAVA_OPTS ..."`), `java` on the PATH under /opt/java/openjdk, a CA bundle for
# TLS to the providers, a world-writable /tmp (the local model unpacks its native libraries there),
# and no user 185 in /etc/passwd, as in eclipse-temurin.
set -euo pipefail
out=${1:?usage: build-base.sh OUT.tar}
here=$(cd "$(dirname "$0")" && pwd)
jdk=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}
[ -x "$jdk/bin/jlink" ] && [ -d "$jdk/jmods" ] || { echo "build-base: $jdk has no jlink/jmods (a full JDK 17 is needed)" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rootfs=$work/rootfs
mkdir -p "$rootfs" "$work/debs"

# The C runtime and what the JVM and the JNI libraries in the app (ONNX Runtime, the tokenizer,
# Netty's epoll) link against: libc6, libgcc-s1, libstdc++6, zlib1g; dash for /bin/sh.
debs=(libc6 libgcc-s1 libstdc++6 zlib1g dash)
(cd "$work/debs" && { apt-get download "${debs[@]}" >/dev/null 2>&1 \
    || { apt-get update -qq && apt-get download "${debs[@]}" >/dev/null; }; })
for deb in "$work"/debs/*.deb; do dpkg-deb -x "$deb" "$rootfs"; done
# Documentation and the iconv modules (unused by the JVM) are left out.
rm -rf "$rootfs"/usr/share/doc "$rootfs"/usr/share/man "$rootfs"/usr/share/info "$rootfs"/usr/share/lintian \
       "$rootfs"/usr/lib/x86_64-linux-gnu/gconv "$rootfs"/usr/share/locale

# The Java SE modules and the JDK modules a server uses at run time (elliptic-curve TLS, PKCS#11,
# the zip file system, DNS, JMX/JFR for metrics, sun.misc.Unsafe for Netty, extra charsets, socket options).
mkdir -p "$rootfs/opt/java"
"$jdk/bin/jlink" --add-modules java.se,jdk.unsupported,jdk.management,jdk.jfr,jdk.crypto.ec,jdk.crypto.cryptoki,jdk.zipfs,jdk.naming.dns,jdk.charsets,jdk.net \
    --strip-debug --no-header-files --no-man-pages --compress=2 --output "$rootfs/opt/java/openjdk"

mkdir -p "$rootfs/etc" "$rootfs/tmp" "$rootfs/root" "$rootfs/proc" "$rootfs/dev" "$rootfs/sys"
chmod 1777 "$rootfs/tmp"
chmod 700 "$rootfs/root"
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n' > "$rootfs/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$rootfs/etc/group"
printf 'passwd: files\ngroup: files\nhosts: files dns\n' > "$rootfs/etc/nsswitch.conf"
printf '127.0.0.1 localhost\n::1 localhost ip6-localhost ip6-loopback\n' > "$rootfs/etc/hosts"

python3 "$here/image.py" base "$rootfs" "$out" \
    --env PATH=/opt/java/openjdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    --env JAVA_HOME=/opt/java/openjdk --env LANG=C.UTF-8 \
    --label "org.opencontainers.image.description=embedgate CI base: jlink'd $("$jdk/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.runtime.version = //p') on Debian ${debs[*]}"
