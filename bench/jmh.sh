#!/usr/bin/env bash
# JMH micro-benchmarks of the hot paths. Arguments go to JMH, e.g.:
#   bench/jmh.sh                      # everything
#   bench/jmh.sh FloatText -f 1 -wi 2 # one class, fewer warm-up iterations
set -euo pipefail
cd "$(dirname "$0")/.."
# One reactor run: the classpath then points at this checkout's freshly built modules (nothing is
# installed into ~/.m2, so an older installed snapshot can never be benchmarked by mistake).
mvn -q -B -DskipTests package -pl bench -am dependency:build-classpath -Dmdep.outputFile="$PWD/bench/target/jmh-classpath.txt"
exec java -cp "bench/target/classes:$(cat bench/target/jmh-classpath.txt)" org.openjdk.jmh.Main "$@"
