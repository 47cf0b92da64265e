#!/usr/bin/env bash
# A throwaway PostgreSQL 15 for tests and CI: a private cluster in one directory, listening on
# 127.0.0.1 only, with a `boxoffice` role and database. Run `scripts/postgres.sh --help`.
set -euo pipefail

PG_BINDIR="${BOXOFFICE_PG_BINDIR:-/usr/lib/postgresql/15/bin}"
PORT_FIRST=54320
PORT_LAST=54999
ROLE=boxoffice
DATABASE=boxoffice
STOP_WAIT_TENTHS=100 # 10 s for a fast shutdown before SIGKILL

usage() {
  cat <<EOF
Usage: scripts/postgres.sh up     --dir DIR [--port PORT]
       scripts/postgres.sh down   --dir DIR [--remove]
       scripts/postgres.sh status --dir DIR
       scripts/postgres.sh --help

A throwaway PostgreSQL 15 server for tests and CI, kept entirely in DIR and listening on
127.0.0.1 only (TCP) and on a unix socket in DIR. Run as root, the server runs as the
unprivileged user postgres (runuser -u postgres --); run as anyone else, it runs as that user.

Subcommands:
  up       Create the cluster in DIR/data (initdb) unless it exists, start it, and make sure a
           role '$ROLE' (LOGIN, CREATEDB) with DIR's password and a database '$DATABASE' owned
           by it exist. Then write DIR/postgres.env (mode 0600) for 'set -a; source' with:
             BOXOFFICE_DATABASE_URL=postgres://$ROLE:PASSWORD@127.0.0.1:PORT/$DATABASE
             PG_PRIMARY_PID=PID of the postmaster
             PGPORT=PORT
             PGDATA=DIR/data
           and print a one-line summary to stderr. If the server in DIR is already running it
           says so, changes nothing and exits 0. If DIR/data exists but is stopped it is
           started again (same password, the previous port if still free) and the env file is
           rewritten. Settings: listen_addresses=127.0.0.1, fsync=on, max_connections=200,
           shared_buffers=128MB; local connections use peer authentication (trust when not
           run as root: the socket sits in DIR, mode 0700), TCP uses scram-sha-256.
  down     Stop the server in DIR by its process id (PG_PRIMARY_PID from DIR/postgres.env, or
           the first line of DIR/data/postmaster.pid), after checking that the process is the
           postmaster of DIR/data: SIGINT (PostgreSQL's fast shutdown), up to 10 s to exit,
           then SIGKILL to it and its children. Stopping a stopped server is not an error.
  status   Print whether the server in DIR runs, its pid and its URL (without the password).
           Exit status 0 when it runs, 1 when it does not.

Options:
  --dir DIR    The directory holding everything: data/ (the cluster), postgres.log (the
               server's log), initdb.log, password (mode 0600), postgres.env and the socket.
               Created if missing; it must be new, empty, or made by this script. Required.
  --port PORT  (up) The TCP port on 127.0.0.1. Default: the previous port of a restarted
               cluster if free, else the first free one from $PORT_FIRST up.
  --remove     (down) Also delete DIR afterwards (refused if DIR holds files this script did
               not make).
  -h, --help   Show this text.

Environment:
  BOXOFFICE_PG_BINDIR  Where initdb, pg_ctl and psql are (default /usr/lib/postgresql/15/bin).
  PG* variables of the caller are ignored.

Exit status: 0 done, 1 failure, 2 bad usage, 3 PostgreSQL 15 is not installed
(apt-get install postgresql).

Example:
  scripts/postgres.sh up --dir /tmp/pg && set -a && . /tmp/pg/postgres.env && set +a
  psql "\$BOXOFFICE_DATABASE_URL" -c 'select 1'
  scripts/postgres.sh down --dir /tmp/pg --remove
EOF
}

say() { echo "postgres.sh: $*" >&2; }
die() {
  say "$*"
  exit 1
}
# pid_alive, port_in_use and resolve_dir, shared with the other throwaway-service script.
# shellcheck source=scripts/lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
usage_error() {
  say "$*"
  echo "Run 'scripts/postgres.sh --help' for usage." >&2
  exit 2
}

# The caller's PGHOST, PGPORT, PGDATA, PGUSER, ... must not steer initdb, pg_ctl or psql.
while read -r name; do unset "$name"; done < <(compgen -e | grep '^PG' || true)

if [ "$(id -u)" -eq 0 ]; then
  RUN_AS=(runuser -u postgres --)
  AUTH_LOCAL=peer
else
  RUN_AS=()
  AUTH_LOCAL=trust
fi
# as_pg CMD...: run CMD as the server's user, from / (the caller's directory may be closed to it).
as_pg() { (cd / && "${RUN_AS[@]}" "$@"); }

require_installed() {
  local tool
  for tool in initdb pg_ctl psql; do
    if [ ! -x "$PG_BINDIR/$tool" ]; then
      say "PostgreSQL 15 is not installed (no $PG_BINDIR/$tool): apt-get install postgresql"
      exit 3
    fi
  done
  if [ "$(id -u)" -eq 0 ] && ! id -u postgres >/dev/null 2>&1; then
    say "there is no user 'postgres' to run the server as: apt-get install postgresql"
    exit 3
  fi
}

# --- processes ----------------------------------------------------------------------------------


# is_postmaster PID DATADIR: PID is a live postgres process working in DATADIR (a postmaster
# chdirs into its data directory), so a recycled pid is never signalled.
is_postmaster() {
  local pid=$1 data=$2 comm cwd
  pid_alive "$pid" || return 1
  comm=$(cat "/proc/$pid/comm" 2>/dev/null) || return 1
  [ "$comm" = postgres ] || return 1
  cwd=$(readlink "/proc/$pid/cwd" 2>/dev/null) || return 1
  [ "$cwd" = "$(realpath -m "$data")" ]
}

# children_of PID: the pids whose parent is PID.
children_of() {
  local parent=$1 stat rest f ppid
  for f in /proc/[0-9]*/stat; do
    stat=$(cat "$f" 2>/dev/null) || continue
    rest=${stat##*) }
    read -r _ ppid _ <<<"$rest"
    if [ "$ppid" = "$parent" ]; then
      f=${f#/proc/}
      echo "${f%/stat}"
    fi
  done
}

# running_pid DIR: print the pid of DIR's running postmaster, or fail.
running_pid() {
  local dir=$1 pid
  for pid in "$(env_value "$dir" PG_PRIMARY_PID)" "$(first_line "$dir/data/postmaster.pid")"; do
    if [ -n "$pid" ] && is_postmaster "$pid" "$dir/data"; then
      echo "$pid"
      return 0
    fi
  done
  return 1
}

# --- files --------------------------------------------------------------------------------------

first_line() { if [ -r "$1" ]; then head -n 1 "$1"; fi; }
line_n() { if [ -r "$1" ]; then sed -n "${2}p" "$1"; fi; }
env_value() { if [ -r "$1/postgres.env" ]; then sed -n "s/^$2=//p" "$1/postgres.env" | head -n 1; fi; }

# dir_is_ours DIR: DIR holds nothing but what this script makes (so it may be chowned or removed).
dir_is_ours() {
  local dir=$1 entry ok=0 saved
  saved=$(shopt -p nullglob dotglob || true)
  shopt -s nullglob dotglob
  for entry in "$dir"/*; do
    case ${entry##*/} in
      data | password | postgres.env | postgres.env.new | postgres.log | initdb.log | provision.err | .s.PGSQL.*) ;;
      *) ok=1 ;;
    esac
  done
  eval "$saved"
  return "$ok"
}


# --- ports --------------------------------------------------------------------------------------


# free_port FROM: the first port from FROM up that nothing listens on.
free_port() {
  local port
  for ((port = $1; port <= PORT_LAST; port++)); do
    if ! port_in_use "$port"; then
      echo "$port"
      return 0
    fi
  done
  die "no free port on 127.0.0.1 between $1 and $PORT_LAST"
}

# --- subcommands --------------------------------------------------------------------------------

cmd_up() {
  local dir=$1 want_port=$2 data started password port pid url from attempt rc log_size elapsed
  require_installed
  started=$(date +%s%N)
  dir=$(resolve_dir "$dir" 21)  # DIR/.s.PGSQL.PORT.lock must fit
  data=$dir/data

  if pid=$(running_pid "$dir"); then
    port=$(line_n "$data/postmaster.pid" 4)
    say "already running in $dir (pid $pid, port ${port:-?}); nothing changed"
    if [ -n "$want_port" ] && [ "$want_port" != "$port" ]; then
      say "note: it listens on port $port, not the --port $want_port asked for"
    fi
    return 0
  fi

  if [ -n "$want_port" ] && port_in_use "$want_port"; then
    die "port $want_port on 127.0.0.1 is busy; pick another --port or leave it out"
  fi
  if [ -e "$dir" ]; then
    [ -d "$dir" ] || die "--dir $dir exists and is not a directory"
    dir_is_ours "$dir" || die "--dir $dir holds files this script did not make; use a new or empty directory"
  fi
  mkdir -p "$dir"
  chmod 0700 "$dir"
  if [ "$(id -u)" -eq 0 ]; then chown postgres:postgres "$dir"; fi
  as_pg test -w "$dir" -a -x "$dir" ||
    die "user postgres cannot write $dir (is a parent directory closed to it?); use a directory under /tmp"

  # A postmaster.pid whose process is gone (killed, crashed, or the pid now belongs to another
  # program) would stop the server from starting.
  if [ -f "$data/postmaster.pid" ]; then
    say "removing the stale $data/postmaster.pid (pid $(first_line "$data/postmaster.pid") is not its server)"
    rm -f "$data/postmaster.pid"
  fi

  if [ -s "$dir/password" ]; then
    password=$(first_line "$dir/password")
  else
    password=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
    (umask 077 && printf '%s\n' "$password" >"$dir/password")
  fi
  [[ $password =~ ^[A-Za-z0-9]+$ ]] || die "$dir/password must hold letters and digits only"

  if [ ! -f "$data/PG_VERSION" ]; then
    if ! as_pg "$PG_BINDIR/initdb" -D "$data" --no-sync --auth-local="$AUTH_LOCAL" \
      --auth-host=scram-sha-256 -U postgres --encoding=UTF8 --locale=C >"$dir/initdb.log" 2>&1; then
      say "initdb failed; the end of $dir/initdb.log:"
      tail -n 20 "$dir/initdb.log" >&2
      exit 1
    fi
    cat >>"$data/postgresql.conf" <<EOF

# --- scripts/postgres.sh: a throwaway test server (the port is given by pg_ctl -o) ---
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
fsync = on
max_connections = 200
shared_buffers = 128MB
EOF
  fi

  # Start; when the port was picked here and someone took it meanwhile (a parallel run), pick again.
  from=$PORT_FIRST
  port=$(env_value "$dir" PGPORT)
  if [ -n "$want_port" ]; then
    port=$want_port
  elif [[ ! $port =~ ^[0-9]+$ ]] || port_in_use "$port"; then
    port=$(free_port "$from")
  fi
  for ((attempt = 1; ; attempt++)); do
    if [ -n "$want_port" ] && port_in_use "$want_port"; then
      die "port $want_port on 127.0.0.1 is busy; pick another --port or leave it out"
    fi
    log_size=$(stat -c %s "$dir/postgres.log" 2>/dev/null || echo 0)
    rc=0
    as_pg "$PG_BINDIR/pg_ctl" -D "$data" -l "$dir/postgres.log" -w -t 60 -o "-p $port" start \
      >/dev/null 2>&1 || rc=$?
    [ "$rc" -ne 0 ] || break
    if [ -z "$want_port" ] && [ "$attempt" -lt 20 ] &&
      tail -c +$((log_size + 1)) "$dir/postgres.log" 2>/dev/null |
      grep -qE 'could not bind|could not create any TCP/IP sockets|already in use'; then
      say "port $port was taken meanwhile; trying another"
      from=$((port + 1))
      port=$(free_port "$from")
      continue
    fi
    if [ -n "$want_port" ] && tail -c +$((log_size + 1)) "$dir/postgres.log" 2>/dev/null |
      grep -qE 'could not bind|already in use'; then
      say "port $port on 127.0.0.1 is busy; pick another --port or leave it out"
    fi
    say "the server did not start (pg_ctl exit $rc); the end of $dir/postgres.log:"
    tail -c +$((log_size + 1)) "$dir/postgres.log" 2>/dev/null | tail -n 20 >&2
    exit 1
  done

  pid=$(first_line "$data/postmaster.pid")
  is_postmaster "$pid" "$data" || die "the server started but its pid ($pid) is not its postmaster"

  # Role and database, idempotently; the password always becomes DIR/password's. The SQL goes
  # through stdin so the password never shows in a process list.
  if ! as_pg "$PG_BINDIR/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir" -p "$port" -U postgres -d postgres \
    >/dev/null 2>"$dir/provision.err" <<SQL; then
SELECT 'CREATE ROLE $ROLE' WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$ROLE')\gexec
ALTER ROLE $ROLE LOGIN CREATEDB PASSWORD '$password';
SELECT 'CREATE DATABASE $DATABASE OWNER $ROLE' WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = '$DATABASE')\gexec
SQL
    say "creating the role and database failed (the server is left running; down --dir $dir stops it):"
    cat "$dir/provision.err" >&2
    rm -f "$dir/provision.err"
    exit 1
  fi
  rm -f "$dir/provision.err"

  url="postgres://$ROLE:$password@127.0.0.1:$port/$DATABASE"
  (
    umask 077
    {
      echo "BOXOFFICE_DATABASE_URL=$url"
      echo "PG_PRIMARY_PID=$pid"
      echo "PGPORT=$port"
      echo "PGDATA=$data"
    } >"$dir/postgres.env.new"
  )
  mv -f "$dir/postgres.env.new" "$dir/postgres.env"

  elapsed=$((($(date +%s%N) - started) / 1000000))
  say "PostgreSQL up in $((elapsed / 1000)).$(printf %03d $((elapsed % 1000)))s: pid $pid," \
    "postgres://$ROLE@127.0.0.1:$port/$DATABASE, env in $dir/postgres.env"
}

