#!/usr/bin/env bash
# Machine clients side by side: the service (A) against the Keycloak peer (B), the same wrk scenarios
# in one run, A and B in turn, in the output format of ../shared/bench/compare.sh (plus two columns:
# answers that are 2xx but not what was asked for).
#
#   bench/compare-clients.sh [A_BASE_URL]        default http://127.0.0.1:8080
#
# Scenarios, each with one confidential client that authenticates with HTTP Basic (client_secret_basic,
# RFC 6749 §2.3.1: id and secret form-url-encoded, then base64):
#   client_credentials  POST the token endpoint, grant_type=client_credentials: one client
#                       authentication and one signed access token per request, no refresh token on
#                       either side (bench/client-credentials.lua). A 200 without an access_token
#                       counts in the "bad" column.
#   introspect          POST /oauth2/introspect (A) and .../token/introspect (B), token=<access token>
#                       (bench/introspect.lua). The tokens are INTROSPECT_POOL user access tokens,
#                       minted fresh before each figure with the password grant of the public client
#                       `web` (users bench0..49, each login its own session) and presented in turn, round
#                       robin. Many distinct tokens rather than one repeatedly: one token would measure
#                       whatever either side caches per token or per session row, and a resource server
#                       introspects the tokens of many users. Both sides check the session behind the
#                       token (Keycloak its user session, the service the token's `sid` family and the
#                       user), so both do the work the answer promises. A 2xx without "active": true
#                       (an expired or unchecked token answers fast) counts in the "bad" column.
# B: ../shared/bench/peer-keycloak.sh start first; this script creates (or updates) the confidential
# client `bench-service` in realm `bench` through Keycloak's admin REST API (client secret auth, service
# accounts only, a fresh random secret each run) and mints its tokens with `web`'s password grant.
# A must follow ../shared/API.md; the caller registers its confidential client (POST /admin/clients,
# grant_types ["client_credentials"], client_secret_basic, client_id api = the audience of the users'
# tokens it introspects, introspection_allowed true) and passes it in A_CLIENT_ID and
# A_CLIENT_SECRET; users bench0..49 are created with POST /users if missing (like compare.sh does).
# env: A_CLIENT_ID, A_CLIENT_SECRET (needed when SIDES has A), CONNS (16), SECONDS_EACH (20), ROUNDS (2),
#      SCENARIOS ("client_credentials introspect"), INTROSPECT_POOL (200), SIDES ("A B"; "B" measures
#      Keycloak alone), A_PID / B_PID: process ids whose resident memory is printed at the end,
#      SHARED (../shared/bench, for peer-keycloak.sh).
# Uses 127.0.0.1 only; needs wrk and curl.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
shared=${SHARED:-$here/../../shared/bench}
A=${1:-http://127.0.0.1:8080}
CONNS=${CONNS:-16} SECS=${SECONDS_EACH:-20} ROUNDS=${ROUNDS:-2} POOL=${INTROSPECT_POOL:-200}
SCENARIOS=${SCENARIOS:-"client_credentials introspect"} SIDES=${SIDES:-"A B"}
PASSWORD=correct-horse-battery
KC=http://127.0.0.1:8180
eval "$("$shared/peer-keycloak.sh" env)"
B_TOKEN=$TOKEN_URL B_INTROSPECT=$TOKEN_URL/introspect
A_TOKEN=$A/oauth2/token A_INTROSPECT=$A/oauth2/introspect
command -v wrk >/dev/null || { echo "compare-clients: wrk is missing (apt-get install wrk)" >&2; exit 2; }
die() { echo "compare-clients: $*" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

formenc() { # application/x-www-form-urlencoded, byte by byte
  local LC_ALL=C s=$1 i c out=
  for ((i = 0; i < ${#s}; i++)); do
    c=${s:i:1}
    case $c in
      [A-Za-z0-9*._-]) out+=$c ;;
      ' ') out+=+ ;;
      *) printf -v c '%%%02X' "'$c"; out+=$c ;;
    esac
  done
  printf %s "$out"
}
basic() { printf 'Basic %s' "$(printf %s "$(formenc "$1"):$(formenc "$2")" | base64 -w0)"; }

keycloak_client() { # creates or updates bench-service, prints its secret
  local tok id secret h
  tok=$(curl -sf -d grant_type=password -d client_id=admin-cli -d username=admin -d password=admin \
    "$KC/realms/master/protocol/openid-connect/token" | sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p')
  [[ -n $tok ]] || die "no Keycloak admin token (is peer-keycloak.sh started?)"
  h=(-H "Authorization: Bearer $tok" -H 'Content-Type: application/json')
  secret=$(openssl rand -hex 24)
  local rep="{\"clientId\":\"bench-service\",\"enabled\":true,\"publicClient\":false,\"clientAuthenticatorType\":\"client-secret\",\"secret\":\"$secret\",\"serviceAccountsEnabled\":true,\"standardFlowEnabled\":false,\"implicitFlowEnabled\":false,\"directAccessGrantsEnabled\":false}"
  id=$(curl -sf "${h[@]}" "$KC/admin/realms/bench/clients?clientId=bench-service" | sed -n 's/^\[{"id":"\([^"]*\)".*/\1/p')
  if [[ -z $id ]]; then
    curl -sf -o /dev/null "${h[@]}" -d "$rep" "$KC/admin/realms/bench/clients" || die "could not create bench-service in Keycloak"
  else
    curl -sf -o /dev/null -X PUT "${h[@]}" -d "$rep" "$KC/admin/realms/bench/clients/$id" || die "could not update bench-service in Keycloak"
  fi
  printf %s "$secret"
}

mint() { # token_url count file: count user access tokens, each one password login of web, four at a time
  seq 0 $(($2 - 1)) | xargs -P 4 -I{} sh -c '{ curl -s -d grant_type=password -d client_id=web \
      -d "username=bench$(({} % 50))" -d "password=$0" "$1"; echo; } \
      | sed -n "s/.*\"access_token\" *: *\"\([^\"]*\)\".*/\1/p"' "$PASSWORD" "$1" >"$3"
  [[ $(grep -c . "$3") -ge $2 ]] || die "could not mint $2 access tokens at $1"
}

check() { # side: one request of each scenario, so that a misconfiguration fails here, not as a fast figure
  local token=${1}_TOKEN introspect=${1}_INTROSPECT auth=${1}_AUTH out at
  out=$(curl -s -w ' HTTP %{http_code}' -H "Authorization: ${!auth}" -d grant_type=client_credentials "${!token}")
  [[ $out == *'"access_token"'*' HTTP 200' ]] || die "$1: client_credentials at ${!token} answered: $out"
  mint "${!token}" 1 "$work/check"
  at=$(head -1 "$work/check")
  out=$(curl -s -w ' HTTP %{http_code}' -H "Authorization: ${!auth}" --data-urlencode "token=$at" "${!introspect}")
  grep -Eq '"active" *: *true.* HTTP 200$' <<<"$out" || die "$1: introspection at ${!introspect} answered: $out"
}

run() { # side scenario -> "rps p99 non2xx bad"
  local side=$1 scen=$2 token=${1}_TOKEN introspect=${1}_INTROSPECT auth=${1}_AUTH out
  case $scen in
    client_credentials) out=$(AUTHORIZATION=${!auth} wrk -t1 -c"$CONNS" -d"${SECS}s" --latency \
      -s "$here/client-credentials.lua" "${!token}") ;;
    introspect) mint "${!token}" "$POOL" "$work/at-$side"
      out=$(AUTHORIZATION=${!auth} TOKENS_FILE=$work/at-$side wrk -t1 -c"$CONNS" -d"${SECS}s" --latency \
        -s "$here/introspect.lua" "${!introspect}") ;;
    *) die "unknown scenario $scen" ;;
  esac
  local rps p99 non2xx bad
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  non2xx=$(awk '/Non-2xx/ {print $5}' <<<"$out")
  bad=$(awk '/^(Not active|Without access_token):/ {print $NF}' <<<"$out")
  echo "${rps:-0} ${p99:-?} ${non2xx:-0} ${bad:-?}"
}

