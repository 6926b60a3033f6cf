# Sourced by .ci/database-tls-smoke and .ci/kube-smoke: a PostgreSQL of their own that speaks TLS
# only (hostssl), with a server certificate for "localhost" from a CA made here ($1/ca.crt), and an
# unrelated CA ($1/other.crt) to be refused. Run as root.
#   tls_postgres_start DIR PORT [NAME ADDRESS SUBNET]
#     DIR: an empty folder of the caller's, the data lives there; NAME, ADDRESS: one more name on the
#     certificate and address to listen on, SUBNET: clients admitted there (a container network)
#   tls_postgres_stop DIR
pg=/usr/lib/postgresql/$(ls /usr/lib/postgresql | sort -n | tail -1)/bin

tls_postgres_start() {
  local work=$1 port=$2 name=${3:-} address=${4:-} subnet=${5:-}
  chmod 755 "$work"
  (
    cd "$work"
    openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=test-db-ca -keyout ca.key -out ca.crt 2>/dev/null
    openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=other-ca -keyout other.key -out other.crt 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj /CN=localhost -keyout server.key -out server.csr 2>/dev/null
    printf 'subjectAltName=DNS:localhost%s\n' "${name:+,DNS:$name}" > san.ext
    openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 1 -extfile san.ext -out server.crt 2>/dev/null
    chown postgres server.key server.crt && chmod 600 server.key
    chmod 644 ca.crt other.crt
  )
  install -d -o postgres -m 700 "$work/data"
  runuser -u postgres -- "$pg/initdb" -D "$work/data" -A trust -U postgres >/dev/null
  echo "hostssl all all 127.0.0.1/32 trust" > "$work/data/pg_hba.conf"
  [[ -n $subnet ]] && echo "hostssl all all $subnet trust" >> "$work/data/pg_hba.conf"
  echo "local all all trust" >> "$work/data/pg_hba.conf"
  runuser -u postgres -- "$pg/pg_ctl" -D "$work/data" -l "$work/data/postgres.log" -w start -o \
    "-p $port -k $work/data -c listen_addresses=127.0.0.1${address:+,$address} -c ssl=on -c ssl_cert_file=$work/server.crt -c ssl_key_file=$work/server.key" >/dev/null
  if psql "host=127.0.0.1 port=$port user=postgres sslmode=disable" -c 'select 1' >/dev/null 2>&1; then
    echo "the test database accepts connections without TLS" >&2
    return 1
  fi
}

tls_postgres_stop() {
  [[ -f $1/data/postmaster.pid ]] && runuser -u postgres -- "$pg/pg_ctl" -D "$1/data" -m immediate stop >/dev/null 2>&1 || true
}
