#!/usr/bin/env bash
# Start to ready of container images side by side in one run: RUNS starts per image (alternating
# between the images), each from `podman run` to the first 200 of /q/health/ready (polled every
# 20 ms), as CI runs the service (.ci/container-smoke: --network=host, the Deployment's memory limit,
# the image's JVM settings, the migrations applied beforehand by the first image's `migrate` step, not
# counted). Prints the median and range, and the JVM's resident memory once ready.
#   bench/container-start.sh IMAGE[|PODMAN RUN OPTIONS]...
#   e.g. localhost/auth-service:ci 'localhost/auth-service:ci|-e QUARKUS_FLYWAY_VALIDATE_AT_START=true'
# env: RUNS (5), HTTP_PORT (18481), MANAGEMENT_PORT (19481), DB (container_start), CONTAINERS_CONF (as
# .ci/container-smoke writes it). Run as root; uses the local PostgreSQL and removes what it made.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
HTTP_PORT=${HTTP_PORT:-18481}
MANAGEMENT_PORT=${MANAGEMENT_PORT:-19481}
DB=${DB:-container_start}
export CONTAINERS_CONF=${CONTAINERS_CONF:-/var/cache/auth-service-ci/containers.conf}
NAME=auth-service-start-$$
memory=$(awk '/limits:/ {limits = 1} limits && /memory:/ {print $2; exit}' deploy/base/deployment.yaml)

psql -h 127.0.0.1 -U postgres -d postgres -qc "drop database if exists $DB" -c "create database $DB" >/dev/null
cleanup() {
  podman rm -f -t 0 "$NAME" >/dev/null 2>&1 || true
  psql -h 127.0.0.1 -U postgres -d postgres -qc "drop database if exists $DB" >/dev/null 2>&1 || true
}
trap cleanup EXIT
env_common=(-e AUTH_ISSUER=http://127.0.0.1:$HTTP_PORT -e AUTH_KEYS_ENCRYPTION_KEY="$(openssl rand -base64 32)"
  -e QUARKUS_DATASOURCE_REACTIVE_URL="postgresql://127.0.0.1:5432/$DB"
  -e QUARKUS_DATASOURCE_JDBC_URL="jdbc:postgresql://127.0.0.1:5432/$DB" -e QUARKUS_DATASOURCE_USERNAME=postgres
  -e QUARKUS_HTTP_PORT="$HTTP_PORT" -e QUARKUS_MANAGEMENT_PORT="$MANAGEMENT_PORT")
podman run --rm --network=host "${env_common[@]}" -e QUARKUS_FLYWAY_MIGRATE_AT_START=true "${1%%|*}" migrate >/dev/null 2>&1 \
  || { echo "container-start: the migration step failed" >&2; exit 1; }

start() { # image[|options] -> ready_ms rss_MiB
  local image=${1%%|*} options= t0 ms ok= pid java_pid rss
  [[ $1 == *'|'* ]] && options=${1#*|}
  t0=$(date +%s%N)
  # shellcheck disable=SC2086
  podman run -d --name "$NAME" --network=host --memory="${memory%i}" "${env_common[@]}" \
    -e QUARKUS_FLYWAY_MIGRATE_AT_START=false $options "$image" >/dev/null
  for _ in $(seq 1 3000); do
    if curl -sf -o /dev/null "http://127.0.0.1:$MANAGEMENT_PORT/q/health/ready"; then ok=1; break; fi
    sleep 0.02
  done
  ms=$((($(date +%s%N) - t0) / 1000000))
  [[ -n $ok ]] || { podman logs "$NAME" 2>&1 | tail -20 >&2; echo "container-start: $1 did not become ready" >&2; exit 1; }
  pid=$(podman inspect -f '{{.State.Pid}}' "$NAME")
  java_pid=$(pgrep -P "$pid" java || echo "$pid")
  rss=$(awk '/^VmRSS/ {print int($2 / 1024)}' "/proc/$java_pid/status")
  podman rm -f -t 0 "$NAME" >/dev/null
  echo "$ms $rss"
}

start "$1" >/dev/null # a warm database and page cache; not counted
declare -A times rss
for _ in $(seq 1 "$RUNS"); do
  for image in "$@"; do
    read -r ms mib <<<"$(start "$image")"
    times[$image]+="$ms "; rss[$image]=$mib
  done
done
printf '%-36s %10s %14s %8s  %s\n' image median_ms range_ms rss_MiB "java; options"
for image in "$@"; do
  read -r med lo hi <<<"$(tr ' ' '\n' <<<"${times[$image]}" | grep . | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)], a[1], a[NR]}')"
  printf '%-36s %10s %14s %8s  %s\n' "${image%%|*}" "$med" "$lo-$hi" "${rss[$image]}" \
    "$(podman run --rm --entrypoint java "${image%%|*}" -version 2>&1 | grep -v '^Picked up' | sed -n 2p)$([[ $image == *'|'* ]] && echo "; ${image#*|}")"
done
