# Sourced by the bench scripts: a scratch database auth_<name>_<pid> ($db), a work directory ($work),
# a KEK ($kek) and stop (ends the service whose pid is $pid); all removed when the script exits.
# usage: . bench/scratch.sh NAME
db=auth_$1_$$
work=$(mktemp -d)
kek=$(openssl rand -base64 32)
pid=
psql -h 127.0.0.1 -U postgres -qc "create database $db"
stop() { if [[ -n $pid ]]; then kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true; pid=; fi; }
scratch_cleanup() { stop; psql -h 127.0.0.1 -U postgres -qc "drop database if exists $db with (force)" || true; rm -rf "$work"; }
trap scratch_cleanup EXIT
