#!/usr/bin/env bash
# Resident memory and refresh throughput of the packaged service under several JVM settings, side by
# side in one run: for each setting, start the service (prod profile, one database for the whole run,
# the per-address limits off: all load comes from 127.0.0.1),
# mint POOL refresh tokens, run the refresh scenario (../shared/bench/refresh.lua, wrk, CONNS
# connections) for SECONDS_EACH seconds, then print req/s, p99, resident memory (RSS) after the load,
# and start-to-ready.
#   bench/footprint.sh 'NAME=JVM OPTIONS' ...     e.g. 'default=' 'serial128=-XX:+UseSerialGC -Xmx128m'
# A setting may start with ENV=VALUE words before the JVM options, e.g.
#   'serial=MALLOC_ARENA_MAX=2 -XX:+UseSerialGC -Xmx96m'
# and APP=DIR among them runs another build (a quarkus-app directory) than target/quarkus-app, e.g.
#   bench/footprint.sh 'before=APP=/tmp/base/target/quarkus-app' 'single=AUTH_TOKENS_GROUP_COMMIT_MAX_SIZE=1' 'after='
# With LONE_SECONDS > 0, each setting then refreshes one session at a time (wrk, 1 connection, 50 of
# the POOL sessions kept aside) for that long and prints that lone refresh's median and mean latency
# (the cost group commit may add at low load).
# env: JAVA_HOME, CONNS (16), SECONDS_EACH (60), POOL (400), LONE_SECONDS (0). Needs wrk and the local
# PostgreSQL; uses 127.0.0.1 only and stops everything it started.
set -euo pipefail
command -v wrk >/dev/null || { echo "footprint: wrk is missing (apt-get install wrk)" >&2; exit 2; }
cd "$(dirname "$0")/.."
shared=${SHARED:-../shared/bench}
java=${JAVA_HOME:+$JAVA_HOME/bin/}java
CONNS=${CONNS:-16} SECS=${SECONDS_EACH:-60} POOL=${POOL:-400} LONE=${LONE_SECONDS:-0}
PASSWORD=correct-horse-battery
[[ -f target/quarkus-app/quarkus-run.jar ]] || ./mvnw -q -B package -DskipTests
. bench/scratch.sh footprint

start() { # "ENV=V ... -jvm -options"
  local envs=() opts=() w app=target/quarkus-app
  for w in $1; do
    if [[ $w == APP=* ]]; then app=${w#APP=}; elif [[ $w == [A-Z_]*=* ]]; then envs+=("$w"); else opts+=("$w"); fi
  done
  local t0; t0=$(date +%s%N)
  env "${envs[@]}" QUARKUS_DATASOURCE_REACTIVE_URL=postgresql://127.0.0.1:5432/$db \
    QUARKUS_DATASOURCE_JDBC_URL=jdbc:postgresql://127.0.0.1:5432/$db QUARKUS_DATASOURCE_USERNAME=postgres \
    AUTH_ISSUER=http://127.0.0.1:8080 AUTH_KEYS_ENCRYPTION_KEY="$kek" QUARKUS_LOG_CATEGORY__AUDIT__LEVEL=WARN \
    AUTH_PASSWORDS_ARGON2_MEMORY_KIB=7168 AUTH_PASSWORDS_ARGON2_ITERATIONS=5 AUTH_PASSWORDS_ARGON2_PARALLELISM=1 \
    AUTH_RATE_LIMIT_REQUESTS_PER_SECOND=0 AUTH_PASSWORDS_HASHING_PER_ADDRESS=1000 \
    "$java" "${opts[@]}" -jar "$app/quarkus-run.jar" >"$work/service.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 600); do curl -sf -o /dev/null http://127.0.0.1:9000/q/health/ready && break; sleep 0.05; done
  ready_ms=$((($(date +%s%N) - t0) / 1000000))
}

printf '%-14s %10s %9s %9s %9s %9s %9s  %s\n' setting refresh/s p99 rss_MiB ready_ms lone_p50 lone_avg options
for setting in "$@"; do
  name=${setting%%=*} opts=${setting#*=}
  start "$opts"
  for i in $(seq 0 49); do
    curl -s -o /dev/null -H 'Content-Type: application/json' \
      -d "{\"username\":\"bench$i\",\"password\":\"$PASSWORD\"}" http://127.0.0.1:8080/users
  done
  seq 0 $((POOL - 1)) | xargs -P 4 -I{} sh -c '{ curl -s -d grant_type=password -d client_id=web \
      -d "username=bench$(({} % 50))" -d "password=$0" http://127.0.0.1:8080/oauth2/token; echo; } \
      | sed -n "s/.*\"refresh_token\" *: *\"\([^\"]*\)\".*/\1/p"' "$PASSWORD" >"$work/rt"
  if ((LONE > 0)); then head -50 "$work/rt" >"$work/lone"; sed -i 1,50d "$work/rt"; fi
  out=$(TOKENS_FILE=$work/rt wrk -t1 -c"$CONNS" -d"${SECS}s" --latency -s "$shared/refresh.lua" \
      http://127.0.0.1:8080/oauth2/token)
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out"); p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  bad=$(awk '/Non-2xx/ {print $5}' <<<"$out")
  lone_p50=- lone_avg=-
  if ((LONE > 0)); then
    lone=$(TOKENS_FILE=$work/lone wrk -t1 -c1 -d"${LONE}s" --latency -s "$shared/refresh.lua" http://127.0.0.1:8080/oauth2/token)
    lone_p50=$(awk '$1=="50%" {print $2}' <<<"$lone"); lone_avg=$(awk '$1=="Latency" {print $2; exit}' <<<"$lone")
    bad=$bad$(awk '/Non-2xx/ {print " lone:" $5}' <<<"$lone")
  fi
  rss=$(($(ps -o rss= -p "$pid") / 1024))
  printf '%-14s %10s %9s %9s %9s %9s %9s  %s%s\n' "$name" "$rps" "$p99" "$rss" "$ready_ms" "$lone_p50" "$lone_avg" \
    "${opts:-(default ergonomics)}" \
    "${bad:+ [non-2xx: $bad]}"
  grep -m1 'crypto:' "$work/service.log" | sed 's/.*crypto:/    crypto:/; s/".*//' || true
  stop
done
"$java" -version 2>&1 | head -1