cmd_down() {
  local dir=$1 remove=$2 data pid i child children
  dir=$(resolve_dir "$dir" 21)  # DIR/.s.PGSQL.PORT.lock must fit
  data=$dir/data
  if [ ! -d "$dir" ]; then
    say "nothing in $dir"
    return 0
  fi

  if pid=$(running_pid "$dir"); then
    children=$(children_of "$pid")
    kill -INT "$pid" 2>/dev/null || true # fast shutdown: ends sessions, checkpoints, exits
    for ((i = 0; i < STOP_WAIT_TENTHS; i++)); do
      pid_alive "$pid" || break
      sleep 0.1
    done
    if pid_alive "$pid"; then
      say "pid $pid did not stop within 10 s; killing it and its children"
      kill -KILL "$pid" 2>/dev/null || true
      for child in $children; do
        if [ "$(cat "/proc/$child/comm" 2>/dev/null)" = postgres ]; then kill -KILL "$child" 2>/dev/null || true; fi
      done
      for ((i = 0; i < 50; i++)); do
        pid_alive "$pid" || break
        sleep 0.1
      done
      ! pid_alive "$pid" || die "pid $pid survived SIGKILL"
    fi
    # The dead postmaster stays a zombie until init reaps it (over a second in some containers);
    # wait a little so that the pid is gone for whoever checks with kill -0 next.
    for ((i = 0; i < 30; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      pid_alive "$pid" && break # the pid was reused: not ours to wait for
      sleep 0.1
    done
    say "stopped pid $pid ($data)"
  else
    say "not running ($dir)"
  fi

  if [ "$remove" = 1 ]; then
    dir_is_ours "$dir" || die "not removing $dir: it holds files this script did not make"
    rm -rf -- "$dir"
    say "removed $dir"
  fi
}

cmd_status() {
  local dir=$1 data pid port state
  dir=$(resolve_dir "$dir" 21)  # DIR/.s.PGSQL.PORT.lock must fit
  data=$dir/data
  if [ ! -f "$data/PG_VERSION" ]; then
    echo "no cluster in $dir"
    return 1
  fi
  if pid=$(running_pid "$dir"); then
    port=$(line_n "$data/postmaster.pid" 4)
    state=running
    if [ -x "$PG_BINDIR/pg_isready" ] && ! "$PG_BINDIR/pg_isready" -q -h 127.0.0.1 -p "$port"; then
      state="running but not accepting connections"
    fi
    echo "$state: pid $pid, postgres://$ROLE@127.0.0.1:$port/$DATABASE (password in $dir/password, env in $dir/postgres.env)"
    return 0
  fi
  echo "stopped: cluster in $data"
  return 1
}

# --- arguments ----------------------------------------------------------------------------------

[ $# -gt 0 ] || usage_error "a subcommand is needed: up, down or status"
command=$1
shift
case $command in
  -h | --help | help)
    usage
    exit 0
    ;;
  up | down | status) ;;
  *) usage_error "unknown subcommand '$command'" ;;
