#!/usr/bin/env bash
# Start to ready of packaged builds on a warm database, side by side in one run: for each build,
# RUNS starts (alternating between the builds), each measured from the process' launch to the first
# 200 of /q/health/ready (polled every 20 ms); prints the median and the range, and the RSS once ready.
#   bench/start.sh 'NAME|QUARKUS_APP_DIR|JAVA_HOME|JVM OPTIONS' ...
#   e.g. 'jdk17|target/quarkus-app|/usr/lib/jvm/java-17-openjdk-amd64|-XX:+UseSerialGC'
# The JVM runs in the build's directory (AppCDS and AOT cache paths are relative to it). Copy a build
# with `cp -a`: an archive is used only while the jars keep their modification times (the JVM logs that
# at -Xlog:cds and carries on without it), so pass -Xshare:on / -XX:AOTMode=on to make a stale archive
# fail instead. The first start of the run migrates the database and is not counted.
# env: RUNS (5). Needs the local PostgreSQL; uses 127.0.0.1 only and stops everything it started.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
. bench/scratch.sh start

start() { # dir java_home opts -> ready_ms rss_MiB
  local dir=$1 home=$2 opts=$3 t0
  t0=$(date +%s%N)
  (cd "$dir" && exec env QUARKUS_DATASOURCE_REACTIVE_URL=postgresql://127.0.0.1:5432/$db \
    QUARKUS_DATASOURCE_JDBC_URL=jdbc:postgresql://127.0.0.1:5432/$db QUARKUS_DATASOURCE_USERNAME=postgres \
    AUTH_ISSUER=http://127.0.0.1:8080 AUTH_KEYS_ENCRYPTION_KEY="$kek" \
    "$home/bin/java" $opts -jar quarkus-run.jar >"$work/service.log" 2>&1) &
  pid=$!
  local ok=
  for _ in $(seq 1 1500); do
    if curl -sf -o /dev/null http://127.0.0.1:9000/q/health/ready; then ok=1; break; fi
    sleep 0.02
  done
  local ms=$((($(date +%s%N) - t0) / 1000000))
  [[ -n $ok ]] || { echo "start: $dir did not become ready" >&2; tail -20 "$work/service.log" >&2; exit 1; }
  echo "$ms $(($(ps -o rss= -p "$pid") / 1024))"
  stop
}

IFS='|' read -r _ dir home opts <<<"$1"; start "$dir" "$home" "$opts" >/dev/null  # migrate, not counted
declare -A times rss
for r in $(seq 1 "$RUNS"); do
  for build in "$@"; do
    IFS='|' read -r name dir home opts <<<"$build"
    read -r ms mib <<<"$(start "$dir" "$home" "$opts")"
    times[$name]+="$ms "; rss[$name]=$mib
  done
done
printf '%-22s %10s %16s %12s  %s\n' build median_ms range_ms rss_MiB "java, options"
for build in "$@"; do
  IFS='|' read -r name dir home opts <<<"$build"
  read -r med lo hi <<<"$(tr ' ' '\n' <<<"${times[$name]}" | grep . | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)], a[1], a[NR]}')"
  printf '%-22s %10s %16s %12s  %s\n' "$name" "$med" "$lo-$hi" "${rss[$name]}" \
    "$("$home/bin/java" -version 2>&1 | head -1 | cut -d'"' -f2) $opts"
done
