#!/usr/bin/env bash
# Runs every verifier of docs/verifying-tokens.md against the packaged service: starts it in the prod
# profile on a fresh database of its own (created here, dropped afterwards), registers a user, takes
# a real access token with the password grant, and has each stack's example (docs/examples/quarkus,
# spring, node, python, go) verify it. As the bootstrap administrator it registers two confidential
# machine clients: `reports` (client_credentials, audience `api`) and `orders` (audience `orders`), and
# the resource server's own client `api` (introspection_allowed: it introspects). Each stack must accept the genuine user
# token and `reports`' client_credentials token, and reject `orders`' token (another audience), a
# tampered signature, a token signed by a foreign key under the service's kid, correctly signed tokens for
# another audience, another issuer, or that expired, an unsigned `alg: none` token and an HS256
# token keyed with the public key (key confusion). Each stack that passes prints
# `verify <stack>: ok`; any other outcome fails the script (non-zero exit).
#
# Introspection runs for real, with docs/examples/introspect.sh as docs/verifying-tokens.md shows it:
# the user's access token is `active` with its `sid`, `reports`' token is active with sub = client_id,
# `orders`' token (another audience) is inactive to `api`, `orders` (not registered for it) gets 403,
# a public client gets 401, and after the session is revoked (POST /oauth2/revoke with the refresh
# token) the same access token is `active: false`, while every local verifier still accepts it.
#
# The service reads its signing key from a key directory (auth.keys.source=files, as from a
# Kubernetes Secret) that this script generates, so the script can also sign tokens that are
# correct in every way but one, and show that the verifiers check iss, aud and exp, not only the
# signature. The token the verifiers accept is the service's own.
#
# Installs what is missing: Debian's golang-go, golang-github-golang-jwt-jwt-dev, python3-jwt and
# python3-cryptography; jose from npm into $CI_CACHE/docs-npm. Uses 127.0.0.1 only and stops
# everything it started.
#   docs/examples/run.sh        env: CI_CACHE (default /var/cache/auth-service-ci),
#                               DOCS_PORT (default 18080; it and the next four ports are used),
#                               DOCS_VERBOSE=1 (print each verifier's answer to each token)
set -euo pipefail
cd "$(dirname "$0")/../.."
CACHE=${CI_CACHE:-/var/cache/auth-service-ci}
port=${DOCS_PORT:-18080}
management_port=$((port + 1)) quarkus_port=$((port + 2)) spring_port=$((port + 3)) spring_typed_port=$((port + 4))
export AUTH_ISSUER=http://127.0.0.1:$port
JAVA_OPTS=(-XX:+UseSerialGC -Xmx192m -XX:TieredStopAtLevel=1)
start=$(date +%s)
say() { echo "docs/examples: $*"; }