esac

dir='' port='' remove=0
while [ $# -gt 0 ]; do
  case $1 in
    -h | --help)
      usage
      exit 0
      ;;
    --dir | --port)
      [ $# -ge 2 ] || usage_error "$1 needs a value"
      if [ "$1" = --dir ]; then dir=$2; else port=$2; fi
      shift 2
      ;;
    --dir=*)
      dir=${1#--dir=}
      shift
      ;;
    --port=*)
      port=${1#--port=}
      shift
      ;;
    --remove)
      remove=1
      shift
      ;;
    *) usage_error "unknown argument '$1'" ;;
  esac
done

[ -n "$dir" ] || usage_error "$command needs --dir DIR"
if [ -n "$port" ]; then
  [ "$command" = up ] || usage_error "--port is for up only"
  if [[ ! $port =~ ^[0-9]{4,5}$ ]] || [ "$port" -lt 1024 ] || [ "$port" -gt 65535 ]; then
    usage_error "--port $port: give a number from 1024 to 65535"
  fi
fi
[ "$remove" = 0 ] || [ "$command" = down ] || usage_error "--remove is for down only"

case $command in
  up) cmd_up "$dir" "$port" ;;
  down) cmd_down "$dir" "$remove" ;;
  status) cmd_status "$dir" ;;
esac
