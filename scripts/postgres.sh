#!/usr/bin/env bash
# Throw-away PostgreSQL server for the endpoint's tests, which run against a
# real server rather than a mock so that SQL, locking and durability behave as
# in production. initdb refuses to run as root, so the cluster belongs to an
# unprivileged user. Only the connection URL goes to stdout, so callers can
# write URL=$(scripts/postgres.sh start DIR).
#
#   scripts/postgres.sh start DIR     create + start a cluster in DIR, print its URL
#   scripts/postgres.sh restart DIR   fast restart, same port and options
#   scripts/postgres.sh stop DIR      stop (if running) and delete DIR
set -euo pipefail

die() { echo "postgres.sh: $*" >&2; exit 1; }
[ $# -eq 2 ] || die "usage: $0 start|stop|restart DIR"
cmd=$1
# Absolute, because the commands run from / and the path goes into the server's -k option.
DIR=$(realpath -m -- "$2")
MARK="$DIR/.safe-contact-pg"  # stop deletes only directories this script created

# /usr/local/bin/initdb may be a stale symlink; the Debian package's own tree is authoritative.
pgbin() { ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n1 | xargs -r dirname; }
BIN=$(pgbin)
if [ -z "$BIN" ]; then
  [ "$cmd" = start ] || die "PostgreSQL is not installed"
  echo "postgres.sh: installing postgresql" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y --no-install-recommends postgresql >&2 ||
    { apt-get update >&2 && apt-get install -y --no-install-recommends postgresql >&2; }
  BIN=$(pgbin); [ -n "$BIN" ] || die "no initdb after installing postgresql"
fi

if id -u postgres >/dev/null 2>&1; then PGUSER=postgres
else
  PGUSER=safe-contact-pg
  id -u "$PGUSER" >/dev/null 2>&1 ||
    useradd --system --no-create-home --shell /usr/sbin/nologin "$PGUSER"
fi
# cd / because the caller's cwd (often /root) is unreadable to that user and the tools warn about it.
as_pg() { (cd / && runuser -u "$PGUSER" -- "$@"); }

case "$cmd" in
start)
  [ ! -e "$DIR" ] || [ -z "$(ls -A "$DIR")" ] || die "$DIR exists and is not empty"
  mkdir -p "$DIR/sock"
  touch "$MARK"
  chown -R "$PGUSER:" "$DIR"
  chmod 700 "$DIR" "$DIR/sock"
  as_pg test -w "$DIR" || die "$PGUSER cannot reach $DIR (is a parent directory private?)"
  locale=C.UTF-8
  locale -a | grep -Eqix 'c\.utf-?8' || locale=C
  as_pg "$BIN/initdb" -D "$DIR/data" -A trust -U postgres --encoding=UTF8 \
    --locale="$locale" --no-sync >&2
  # Scan for a free port, but still retry on bind failure: two concurrent starts
  # can both see the same port as free.
  port=55432
  for attempt in $(seq 20); do
    while ss -Hltn "sport = :$port" | grep -q .; do port=$((port + 1)); done
    opts="-p $port -k '$DIR/sock' -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=on"
    rm -f "$DIR/log"
    if as_pg "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/log" -w -t 60 start -o "$opts" >&2; then
      break
    fi
    grep -q 'Address already in use' "$DIR/log" 2>/dev/null || { cat "$DIR/log" >&2 || true; die "server failed to start"; }
    [ "$attempt" -lt 20 ] || die "no free port found"
    port=$((port + 1))
  done
  echo "$opts" >"$DIR/opts"
  echo "postgres://postgres@127.0.0.1:$port/postgres" | tee "$DIR/url"
  ;;
restart)
  [ -f "$DIR/opts" ] || die "$DIR was not started by this script"
  # -l again, or the new postmaster would log onto our stdout.
  as_pg "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/log" -w -t 60 -m fast restart -o "$(cat "$DIR/opts")" >&2
  ;;
stop)
  [ -e "$DIR" ] || exit 0
  [ -f "$MARK" ] || die "$DIR was not created by this script; not deleting it"
  if as_pg "$BIN/pg_ctl" -D "$DIR/data" status >/dev/null 2>&1; then
    as_pg "$BIN/pg_ctl" -D "$DIR/data" -w -t 60 -m fast stop >&2
  fi
  rm -rf -- "$DIR"
  ;;
*) die "unknown command $cmd (want start, stop or restart)" ;;
esac
