#!/usr/bin/env bash
# Login latency of a legitimate user while one source floods the token endpoint with password
# guesses (issue 16: one source takes at most half the hashing pool and must not push another
# user's median login beyond 3x the idle one). One run, three phases:
#   idle   - the user alone;
#   ipv4   - wrk floods with FLOOD (160) connections from 10.66.0.2, a network namespace of its own;
#   ipv6   - the same flood from 2001:db8:66:1::2, an address of an IPv6 /64, in that namespace.
# The user logs in from 127.0.0.1, LOGINS (30) times in a row per phase; the script prints median
# and p90 in ms, the user's non-200 answers, the ratio of each flood median to the idle one (goal:
# <= 3x, no 429 or 503), and what the flood got. The service runs as shipped (prod profile, default
# Argon2id, pool, rate limits and per-source connection cap; nobody trusted as a proxy), listening on
# every address, on PORT (8190) and MANAGEMENT_PORT (9190). env: JAVA_HOME, FLOOD (160), SECONDS_EACH (20),
# LOGINS (30). Needs root (a network
# namespace and a veth pair, removed at exit), wrk and the local PostgreSQL; stops by itself.
set -euo pipefail
command -v wrk >/dev/null || { echo "login-capacity: wrk is missing (apt-get install wrk)" >&2; exit 2; }
cd "$(dirname "$0")/.."
java=${JAVA_HOME:+$JAVA_HOME/bin/}java
FLOOD=${FLOOD:-160} SECS=${SECONDS_EACH:-20} LOGINS=${LOGINS:-30} PORT=${PORT:-8190} MANAGEMENT_PORT=${MANAGEMENT_PORT:-9190}
PASSWORD=correct-horse-battery
[[ -f target/quarkus-app/quarkus-run.jar ]] || ./mvnw -q -B package -DskipTests
. bench/scratch.sh capacity

# The flood's own network: namespace $ns behind veth $veth (host side 10.66.0.1 and 2001:db8:66:1::1).
ns=capflood$$ veth=cf$$
ip netns add "$ns"
trap 'ip netns del "$ns" 2>/dev/null || true; ip link del "$veth" 2>/dev/null || true; scratch_cleanup' EXIT
ip link add "$veth" type veth peer name "$veth"n
ip link set "$veth"n netns "$ns"
ip addr add 10.66.0.1/24 dev "$veth"
ip -6 addr add 2001:db8:66:1::1/64 dev "$veth" nodad
ip link set "$veth" up
ip netns exec "$ns" sh -c "ip link set lo up; ip addr add 10.66.0.2/24 dev ${veth}n;
  ip -6 addr add 2001:db8:66:1::2/64 dev ${veth}n nodad; ip link set ${veth}n up"

QUARKUS_DATASOURCE_REACTIVE_URL=postgresql://127.0.0.1:5432/$db \
  QUARKUS_DATASOURCE_JDBC_URL=jdbc:postgresql://127.0.0.1:5432/$db QUARKUS_DATASOURCE_USERNAME=postgres \
  AUTH_ISSUER=http://127.0.0.1:$PORT AUTH_KEYS_ENCRYPTION_KEY="$kek" QUARKUS_LOG_CATEGORY__AUDIT__LEVEL=WARN \
  QUARKUS_HTTP_HOST=:: QUARKUS_HTTP_PORT=$PORT QUARKUS_MANAGEMENT_PORT=$MANAGEMENT_PORT \
  "$java" -XX:+UseSerialGC -Xmx128m -jar target/quarkus-app/quarkus-run.jar >"$work/service.log" 2>&1 &
pid=$!
for _ in $(seq 1 600); do curl -sf -o /dev/null http://127.0.0.1:$MANAGEMENT_PORT/q/health/ready && break; sleep 0.1; done
curl -sf -o /dev/null -H 'Content-Type: application/json' -d "{\"username\":\"owner\",\"password\":\"$PASSWORD\"}" \
  http://127.0.0.1:$PORT/users

logins() { # prints "median p90 non200-codes" (e.g. "-" or "429x2,503x1")
  for _ in $(seq 1 "$LOGINS"); do
    curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -d grant_type=password \
      -d username=owner -d "password=$PASSWORD" http://127.0.0.1:$PORT/oauth2/token
  done | sort -k2 -g | awk '{ if ($1 != 200) bad[$1]++; t[NR] = $2 * 1000 } END {
      for (c in bad) codes = codes (codes ? "," : "") c "x" bad[c]
      printf "%.0f %.0f %s\n", t[int((NR + 1) / 2)], t[int(NR * 0.9 + 0.5)], codes ? codes : "-" }'
}

logins >/dev/null  # warm-up
read -r idle idle90 idlebad < <(logins)
printf '%-6s %9s %9s %10s %10s %s\n' phase median_ms p90_ms non200 vs_idle flood
printf '%-6s %9s %9s %10s %10s\n' idle "$idle" "$idle90" "$idlebad" 1.00
for phase in ipv4 ipv6; do
  target=http://10.66.0.1:$PORT; [[ $phase == ipv6 ]] && target=http://[2001:db8:66:1::1]:$PORT
  ip netns exec "$ns" wrk -t2 -c"$FLOOD" -d"${SECS}s" -s bench/login-flood.lua "$target" >"$work/wrk-$phase" 2>&1 &
  flood=$!
  sleep 3
  read -r med p90 bad < <(logins)
  wait "$flood"
  got=$(awk '/Requests\/sec/ {r=$2} /Non-2xx/ {n=$5} /Socket errors/ {s=$0} END {
      printf "%s req/s, %s non-2xx%s", r, n ? n : 0, s ? "; " s : ""}' "$work/wrk-$phase")
  printf '%-6s %9s %9s %10s %9.2fx  %s\n' "$phase" "$med" "$p90" "$bad" "$(echo "$med / $idle" | bc -l)" "$got"
done
"$java" -version 2>&1 | head -1
grep -m1 'crypto:' "$work/service.log" | sed 's/.*crypto:/crypto:/; s/".*//' || true
echo "service log: $(grep -c 'database unavailable' "$work/service.log" || true) 'database unavailable' answers"