if [[ $SIDES == *A* ]]; then
  for i in $(seq 0 49); do
    curl -s -o /dev/null -H 'Content-Type: application/json' \
      -d "{\"username\":\"bench$i\",\"password\":\"$PASSWORD\"}" "$A/users"
  done
  [[ -n ${A_CLIENT_ID:-} && -n ${A_CLIENT_SECRET:-} ]] || die "A_CLIENT_ID and A_CLIENT_SECRET: the service's confidential client"
  A_AUTH=$(basic "$A_CLIENT_ID" "$A_CLIENT_SECRET")
  check A
fi
if [[ $SIDES == *B* ]]; then
  b_secret=$(keycloak_client)
  B_AUTH=$(basic bench-service "$b_secret")
  check B
fi

printf '%-18s %5s %12s %12s %8s %10s %10s %8s %8s %6s %6s\n' scenario round A_req/s B_req/s A/B A_p99 B_p99 A_non2xx B_non2xx A_bad B_bad
for scen in $SCENARIOS; do
  for r in $(seq 1 "$ROUNDS"); do
    ar=- ap=- an=- ab=- br=- bp=- bn=- bb=-
    [[ $SIDES == *A* ]] && read -r ar ap an ab <<<"$(run A "$scen")"
    [[ $SIDES == *B* ]] && read -r br bp bn bb <<<"$(run B "$scen")"
    ratio=$(awk -v a="$ar" -v b="$br" 'BEGIN { if (a != "-" && b != "-" && b > 0) printf "%.2f", a / b; else print "-" }')
    printf '%-18s %5s %12s %12s %8s %10s %10s %8s %8s %6s %6s\n' "$scen" "$r" "$ar" "$br" "$ratio" "$ap" "$bp" "$an" "$bn" "$ab" "$bb"
  done
done
for side in A B; do
  pid_var=${side}_PID
  [[ -n ${!pid_var:-} ]] && echo "$side resident memory: $(($(ps -o rss= -p "${!pid_var}") / 1024)) MiB"
done
exit 0
