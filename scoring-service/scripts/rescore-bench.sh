#!/usr/bin/env bash
# Runs the re-score / latency harness (dev.headroom.scoring.bench.RescoreBenchmark) on embedded PostgreSQL
# (or HEADROOM_TEST_DATABASE_URL). Arguments are passed through, e.g.:
#   scoring-service/scripts/rescore-bench.sh --accounts 1000000 --changes 300
set -euo pipefail
cd "$(dirname "$0")/../.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
./mvnw -B -q -o -pl scoring-service test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
mkdir -p scoring-service/target/tmp
exec "$JAVA_HOME/bin/java" -Xmx4g --enable-native-access=ALL-UNNAMED \
  -Djava.io.tmpdir="$PWD/scoring-service/target/tmp" \
  -cp "scoring-service/target/test-classes:scoring-service/target/classes:$(cat scoring-service/target/bench.classpath)" \
  dev.headroom.scoring.bench.RescoreBenchmark "$@"
