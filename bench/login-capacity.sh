#!/usr/bin/env bash
# Login latency of a legitimate user while one source floods the token endpoint with password
# guesses (issue 16: a source may take at most half the hashing pool). One run, three phases:
#   idle   - the user alone;
#   ipv4   - wrk floods from 127.0.0.1 with FLOOD connections (160);
#   ipv6   - the same flood, every request claiming another address of one IPv6 /64 (X-Forwarded-For,
#            127.0.0.1 trusted as a proxy): the /64 must count as one source.
# The user logs in from 127.0.0.2 (not a proxy: its own source), LOGINS (30) times in a row per phase;
# the script prints median and p90 in ms, the user's non-200 answers, and the ratio of each flood
# median to the idle one (goal: <= 3x, no 429 or 503). The service runs as shipped (prod profile,
# default Argon2id and pool, rate limits on). env: JAVA_HOME, FLOOD (160), SECONDS_EACH (20),
# LOGINS (30). Needs wrk and the local PostgreSQL; uses 127.0.0.1/127.0.0.2 only, stops by itself.
set -euo pipefail
command -v wrk >/dev/null || { echo "login-capacity: wrk is missing (apt-get install wrk)" >&2; exit 2; }
cd "$(dirname "$0")/.."
java=${JAVA_HOME:+$JAVA_HOME/bin/}java
FLOOD=${FLOOD:-160} SECS=${SECONDS_EACH:-20} LOGINS=${LOGINS:-30}
PASSWORD=correct-horse-battery
[[ -f target/quarkus-app/quarkus-run.jar ]] || ./mvnw -q -B package -DskipTests
. bench/scratch.sh capacity

QUARKUS_DATASOURCE_REACTIVE_URL=postgresql://127.0.0.1:5432/$db \
  QUARKUS_DATASOURCE_JDBC_URL=jdbc:postgresql://127.0.0.1:5432/$db QUARKUS_DATASOURCE_USERNAME=postgres \
  AUTH_ISSUER=http://127.0.0.1:8080 AUTH_KEYS_ENCRYPTION_KEY="$kek" QUARKUS_LOG_CATEGORY__AUDIT__LEVEL=WARN \
  AUTH_TRUSTED_PROXIES=127.0.0.1 \
  "$java" -XX:+UseSerialGC -Xmx128m -jar target/quarkus-app/quarkus-run.jar >"$work/service.log" 2>&1 &
pid=$!
for _ in $(seq 1 600); do curl -sf -o /dev/null http://127.0.0.1:9000/q/health/ready && break; sleep 0.1; done
curl -sf -o /dev/null -H 'Content-Type: application/json' -d "{\"username\":\"owner\",\"password\":\"$PASSWORD\"}" \
  --interface 127.0.0.2 http://127.0.0.1:8080/users

logins() { # prints "median p90 non200-codes" (e.g. "-" or "429x2,503x1")
  for _ in $(seq 1 "$LOGINS"); do
    curl -s -o /dev/null -w '%{http_code} %{time_total}\n' --interface 127.0.0.2 -d grant_type=password \
      -d username=owner -d "password=$PASSWORD" http://127.0.0.1:8080/oauth2/token
  done | sort -k2 -g | awk '{ if ($1 != 200) bad[$1]++; t[NR] = $2 * 1000 } END {
      for (c in bad) codes = codes (codes ? "," : "") c "x" bad[c]
      printf "%.0f %.0f %s\n", t[int((NR + 1) / 2)], t[int(NR * 0.9 + 0.5)], codes ? codes : "-" }'
}

logins >/dev/null  # warm-up
read -r idle idle90 idlebad < <(logins)
printf '%-6s %9s %9s %10s %10s %s\n' phase median_ms p90_ms non200 vs_idle flood
printf '%-6s %9s %9s %10s %10s\n' idle "$idle" "$idle90" "$idlebad" 1.00
for phase in ipv4 ipv6; do
  prefix=; [[ $phase == ipv6 ]] && prefix=2001:db8:66:1
  XFF_PREFIX=$prefix wrk -t2 -c"$FLOOD" -d"${SECS}s" -s bench/login-flood.lua http://127.0.0.1:8080 >"$work/wrk-$phase" &
  flood=$!
  sleep 3
  read -r med p90 bad < <(logins)
  wait "$flood"
  codes=$(awk '/Requests\/sec/ {r=$2} /Non-2xx/ {n=$5} END {printf "%s req/s, %s non-2xx", r, n}' "$work/wrk-$phase")
  printf '%-6s %9s %9s %10s %9.2fx  %s\n' "$phase" "$med" "$p90" "$bad" "$(echo "$med / $idle" | bc -l)" "$codes"
done
"$java" -version 2>&1 | head -1
grep -m1 'crypto:' "$work/service.log" | sed 's/.*crypto:/crypto:/; s/".*//' || true
echo "service log: $(grep -c 'database unavailable' "$work/service.log" || true) 'database unavailable' answers"
