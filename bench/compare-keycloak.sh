#!/usr/bin/env bash
# The service beside Keycloak, the same wrk scenarios in one run (../shared/bench/compare.sh), and a
# Markdown table of the ratios, resident memory and start to ready (target/bench-compare.md):
#   1. RS256 on both sides: JWKS, refresh-token rotation, password grant;
#      then machine clients (bench/compare-clients.sh): client_credentials and introspection of user
#      access tokens, each side with a confidential client `bench-service` (client_secret_basic) that
#      the script registers: on the service with POST /admin/clients as the bootstrap administrator
#      (AUTH_BOOTSTRAP_ADMIN_USERNAME/PASSWORD, a random password each run), on Keycloak through its
#      admin REST API (see compare-clients.sh's header for the scenarios and why many tokens);
#   2. ES256 on both sides (the service's AUTH_KEYS_ALGORITHM=ES256 on a fresh database, Keycloak's
#      realm defaultSignatureAlgorithm=ES256, set back to RS256 afterwards): refresh-token rotation.
# The service runs its packaged build in the prod profile with Keycloak's password-hash cost (Argon2id
# m=7168 KiB, t=5, p=1) so the password-grant figures compare like with like, and with the JVM options
# of the container image (SERVICE_JAVA_OPTS, default below: the ones of src/main/docker/Dockerfile.jvm).
# Before each part, a short discarded pass warms both JVMs up (all five scenarios in the RS256 part).
#   bench/compare-keycloak.sh       env: JAVA_HOME (the service's JDK), SERVICE_JAVA_OPTS, and compare.sh's
#                                   own (CONNS, SECONDS_EACH, ROUNDS, POOL), compare-clients.sh's
#                                   INTROSPECT_POOL
# Needs wrk and the local PostgreSQL; uses 127.0.0.1 only and stops everything it started.
set -euo pipefail
command -v wrk >/dev/null || { echo "compare-keycloak: wrk is missing (apt-get install wrk)" >&2; exit 2; }
cd "$(dirname "$0")/.."
shared=${SHARED:-../shared/bench}
java=${JAVA_HOME:+$JAVA_HOME/bin/}java
SERVICE_JAVA_OPTS=${SERVICE_JAVA_OPTS--XX:+UseSerialGC -Xmx128m -Xss512k -XX:ReservedCodeCacheSize=64m}
export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX-2}
kek=$(openssl rand -base64 32)
admin_user=benchadmin admin_password=$(openssl rand -hex 16) # the service's bootstrap administrator
export SHARED=$shared
out=target/bench-compare.md
[[ -f target/quarkus-app/quarkus-run.jar ]] || ./mvnw -q -B package -DskipTests
pid= db=
stop_service() {
  if [[ -n $pid ]]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; pid=; fi
  if [[ -n $db ]]; then psql -h 127.0.0.1 -U postgres -qc "drop database if exists $db with (force)" || true; db=; fi
}
kc_algorithm() { # sets the bench realm's default signature algorithm
  local tok
  tok=$(curl -sf -d grant_type=password -d client_id=admin-cli -d username=admin -d password=admin \
    http://127.0.0.1:8180/realms/master/protocol/openid-connect/token | sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p')
  curl -sf -o /dev/null -X PUT -H "Authorization: Bearer $tok" -H 'Content-Type: application/json' \
    -d "{\"defaultSignatureAlgorithm\":\"$1\"}" http://127.0.0.1:8180/admin/realms/bench
}
cleanup() {
  stop_service
  kc_algorithm RS256 2>/dev/null || true
  "$shared/peer-keycloak.sh" stop || true
}
trap cleanup EXIT

start_service() { # algorithm
  db=auth_bench_$$_${1,,}
  psql -h 127.0.0.1 -U postgres -qc "create database $db"
  local attempt t0
  for attempt in 1 2 3; do
    t0=$(date +%s.%N)
    # shellcheck disable=SC2086 # the options are words
    QUARKUS_DATASOURCE_REACTIVE_URL=postgresql://127.0.0.1:5432/$db \
    QUARKUS_DATASOURCE_JDBC_URL=jdbc:postgresql://127.0.0.1:5432/$db QUARKUS_DATASOURCE_USERNAME=postgres \
    AUTH_ISSUER=http://127.0.0.1:8080 AUTH_KEYS_ENCRYPTION_KEY="$kek" AUTH_KEYS_ALGORITHM=$1 \
    AUTH_PASSWORDS_ARGON2_MEMORY_KIB=7168 AUTH_PASSWORDS_ARGON2_ITERATIONS=5 AUTH_PASSWORDS_ARGON2_PARALLELISM=1 \
    QUARKUS_LOG_CATEGORY__AUDIT__LEVEL=WARN \
    AUTH_RATE_LIMIT_REQUESTS_PER_SECOND=0 AUTH_RATE_LIMIT_REVOKE_INTROSPECT_REQUESTS_PER_SECOND=0 \
    AUTH_PASSWORDS_HASHING_PER_ADDRESS=1000 \
    AUTH_BOOTSTRAP_ADMIN_USERNAME=$admin_user AUTH_BOOTSTRAP_ADMIN_PASSWORD="$admin_password" \
      "$java" $SERVICE_JAVA_OPTS -jar target/quarkus-app/quarkus-run.jar >"target/bench-service-$1.log" 2>&1 &
    pid=$!
    for _ in $(seq 1 480); do
      curl -sf -o /dev/null http://127.0.0.1:9000/q/health/ready && break
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.25
    done
    curl -sf -o /dev/null http://127.0.0.1:9000/q/health/ready && break
    # On a loaded machine the bootstrap administrator's first query at start can miss the 1.5 s
    # database deadline (DatabaseUnavailable) and the start fails: say so, and start again.
    echo "compare-keycloak: start $attempt of the service failed: $(grep -o '"exceptionType":"[^"]*","message":"[^"]*"' \
      "target/bench-service-$1.log" | tail -1)" >&2
    cp "target/bench-service-$1.log" "target/bench-service-$1.failed-$attempt.log"
    kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; pid=
  done
  [[ -n $pid ]] || { echo "compare-keycloak: the service did not start: target/bench-service-$1.failed-*.log" >&2; exit 1; }
  crypto=$(grep -o 'crypto: [^"]*' "target/bench-service-$1.log" | head -1)
  service_start=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
}

service_client() { # registers the confidential client bench-service on the service: A_CLIENT_ID, A_CLIENT_SECRET
  # (client_id api, the audience of the users' tokens it introspects, and introspection_allowed)
  local tok answer
  tok=$(curl -s -d grant_type=password --data-urlencode "username=$admin_user" \
    --data-urlencode "password=$admin_password" http://127.0.0.1:8080/oauth2/token \
    | sed -n 's/.*"access_token" *: *"\([^"]*\)".*/\1/p')
  [[ -n $tok ]] || { echo "compare-keycloak: the bootstrap administrator got no token" >&2; exit 1; }
  answer=$(curl -s -w ' HTTP %{http_code}' -H "Authorization: Bearer $tok" -H 'Content-Type: application/json' \
    -d '{"client_id":"api","client_name":"bench-service","grant_types":["client_credentials"],"token_endpoint_auth_method":"client_secret_basic","scope":"profile email","introspection_allowed":true}' \
    http://127.0.0.1:8080/admin/clients)
  [[ $answer == *' HTTP 201' ]] || { echo "compare-keycloak: POST /admin/clients answered: $answer" >&2; exit 1; }
  A_CLIENT_ID=$(sed -n 's/.*"client_id" *: *"\([^"]*\)".*/\1/p' <<<"$answer")
  A_CLIENT_SECRET=$(sed -n 's/.*"client_secret" *: *"\([^"]*\)".*/\1/p' <<<"$answer")
  [[ -n $A_CLIENT_ID && -n $A_CLIENT_SECRET ]] || { echo "compare-keycloak: no client_id/client_secret in: $answer" >&2; exit 1; }
  export A_CLIENT_ID A_CLIENT_SECRET
}

t0=$(date +%s.%N)
"$shared/peer-keycloak.sh" start
kc_start=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
kc_pid() { ss -ltnpH 'sport = :9100' | sed -n 's/.*pid=\([0-9]*\).*/\1/p' | head -1; }

kc_algorithm RS256
warm() { # a short discarded pass over the scenarios, so that both JVMs are compiled before measuring
  SECONDS_EACH=8 ROUNDS=1 POOL=200 SCENARIOS="$1" "$shared/compare.sh" http://127.0.0.1:8080 >/dev/null
}
start_service RS256
service_client
warm "jwks refresh password"
SECONDS_EACH=8 ROUNDS=1 INTROSPECT_POOL=100 bench/compare-clients.sh http://127.0.0.1:8080 >/dev/null
rs=$(SCENARIOS="jwks refresh password" "$shared/compare.sh" http://127.0.0.1:8080 | tee -a /dev/stderr)
cl=$(A_PID=$pid B_PID=$(kc_pid) bench/compare-clients.sh http://127.0.0.1:8080 | tee -a /dev/stderr)
stop_service

kc_algorithm ES256
start_service ES256
warm refresh
es=$(A_PID=$pid B_PID=$(kc_pid) SCENARIOS="refresh" "$shared/compare.sh" http://127.0.0.1:8080 | tee -a /dev/stderr)
stop_service
kc_algorithm RS256

{
  echo "| scenario | algorithm | round | service req/s | Keycloak req/s | service / Keycloak | service p99 | Keycloak p99 | non-2xx (service / Keycloak) |"
  echo "|---|---|---|---|---|---|---|---|---|"
  for part in "RS256:$rs" "RS256:$cl" "ES256:$es"; do
    alg=${part%%:*}
    awk -v alg="$alg" '$1 ~ /^(jwks|refresh|password|client_credentials|introspect)$/ {
        name = ($1 == "jwks") ? "JWKS" : ($1 == "refresh") ? "refresh (rotation)" : ($1 == "password") ? "password grant" \
          : ($1 == "introspect") ? "introspection" : $1
        bad = ($1 == "introspect") ? sprintf(", not active %s / %s", $10, $11) \
          : ($1 == "client_credentials") ? sprintf(", no token %s / %s", $10, $11) : ""
        printf "| %s | %s | %s | %s | %s | **%s** | %s | %s | %s / %s%s |\n", name, (name == "JWKS" ? "-" : alg), $2, $3, $4, $5, $6, $7, $8, $9, bad
      }' <<<"${part#*:}"
  done
  echo
  sed -n 's/^A resident memory: \(.*\)/Resident memory after the RS256 runs: service \1/p' <<<"$cl"
  sed -n 's/^B resident memory: \(.*\)/Keycloak \1/p' <<<"$cl"
  echo
  echo "Start to ready (process start to readiness, the last RS256/ES256 start): service ${service_start} s (jar);"
  echo "Keycloak ${kc_start} s (peer-keycloak.sh start, realm included). The image's start: README, \"Start\"."
  echo
  echo "Service: $("$java" -version 2>&1 | head -1), options \`${SERVICE_JAVA_OPTS:-(default ergonomics)}\`,"
  echo "MALLOC_ARENA_MAX=$MALLOC_ARENA_MAX; $crypto. Keycloak ${KC_VERSION:-26.4.5} (peer-keycloak.sh, -Xms512m -Xmx1g)."
  echo "Machine: $(nproc) vCPUs ($(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)), $(($(sed -n 's/^MemTotal: *\([0-9]*\).*/\1/p' /proc/meminfo) / 1024 / 1024)) GiB,"
  echo "wrk on the same machine, ${CONNS:-16} connections, ${SECONDS_EACH:-20} s per figure, $(date -u +%F)."
} | tee "$out"
