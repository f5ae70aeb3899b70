#!/usr/bin/env bash
# A throwaway PostgreSQL cluster, and a PgBouncer in transaction mode in front of it, for the
# tests of the PostgreSQL job store: made in a folder of its own, reached only through Unix
# sockets in that folder (no TCP port, so nothing that already listens on this machine — a
# cluster the Debian package started on 5432, a PgBouncer on 6432 — is in the way), and removed
# whole by `stop`.
#
#   tools/pg-cluster.sh start DIR   # DIR must not exist; prints the connection strings
#   tools/pg-cluster.sh stop DIR    # stops both servers (if running) and removes DIR
#   tools/pg-cluster.sh status DIR  # exit 0 when the server answers
#   tools/pg-cluster.sh server-stop DIR   # stops the PostgreSQL server only (PgBouncer stays):
#   tools/pg-cluster.sh server-start DIR  # ... and starts it again — a database that goes away
#
# `start` writes DIR/env, lines of NAME='VALUE' (a shell may source it):
#   CLOCKWORK_PG_DIRECT   libpq URI of the database, straight to the server
#   CLOCKWORK_PG_POOLED   the same database through PgBouncer (transaction pooling)
#   CLOCKWORK_PG_PASSWORD_ROLE  a role that must give a password (scram-sha-256), for the tests of
#                               refused authentication; its password is in DIR/password
# Both servers refuse to run as root: run as root, the script runs them as `nobody` (the folder
# is given to that user); otherwise as the calling user. A `start` into a DIR left behind by a
# run that was killed (a ctest timeout) stops what is left there first.
#
# CLOCKWORK_PG_FSYNC=on makes the server flush every commit to the disk (the default, off, is for
# the tests; benchmarks turn it on).
#
# CLOCKWORK_PG_TESTS=0 starts nothing and writes DIR/env with CLOCKWORK_PG_SKIP, which makes the
# tests skip with that message; nothing else skips them.
#
# Needs the server binaries (/usr/lib/postgresql/15/bin, package postgresql-15) and pgbouncer
# (package pgbouncer): tools/deps.sh --postgres installs them.
set -euo pipefail

bin=${CLOCKWORK_PG_BIN:-/usr/lib/postgresql/15/bin}
die() { echo "tools/pg-cluster.sh: $*" >&2; exit 2; }

