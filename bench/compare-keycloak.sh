#!/usr/bin/env bash
# The service beside Keycloak, the same wrk scenarios in one run (../shared/bench/compare.sh):
# JWKS, refresh-token rotation and the password grant. The service runs its packaged build in the
# prod profile on a fresh database, with Keycloak's password-hash cost (Argon2id m=7168 KiB, t=5,
# p=1) so the password-grant figures compare like with like.
#   bench/compare-keycloak.sh                env: JAVA_HOME (the service's JDK), and compare.sh's own
#                                            (CONNS, SECONDS_EACH, ROUNDS, SCENARIOS, POOL)
# Needs wrk and the local PostgreSQL; uses 127.0.0.1 only and stops everything it started.
set -euo pipefail
command -v wrk >/dev/null || { echo "compare-keycloak: wrk is missing (apt-get install wrk)" >&2; exit 2; }
cd "$(dirname "$0")/.."
shared=${SHARED:-../shared/bench}
java=${JAVA_HOME:+$JAVA_HOME/bin/}java
db=auth_bench_$$
[[ -f target/quarkus-app/quarkus-run.jar ]] || ./mvnw -q -B package -DskipTests
psql -h 127.0.0.1 -U postgres -qc "create database $db"
cleanup() {
  if [[ -n ${pid:-} ]]; then kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true; fi
  "$shared/peer-keycloak.sh" stop || true
  psql -h 127.0.0.1 -U postgres -qc "drop database if exists $db with (force)" || true
}
trap cleanup EXIT

"$shared/peer-keycloak.sh" start
QUARKUS_DATASOURCE_REACTIVE_URL=postgresql://127.0.0.1:5432/$db \
QUARKUS_DATASOURCE_JDBC_URL=jdbc:postgresql://127.0.0.1:5432/$db QUARKUS_DATASOURCE_USERNAME=postgres \
AUTH_ISSUER=http://127.0.0.1:8080 AUTH_KEYS_ENCRYPTION_KEY="$(openssl rand -base64 32)" \
AUTH_PASSWORDS_ARGON2_MEMORY_KIB=7168 AUTH_PASSWORDS_ARGON2_ITERATIONS=5 AUTH_PASSWORDS_ARGON2_PARALLELISM=1 \
QUARKUS_LOG_CATEGORY__AUDIT__LEVEL=WARN \
AUTH_RATE_LIMIT_REQUESTS_PER_SECOND=0 AUTH_PASSWORDS_HASHING_PER_ADDRESS=1000 \
  "$java" -jar target/quarkus-app/quarkus-run.jar >"target/bench-service.log" 2>&1 &
pid=$!
for _ in $(seq 1 120); do curl -sf http://127.0.0.1:9000/q/health/ready >/dev/null && break; sleep 0.5; done
"$java" -version 2>&1 | head -1
A_PID=$pid B_PID=$(cat "${KC_HOME:-/tmp/keycloak-peer}/pid") "$shared/compare.sh" http://127.0.0.1:8080