# Tools, only when missing.
packages=()
command -v go >/dev/null || packages+=(golang-go)
[[ -f /usr/share/gocode/src/github.com/golang-jwt/jwt/go.mod ]] || packages+=(golang-github-golang-jwt-jwt-dev)
/usr/bin/python3 -c 'import jwt' 2>/dev/null || packages+=(python3-jwt)
/usr/bin/python3 -c 'import cryptography' 2>/dev/null || packages+=(python3-cryptography)
command -v openssl >/dev/null || packages+=(openssl)
if ((${#packages[@]})); then
  say "installing ${packages[*]}"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
fi
JOSE_VERSION=$(sed -n 's/.*"jose": "\([^"]*\)".*/\1/p' docs/examples/node/package.json)
npm_dir=$CACHE/docs-npm
if [[ $(sed -n 's/^  "version": "\(.*\)",$/\1/p' "$npm_dir/node_modules/jose/package.json" 2>/dev/null) != "$JOSE_VERSION" ]]; then
  mkdir -p "$npm_dir"
  npm install --silent --no-audit --no-fund --prefix "$npm_dir" "jose@$JOSE_VERSION" >/dev/null
fi
ln -sfn "$npm_dir/node_modules" docs/examples/node/node_modules

work=$(mktemp -d) db=auth_docs_$$ pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  psql -h 127.0.0.1 -U postgres -qc "drop database if exists $db with (force)" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# The service: packaged build, prod profile, its own database and a signing key generated here, and
# a bootstrap administrator with a random password. It starts while the examples build, on a busy CI
# machine: its database deadline (auth.database.timeout, 1.5 s) is 10 s here, or the bootstrap
# administrator's transaction at start can miss it.
[[ -f target/quarkus-app/quarkus-run.jar ]] || ./mvnw -q -B package -DskipTests
mkdir "$work/keys"
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$work/keys/docs1.active.pem" 2>/dev/null
openssl pkey -in "$work/keys/docs1.active.pem" -pubout -out "$work/public.pem"
psql -h 127.0.0.1 -U postgres -qc "create database $db"
admin=docs-admin admin_password=$(openssl rand -hex 16) # 32 random characters, for this run only
QUARKUS_DATASOURCE_REACTIVE_URL=postgresql://127.0.0.1:5432/$db \
QUARKUS_DATASOURCE_JDBC_URL=jdbc:postgresql://127.0.0.1:5432/$db QUARKUS_DATASOURCE_USERNAME=postgres \
AUTH_KEYS_ENCRYPTION_KEY="$(openssl rand -base64 32)" AUTH_KEYS_SOURCE=files AUTH_KEYS_FILES_DIR="$work/keys" \
QUARKUS_HTTP_PORT=$port QUARKUS_MANAGEMENT_PORT=$management_port QUARKUS_SHUTDOWN_DELAY=PT0S \
AUTH_BOOTSTRAP_ADMIN_USERNAME=$admin AUTH_BOOTSTRAP_ADMIN_PASSWORD=$admin_password \
AUTH_DATABASE_TIMEOUT=PT10S \
  java "${JAVA_OPTS[@]}" -jar target/quarkus-app/quarkus-run.jar >"$work/service.log" 2>&1 &
pids+=($!)

# The examples' builds, meanwhile.
t=$(date +%s)
./mvnw -q -B -f docs/examples/quarkus/pom.xml package -DskipTests
./mvnw -q -B -f docs/examples/spring/pom.xml package -DskipTests
(cd docs/examples/go && GOPROXY=off GOFLAGS=-mod=mod GOCACHE=${GOCACHE:-$CACHE/go-build} go build -o "$work/verify-go" .)
say "examples built in $(($(date +%s) - t)) s"

wait_for() { # name url [status]: until the URL answers (with that status)
  for _ in $(seq 1 240); do
    [[ $(curl -s -o /dev/null -w '%{http_code}' "$2") == "${3:-200}" ]] && return 0
    sleep 0.25
  done
  echo "docs/examples: $1 did not start; its log:" >&2
  tail -n 40 "$work/$1.log" >&2
  exit 1
}
wait_for service "http://127.0.0.1:$management_port/q/health/ready"

# The JWKS' caching headers, as docs/verifying-tokens.md describes them: max-age = jwks-max-age
# (300 s by default), a strong ETag, and 304 for If-None-Match.
curl -sf -D "$work/jwks-headers" -o /dev/null "$AUTH_ISSUER/.well-known/jwks.json"
grep -qix 'cache-control: public, max-age=300'$'\r' "$work/jwks-headers" \
  || { echo "docs/examples: the JWKS lacks Cache-Control: public, max-age=300" >&2; exit 1; }
etag=$(sed -n 's/^etag: *\("[^"]*"\).*/\1/Ip' "$work/jwks-headers")
[[ -n $etag && $(curl -s -o /dev/null -w '%{http_code}' -H "If-None-Match: $etag" "$AUTH_ISSUER/.well-known/jwks.json") == 304 ]] \
  || { echo "docs/examples: the JWKS has no strong ETag answering 304" >&2; exit 1; }
[[ $(curl -sf "$AUTH_ISSUER/.well-known/openid-configuration") == *'"jwks_uri":"'"$AUTH_ISSUER"'/.well-known/jwks.json"'* ]] \
  || { echo "docs/examples: the metadata's jwks_uri is not <issuer>/.well-known/jwks.json" >&2; exit 1; }
say "JWKS: Cache-Control max-age=300, ETag $etag answers 304; metadata names it"

# A user and a real access token (password grant of the public client `web`).
user=docs-$$ password=correct-horse-battery-$$
curl -sf -o /dev/null -H 'Content-Type: application/json' \
  -d "{\"username\":\"$user\",\"password\":\"$password\"}" "$AUTH_ISSUER/users"
json() { # field: that field of the JSON object on stdin (strings bare, anything else as JSON)
  /usr/bin/python3 -c 'import json, sys; v = json.load(sys.stdin).get(sys.argv[1]); print(v if isinstance(v, str) else json.dumps(v))' "$1"
}
fail() { echo "docs/examples: $*" >&2; exit 1; }
grant=$(curl -sf -d grant_type=password --data-urlencode username="$user" --data-urlencode password="$password" "$AUTH_ISSUER/oauth2/token")
token=$(json access_token <<<"$grant") refresh_token=$(json refresh_token <<<"$grant")
[[ $token == *.*.* ]] || fail "no access token from the service"

# The bootstrap administrator registers confidential machine clients (RFC 7591 metadata):
# `reports` for this audience (api), `orders` for another one, and `api`, the resource server's
# client that introspects below (its client_id is the audience it serves).
admin_token=$(curl -sf -d grant_type=password --data-urlencode username="$admin" --data-urlencode password="$admin_password" \
  "$AUTH_ISSUER/oauth2/token" | json access_token)
register() { # client_id audience scope [introspection_allowed]: prints the client's secret
  local answer
  answer=$(curl -sf -H "Authorization: Bearer $admin_token" -H 'Content-Type: application/json' \
    -d "{\"client_id\":\"$1\",\"client_name\":\"$1\",\"grant_types\":[\"client_credentials\"],\"scope\":\"$3\",\"audience\":[\"$2\"],\"introspection_allowed\":${4:-false}}" \
    "$AUTH_ISSUER/admin/clients") || fail "POST /admin/clients did not register $1"
  json client_secret <<<"$answer"
}
client_token() { # client_id secret: a client_credentials token (client_secret_basic; these ids need no encoding)
  curl -sf -u "$1:$2" -d grant_type=client_credentials "$AUTH_ISSUER/oauth2/token" | json access_token
}
reports_secret=$(register reports api reports.read) orders_secret=$(register orders orders orders.read)
api_secret=$(register api api api.read true)
reports_token=$(client_token reports "$reports_secret") orders_token=$(client_token orders "$orders_secret")
[[ $reports_token == *.*.* && $orders_token == *.*.* ]] || fail "no client_credentials tokens"
say "clients reports (audience api) and orders (audience orders) registered, each has a client_credentials token"

# Introspection, with the very snippet of docs/verifying-tokens.md, as `api` (confidential, allowed).
. docs/examples/introspect.sh
CLIENT_ID=api CLIENT_SECRET=$api_secret
claims_of() { # token: its claims set, decoded (base64url without padding)
  /usr/bin/python3 -c 'import base64, sys; p = sys.argv[1].split(".")[1]; print(base64.urlsafe_b64decode(p + "=" * (-len(p) % 4)).decode())' "$1"
}
sid=$(claims_of "$token" | json sid)
answer=$(introspect "$token") || fail "introspection failed: $answer"
[[ -z ${DOCS_VERBOSE:-} ]] || echo "  introspection, the user's token: $answer"
[[ $(json active <<<"$answer") == true && $(json sid <<<"$answer") == "$sid" && -n $sid \
  && $(json username <<<"$answer") == "$user" && $(json client_id <<<"$answer") == web ]] \
  || fail "the user's live token is not active with its sid, username and client_id: $answer"
answer=$(introspect "$reports_token") || fail "introspection failed: $answer"
[[ -z ${DOCS_VERBOSE:-} ]] || echo "  introspection, reports' token: $answer"
[[ $(json active <<<"$answer") == true && $(json sub <<<"$answer") == reports && $(json sid <<<"$answer") == null \
  && $(json aud <<<"$answer") == api ]] || fail "reports' token is not active with sub = client_id: $answer"
answer=$(introspect "$orders_token") || fail "introspection failed: $answer"
[[ $answer == '{"active":false}' ]] || fail "orders' token (another audience) is active to api: $answer"
status=$(curl -s -o /dev/null -w '%{http_code}' -K - --data-urlencode "token=$orders_token" "$AUTH_ISSUER/oauth2/introspect" \
  <<<"user = \"orders:$orders_secret\"")
[[ $status == 403 ]] || fail "orders, not registered for introspection, was answered $status, not 403"
status=$(curl -s -o /dev/null -w '%{http_code}' --data-urlencode "token=$token" "$AUTH_ISSUER/oauth2/introspect")
[[ $status == 401 ]] || fail "the public client web was answered $status at /oauth2/introspect, not 401"
# The user's session ends: revoking the refresh token (the public client web, RFC 7009) ends its family.
curl -sf -o /dev/null --data-urlencode "token=$refresh_token" "$AUTH_ISSUER/oauth2/revoke" || fail "revocation failed"
answer=$(introspect "$token") || fail "introspection failed: $answer"
[[ -z ${DOCS_VERBOSE:-} ]] || echo "  introspection, the user's token after revocation: $answer"
[[ $answer == '{"active":false}' ]] || fail "the token of a revoked session is still active: $answer"
say "introspection as api: the user's token active with sid $sid, reports' with sub reports, orders' inactive; 403 for orders, 401 for web; after revocation {\"active\":false}"
say "the verifiers below get that same user token: verifying locally, they cannot see the revocation and accept it"

# The tokens that must be refused.
b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
rs256() { # header payload key: a compact JWS signed with RS256
  local input
  input=$(printf %s "$1" | b64url).$(printf %s "$2" | b64url)
  echo "$input.$(printf %s "$input" | openssl dgst -sha256 -sign "$3" -binary | b64url)"
}
kid=docs1 now=$(date +%s)
claims() { # iss aud exp: the claims of a user token, as the service makes them
  printf '{"iss":"%s","sub":"6f1c1a52-8d3e-4f59-9a51-4c1f0c0b7c11","aud":"%s","exp":%s,"iat":%s,"jti":"%s","client_id":"web","scope":"openid profile email","groups":["user"],"upn":"%s","preferred_username":"%s"}' \
    "$1" "$2" "$3" "$(($3 - 300))" "$(openssl rand -hex 16)" "$user" "$user"
}
header='{"kid":"'$kid'","typ":"JWT","alg":"RS256"}'
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$work/foreign.pem" 2>/dev/null
signature=${token##*.}
flipped=$([[ ${signature:20:1} == A ]] && echo B || echo A)
declare -A bad=(
  [tampered-signature]=${token%.*}.${signature:0:20}$flipped${signature:21}
  [foreign-key]=$(rs256 "$header" "$(claims "$AUTH_ISSUER" api $((now + 300)))" "$work/foreign.pem")
  [other-audience]=$(rs256 "$header" "$(claims "$AUTH_ISSUER" other-api $((now + 300)))" "$work/keys/docs1.active.pem")
  [other-issuer]=$(rs256 "$header" "$(claims https://evil.example.com api $((now + 300)))" "$work/keys/docs1.active.pem")
  [expired]=$(rs256 "$header" "$(claims "$AUTH_ISSUER" api $((now - 120)))" "$work/keys/docs1.active.pem")
  [alg-none]=$(printf %s '{"alg":"none","typ":"JWT","kid":"'$kid'"}' | b64url).$(cut -d. -f2 <<<"$token").
  [client-credentials-for-orders]=$orders_token
)
input=$(printf %s '{"kid":"'$kid'","typ":"JWT","alg":"HS256"}' | b64url).$(cut -d. -f2 <<<"$token")
bad[hs256-key-confusion]=$input.$(printf %s "$input" | openssl dgst -sha256 -mac HMAC -macopt key:"$(cat "$work/public.pem")" -binary | b64url)
# Typed at+jwt, as with auth.tokens.access-token-typ=at+jwt: correct, and for another audience.
typed='{"kid":"'$kid'","typ":"at+jwt","alg":"RS256"}'
at_jwt=$(rs256 "$typed" "$(claims "$AUTH_ISSUER" api $((now + 300)))" "$work/keys/docs1.active.pem")
at_jwt_other_audience=$(rs256 "$typed" "$(claims "$AUTH_ISSUER" other-api $((now + 300)))" "$work/keys/docs1.active.pem")

failed=0
check() { # stack at+jwt-expectation (accept|reject) command...: runs "command... TOKEN" for each token
  local stack=$1 typed=$2 errors=0 name out
  shift 2
  if ! out=$("$@" "$token"); then
    echo "verify $stack: the service's token was rejected: $out" >&2; errors=1
  fi
  [[ -z ${DOCS_VERBOSE:-} ]] || echo "  $stack, the service's token: $out"
  if ! out=$("$@" "$reports_token"); then
    echo "verify $stack: a client_credentials token for audience api was rejected: $out" >&2; errors=1
  fi
  [[ -z ${DOCS_VERBOSE:-} ]] || echo "  $stack, reports' client_credentials token: $out"
  for name in "${!bad[@]}"; do
    if out=$("$@" "${bad[$name]}"); then
      echo "verify $stack: $name was accepted: $out" >&2; errors=1
    fi
    [[ -z ${DOCS_VERBOSE:-} ]] || echo "  $stack, $name: $out"
  done
  out=$("$@" "$at_jwt") || true
  [[ -z ${DOCS_VERBOSE:-} ]] || echo "  $stack, at+jwt: $out"
  if [[ $typed == accept && $out == rejected* ]] || [[ $typed == reject && $out != rejected* ]]; then
    echo "verify $stack: an at+jwt token was not ${typed}ed as docs/verifying-tokens.md says: $out" >&2; errors=1
  fi
  if ((errors)); then failed=1; else echo "verify $stack: ok"; fi
}
http_verify() { # port token: the example's GET /hello, the answer as the CLI verifiers print it
  local status
  status=$(curl -s -o "$work/answer" -D "$work/headers" -w '%{http_code}' -H "Authorization: Bearer $2" "http://127.0.0.1:$1/hello")
  if [[ $status == 200 ]]; then echo "accepted: $(cat "$work/answer")"; return 0; fi
  echo "rejected: HTTP $status $(sed -n 's/^www-authenticate: *//Ip' "$work/headers" | tr -d '\r')"
  return 1
}

PORT=$quarkus_port java "${JAVA_OPTS[@]}" -jar docs/examples/quarkus/target/quarkus-app/quarkus-run.jar >"$work/quarkus.log" 2>&1 &
pids+=($!)
PORT=$spring_port java "${JAVA_OPTS[@]}" -jar docs/examples/spring/target/spring-resource-server-1.0.jar >"$work/spring.log" 2>&1 &
pids+=($!)
wait_for quarkus "http://127.0.0.1:$quarkus_port/hello" 401
PORT=$spring_typed_port java "${JAVA_OPTS[@]}" -jar docs/examples/spring/target/spring-resource-server-1.0.jar \
  --example.access-token-typ=at+jwt >"$work/spring-at-jwt.log" 2>&1 &
pids+=($!)
wait_for spring "http://127.0.0.1:$spring_port/hello" 401
wait_for spring-at-jwt "http://127.0.0.1:$spring_typed_port/hello" 401

check quarkus accept http_verify "$quarkus_port"
check spring reject http_verify "$spring_port"
check node accept node docs/examples/node/verify.mjs
check python accept /usr/bin/python3 docs/examples/python/verify.py
check go accept "$work/verify-go"

# Spring with the JwtDecoder for at+jwt tokens: accepts them, still checks the audience, and now
# refuses typ JWT.
errors=0
out=$(http_verify "$spring_typed_port" "$at_jwt") || { echo "verify spring-at+jwt: refused an at+jwt token: $out" >&2; errors=1; }
[[ -z ${DOCS_VERBOSE:-} ]] || echo "  spring-at+jwt, at+jwt: $out"
for name in other-audience typ-JWT; do
  t=$token; [[ $name == other-audience ]] && t=$at_jwt_other_audience
  if out=$(http_verify "$spring_typed_port" "$t"); then echo "verify spring-at+jwt: $name was accepted: $out" >&2; errors=1; fi
  [[ -z ${DOCS_VERBOSE:-} ]] || echo "  spring-at+jwt, $name: $out"
done
if ((errors)); then failed=1; else echo "verify spring-at+jwt: ok"; fi
say "took $(($(date +%s) - start)) s"
exit "$failed"
