#!/usr/bin/env bash
# Builds the JVM image from Dockerfile.jvm and gives it an AOT cache (JDK 25, JEPs 483/514/515) made
# inside it, by the image's own JDK from the image's own jars (README, "Container image"): a training
# container of that image starts the service against a PostgreSQL database, serves what clients ask
# for at first (metadata, JWKS, registration, login, refresh, metrics), and stops; the JDK writes
# /deployments/app.aot as it exits, and the container is committed as the image, its entrypoint now
# using the cache. The cache holds classes, their linking and method profiles; no data, no keys.
#   ./mvnw package -DskipTests -Dquarkus.package.jar.type=aot-jar
#   TRAINING_DB=postgresql://127.0.0.1:5432/scratch src/main/docker/aot-image.sh auth-service:jvm
# TRAINING_DB: a database this may migrate and fill with a few users and keys; throw it away after.
# env: ENGINE (podman, else docker), BASE_IMAGE (Dockerfile.jvm's build argument), TRAINING_DB_USER
# (postgres), TRAINING_DB_PASSWORD, HTTP_PORT and MANAGEMENT_PORT (18482, 19482: free on this host;
# the training container uses the host's network).
set -euo pipefail
cd "$(dirname "$0")/../../.."
IMAGE=${1:?usage: TRAINING_DB=postgresql://host:port/db $0 IMAGE}
: "${TRAINING_DB:?a PostgreSQL database for the training run, postgresql://host:port/db}"
ENGINE=${ENGINE:-$(command -v podman >/dev/null && echo podman || echo docker)}
HTTP_PORT=${HTTP_PORT:-18482}
MANAGEMENT_PORT=${MANAGEMENT_PORT:-19482}
NAME=auth-service-training-$$
API=http://127.0.0.1:$HTTP_PORT

"$ENGINE" build -q -f src/main/docker/Dockerfile.jvm ${BASE_IMAGE:+--build-arg BASE_IMAGE="$BASE_IMAGE"} -t "$IMAGE" . >/dev/null
env=(-e AUTH_ISSUER="$API" -e AUTH_KEYS_ENCRYPTION_KEY="$(head -c 32 /dev/urandom | base64)"
  -e QUARKUS_DATASOURCE_REACTIVE_URL="$TRAINING_DB" -e QUARKUS_DATASOURCE_JDBC_URL="jdbc:$TRAINING_DB"
  -e QUARKUS_DATASOURCE_USERNAME="${TRAINING_DB_USER:-postgres}" -e QUARKUS_DATASOURCE_PASSWORD="${TRAINING_DB_PASSWORD:-}"
  -e QUARKUS_HTTP_PORT="$HTTP_PORT" -e QUARKUS_MANAGEMENT_PORT="$MANAGEMENT_PORT")
out=$("$ENGINE" run --rm --network=host "${env[@]}" "$IMAGE" migrate 2>&1) \
  || { echo "$out" | tail -20 >&2; echo "aot-image: the migrations failed" >&2; exit 1; }

# The image's own command, with -XX:AOTCacheOutput; as root, which may write to /deployments.
entrypoint=$("$ENGINE" image inspect -f '{{json .Config.Entrypoint}}' "$IMAGE")
[[ $entrypoint == '["java",'* ]] || { echo "aot-image: the entrypoint does not start with java: $entrypoint" >&2; exit 1; }
mapfile -t command < <(tr -d '[]' <<<"$entrypoint" | tr ',' '\n' | tr -d '"')
trap '"$ENGINE" rm -f "$NAME" >/dev/null 2>&1 || true' EXIT
"$ENGINE" run -d --name "$NAME" --user 0 --network=host "${env[@]}" -e QUARKUS_FLYWAY_MIGRATE_AT_START=false \
  --entrypoint java "$IMAGE" -XX:AOTCacheOutput=/deployments/app.aot "${command[@]:1}" >/dev/null
for _ in $(seq 1 600); do
  curl -fs -o /dev/null "http://127.0.0.1:$MANAGEMENT_PORT/q/health/ready" && break
  sleep 0.1
done
curl -fs -o /dev/null "http://127.0.0.1:$MANAGEMENT_PORT/q/health/ready" \
  || { "$ENGINE" logs "$NAME" 2>&1 | tail -20 >&2; echo "aot-image: the training run did not become ready" >&2; exit 1; }
for round in 1 2 3; do
  user=training$round$$
  curl -fs -o /dev/null "$API/.well-known/openid-configuration"
  curl -fs -o /dev/null "$API/.well-known/jwks.json"
  curl -fs -o /dev/null -H 'Content-Type: application/json' -d "{\"username\":\"$user\",\"password\":\"correct-horse-battery\"}" "$API/users"
  tokens=$(curl -fs "$API/oauth2/token" -d grant_type=password -d "username=$user" -d password=correct-horse-battery)
  access=$(sed -E 's/.*"access_token":"([^"]*)".*/\1/' <<<"$tokens")
  refresh=$(sed -E 's/.*"refresh_token":"([^"]*)".*/\1/' <<<"$tokens")
  curl -fs -o /dev/null -H "Authorization: Bearer $access" "$API/users/me"
  curl -fs -o /dev/null "$API/oauth2/token" -d grant_type=refresh_token -d "refresh_token=$refresh"
  curl -s -o /dev/null "$API/oauth2/token" -d grant_type=password -d "username=$user" -d password=wrong-password-here
  curl -fs -o /dev/null "http://127.0.0.1:$MANAGEMENT_PORT/q/metrics"
done
"$ENGINE" stop -t 120 "$NAME" >/dev/null
log=$("$ENGINE" logs "$NAME" 2>&1)
grep -q 'AOTCache creation is complete' <<<"$log" \
  || { tail -20 <<<"$log" >&2; echo "aot-image: no AOT cache was written" >&2; exit 1; }
out=$("$ENGINE" commit --change "USER 1001" \
  --change "ENTRYPOINT ${entrypoint/'["java",'/'["java","-XX:AOTCache=app.aot",'}" "$NAME" "$IMAGE" 2>&1) \
  || { echo "$out" >&2; exit 1; }
echo "aot-image: $IMAGE with /deployments/app.aot"
