#!/usr/bin/env bash
# Resident memory of the container image (built by .ci/container-smoke) after a short refresh load,
# for several JVM settings given as JAVA_TOOL_OPTIONS, which replace the image's own (serial GC,
# -Xmx128m; "" is default ergonomics). Needs podman, wrk, curl, jq and the local PostgreSQL; run as
# root. One database per variant; 16 connections, SECONDS per variant.
#   bench/container-memory.sh [SECONDS] ["JVM options" ...]
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-20}; shift || true
VARIANTS=("$@")
((${#VARIANTS[@]})) || VARIANTS=("-XX:+UseSerialGC -Xmx128m -Xss512k -XX:ReservedCodeCacheSize=64m" "")
export CONTAINERS_CONF=${CONTAINERS_CONF:-/var/cache/auth-service-ci/containers.conf}
IMAGE=localhost/auth-service:ci API=http://127.0.0.1:18490 MANAGEMENT=http://127.0.0.1:19490
work=$(mktemp -d)
cat > "$work/refresh.lua" <<'LUA'
local n = 0
function setup(thread) thread:set("id", n); n = n + 1 end
function init(args)
  tokens = {}
  local i = 0
  for line in io.lines(args[1]) do
    if i % tonumber(args[2]) == id then table.insert(tokens, line) end
    i = i + 1
  end
end
function request()
  local t = table.remove(tokens, 1)
  if t == nil then return wrk.format("GET", "/.well-known/jwks.json") end
  return wrk.format("POST", "/oauth2/token", {["Content-Type"] = "application/x-www-form-urlencoded"},
    "grant_type=refresh_token&refresh_token=" .. t)
end
function response(status, headers, body)
  local t = body:match('"refresh_token":"([^"]+)"')
  if t then table.insert(tokens, t) end
end
LUA
printf '| JAVA_TOOL_OPTIONS | refresh req/s | RSS after start | RSS after load |\n|---|---|---|---|\n'
for opts in "${VARIANTS[@]}"; do
  psql -h 127.0.0.1 -U postgres -qc "drop database if exists container_memory" -qc "create database container_memory" 2>/dev/null
  name=auth-memory-$$
  podman run -d --name $name --network=host -e JAVA_TOOL_OPTIONS="$opts" -e AUTH_ISSUER=$API \
    -e AUTH_KEYS_ENCRYPTION_KEY="$(openssl rand -base64 32)" -e QUARKUS_DATASOURCE_USERNAME=postgres \
    -e QUARKUS_DATASOURCE_REACTIVE_URL=postgresql://127.0.0.1:5432/container_memory \
    -e QUARKUS_DATASOURCE_JDBC_URL=jdbc:postgresql://127.0.0.1:5432/container_memory \
    -e QUARKUS_HTTP_PORT=18490 -e QUARKUS_MANAGEMENT_PORT=19490 $IMAGE >/dev/null
  until curl -fs -o /dev/null $MANAGEMENT/q/health/ready; do sleep 0.2; done
  pid=$(podman inspect -f '{{.State.Pid}}' $name)
  rss() { awk '/^VmRSS/ {print int($2 / 1024)}' /proc/$pid/status; }
  started=$(rss)
  curl -fs -o /dev/null -H 'Content-Type: application/json' -d '{"username":"load","password":"correct-horse-battery"}' $API/users
  : > "$work/tokens"
  for _ in $(seq 1 32); do
    curl -fs -d grant_type=password -d username=load -d password=correct-horse-battery $API/oauth2/token \
      | jq -r .refresh_token >> "$work/tokens"
  done
  rps=$(wrk -t2 -c16 -d"${DURATION}s" -s "$work/refresh.lua" $API -- "$work/tokens" 2 | awk '/Requests\/sec/ {print int($2)}')
  printf '| `%s` | %s | %s MiB | %s MiB |\n' "${opts:-(none: defaults)}" "$rps" "$started" "$(rss)"
  podman rm -f -t 0 $name >/dev/null
done
psql -h 127.0.0.1 -U postgres -qc "drop database if exists container_memory" 2>/dev/null
rm -rf "$work"