[ $# -eq 2 ] || die "usage: tools/pg-cluster.sh start|stop|status DIR"
command=$1
dir=$2
case "$dir" in /*) ;; *) dir="$PWD/$dir" ;; esac

# Unix socket paths are limited to 107 bytes: the sockets live in a short folder under /tmp,
# named after DIR, and DIR/sockets points to it.
socket_dir() { echo "/tmp/cw-pg-$(printf '%s' "$dir" | md5sum | cut -c1-12)"; }

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u nobody -- "$@"
  else
    "$@"
  fi
}

stop_cluster() {
  local sockets
  sockets=$(socket_dir)
  if [ -f "$dir/pgbouncer.pid" ]; then
    kill "$(cat "$dir/pgbouncer.pid")" 2>/dev/null || true
  fi
  if [ -f "$dir/data/postmaster.pid" ]; then
    as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir" "$sockets"
}

case "$command" in
  stop)
    stop_cluster
    ;;
  status)
    "$bin/pg_isready" -q -h "$(socket_dir)" -p 5432
    ;;
  server-stop)
    # Fast shutdown: the server ends every session (their transactions roll back) and stops.
    [ -f "$dir/data/postmaster.pid" ] || die "no server runs in $dir"
    as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null || die "the server did not stop"
    ;;
  server-start)
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null ||
      die "the server did not start: $(tail -n 5 "$dir/server.log")"
    ;;
  start)
    if [ "${CLOCKWORK_PG_TESTS:-1}" = 0 ]; then
      # Opted out: the tests that need the server see this and skip, saying why.
      if [ -e "$dir" ]; then stop_cluster; fi
      mkdir -p "$dir"
      echo "CLOCKWORK_PG_SKIP='CLOCKWORK_PG_TESTS=0: the PostgreSQL tests are skipped'" >"$dir/env"
      echo "tools/pg-cluster.sh: CLOCKWORK_PG_TESTS=0: no cluster started; the PostgreSQL tests skip"
      exit 0
    fi
    [ -x "$bin/initdb" ] || die "no PostgreSQL server binaries in $bin (install postgresql-15: tools/deps.sh --postgres)"
    command -v pgbouncer >/dev/null || die "pgbouncer is not installed (tools/deps.sh --postgres)"
    # What a killed run left behind goes first.
    if [ -e "$dir" ]; then stop_cluster; fi
    sockets=$(socket_dir)
    # The tests create a database each (a hundred and more per run) and stop the server mid-run:
    # without fsync, neither waits on the disk (nothing here survives a crash of the machine
    # anyway). Benchmarks ask for the real thing: CLOCKWORK_PG_FSYNC=on.
    fsync=${CLOCKWORK_PG_FSYNC:-off}
    case "$fsync" in on|off) ;; *) die "CLOCKWORK_PG_FSYNC must be on or off, not '$fsync'" ;; esac
    mkdir -p "$dir" "$sockets"
    if [ "$(id -u)" -eq 0 ]; then
      chown nobody:nogroup "$dir" "$sockets"
      # The folder above must let the server's user through.
      parent=$(dirname "$dir")
      while [ "$parent" != / ]; do
        chmod o+x "$parent" 2>/dev/null || true
        parent=$(dirname "$parent")
      done
    fi
    chmod 700 "$dir" "$sockets"
    password=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
    as_owner bash -c "umask 077; printf '%s' '$password' > '$dir/password'"
    as_owner "$bin/initdb" -D "$dir/data" -U clockwork --auth-local=trust --auth-host=reject \
      --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
      die "initdb failed: $(tail -n 5 "$dir/initdb.log")"
    # The password role authenticates; everyone else on the socket is trusted.
    as_owner bash -c "printf 'local all clockwork_password scram-sha-256\nlocal all all trust\n' > '$dir/data/pg_hba.conf'"
    as_owner bash -c "cat >> '$dir/data/postgresql.conf'" <<EOF
listen_addresses = ''
unix_socket_directories = '$sockets'
port = 5432
max_connections = 200
fsync = $fsync
log_min_messages = warning
EOF
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null ||
      die "the server did not start: $(tail -n 5 "$dir/server.log")"
    as_owner psql -q -h "$sockets" -p 5432 -U clockwork -d postgres -v ON_ERROR_STOP=1 \
      -c "CREATE DATABASE clockwork" -c "CREATE ROLE clockwork_password LOGIN PASSWORD '$password'" >/dev/null
    # PgBouncer in transaction pooling, on a socket of its own (port 6432 in the same folder).
    as_owner bash -c "cat > '$dir/pgbouncer.ini'" <<EOF
[databases]
* = host=$sockets port=5432
[pgbouncer]
listen_addr =
unix_socket_dir = $sockets
listen_port = 6432
auth_type = trust
auth_file = $dir/userlist.txt
pool_mode = transaction
max_client_conn = 500
default_pool_size = 40
pidfile = $dir/pgbouncer.pid
logfile = $dir/pgbouncer.log
EOF
    as_owner bash -c "printf '\"clockwork\" \"\"\n' > '$dir/userlist.txt'"
    as_owner pgbouncer -d -q "$dir/pgbouncer.ini" || die "pgbouncer did not start: $(tail -n 5 "$dir/pgbouncer.log")"
    for _ in $(seq 1 100); do
      [ -S "$sockets/.s.PGSQL.6432" ] && break
      sleep 0.05
    done
    [ -S "$sockets/.s.PGSQL.6432" ] || die "pgbouncer did not open its socket: $(tail -n 5 "$dir/pgbouncer.log")"
    cat >"$dir/env" <<EOF
CLOCKWORK_PG_DIRECT='postgresql:///clockwork?host=$sockets&port=5432&user=clockwork'
CLOCKWORK_PG_POOLED='postgresql:///clockwork?host=$sockets&port=6432&user=clockwork'
CLOCKWORK_PG_PASSWORD_ROLE='clockwork_password'
EOF
    chmod 644 "$dir/env"
    cat "$dir/env"
    ;;
  *)
    die "unknown command '$command' (start, stop, status, server-stop or server-start)"
    ;;
esac
