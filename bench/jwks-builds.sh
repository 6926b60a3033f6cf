#!/usr/bin/env bash
# JWKS requests a second of packaged builds side by side in one run, to see whether a change costs
# anything per request (the JWKS answer is the cheapest: what remains is the HTTP path and the
# guards). For each round, each build in turn: start on one scratch database, warm up 10 s, then
# wrk for SECONDS_EACH; prints every figure and each build's ratio to the first.
#   bench/jwks-builds.sh 'NAME|QUARKUS_APP_DIR' ...   e.g. 'before|/tmp/before/quarkus-app' 'after|target/quarkus-app'
# env: ROUNDS (3), SECONDS_EACH (20), CONNS (16), JAVA_HOME, SERVICE_JAVA_OPTS (the image's).
# Needs wrk and the local PostgreSQL; uses 127.0.0.1 only and stops everything it started.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-3} SECONDS_EACH=${SECONDS_EACH:-20} CONNS=${CONNS:-16}
java=${JAVA_HOME:+$JAVA_HOME/bin/}java
SERVICE_JAVA_OPTS=${SERVICE_JAVA_OPTS--XX:+UseSerialGC -Xmx128m -Xss512k -XX:ReservedCodeCacheSize=64m}
export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX-2}
. bench/scratch.sh jwks

run() { # dir -> req/s
  (cd "$1" && exec env QUARKUS_DATASOURCE_REACTIVE_URL=postgresql://127.0.0.1:5432/$db \
    QUARKUS_DATASOURCE_JDBC_URL=jdbc:postgresql://127.0.0.1:5432/$db QUARKUS_DATASOURCE_USERNAME=postgres \
    AUTH_ISSUER=http://127.0.0.1:8080 AUTH_KEYS_ENCRYPTION_KEY="$kek" QUARKUS_LOG_CATEGORY__AUDIT__LEVEL=WARN \
    "$java" $SERVICE_JAVA_OPTS -jar quarkus-run.jar >"$work/service.log" 2>&1) &
  pid=$!
  for _ in $(seq 1 1500); do curl -sf -o /dev/null http://127.0.0.1:9000/q/health/ready && break; sleep 0.02; done
  wrk -t2 -c"$CONNS" -d10s http://127.0.0.1:8080/.well-known/jwks.json >/dev/null
  wrk -t2 -c"$CONNS" -d"${SECONDS_EACH}s" http://127.0.0.1:8080/.well-known/jwks.json |
    awk '/Requests\/sec/ {print $2}'
  stop
}

declare -A all
for r in $(seq 1 "$ROUNDS"); do
  for build in "$@"; do
    IFS='|' read -r name dir <<<"$build"
    rps=$(run "$dir"); all[$name]+="$rps "
    echo "round $r  $name  $rps req/s"
  done
done
IFS='|' read -r first _ <<<"$1"
base=$(tr ' ' '\n' <<<"${all[$first]}" | grep . | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
for build in "$@"; do
  IFS='|' read -r name _ <<<"$build"
  med=$(tr ' ' '\n' <<<"${all[$name]}" | grep . | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  printf '%-12s median %10s req/s  %5.2fx of %s  (%s)\n' "$name" "$med" "$(echo "$med / $base" | bc -l)" "$first" "${all[$name]}"
done
echo "$("$java" -version 2>&1 | head -1); $SERVICE_JAVA_OPTS; MALLOC_ARENA_MAX=$MALLOC_ARENA_MAX; $CONNS connections"
