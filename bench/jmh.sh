#!/usr/bin/env bash
# JMH micro-benchmarks of the hot paths. Arguments go to JMH, e.g.:
#   bench/jmh.sh                      # everything
#   bench/jmh.sh FloatText -f 1 -wi 2 # one class, fewer warm-up iterations
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -B -DskipTests install -pl bench -am
mvn -q -B -pl bench dependency:build-classpath -Dmdep.outputFile="$PWD/bench/target/jmh-classpath.txt"
exec java -cp "bench/target/classes:$(cat bench/target/jmh-classpath.txt)" org.openjdk.jmh.Main "$@"
