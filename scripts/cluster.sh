#!/usr/bin/env bash
# A throwaway BoxOffice cluster on loopback: a PostgreSQL, N boxofficed nodes sharing it, and HAProxy
# in front of them. Run `scripts/cluster.sh --help`.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PG_BINDIR="${BOXOFFICE_PG_BINDIR:-/usr/lib/postgresql/15/bin}"
DEFAULT_NODES=3
MAX_NODES=32
DEFAULT_PORT=7070
# HAProxy connects to the nodes from this address, and the nodes require a PROXY header from it
# alone: anything else on loopback (a test, a peer, the CLI) still talks to a node directly.
PROXY_SOURCE=127.0.0.10
READY_WAIT_SECONDS=90 # for each node's "boxofficed ready on" line
UP_WAIT_SECONDS=30    # for HAProxy to pass a health check of every node
AGREE_WAIT_SECONDS=15 # for every node to have seen every other in the nodes table
STOP_WAIT_TENTHS=150  # 15 s for a node to finish its calls after SIGTERM, before SIGKILL
START_ATTEMPTS=5      # a port picked here and taken by someone else before the bind: pick again

usage() {
  cat <<EOF
Usage: scripts/cluster.sh up     [--nodes N] [--dir DIR] [--port PORT] [-- FLAGS...]
       scripts/cluster.sh down   --dir DIR [--remove]
       scripts/cluster.sh status --dir DIR
       scripts/cluster.sh --help

A throwaway BoxOffice cluster on 127.0.0.1, kept entirely in DIR: one PostgreSQL 15 (through
scripts/postgres.sh), N boxofficed nodes on it, and HAProxy in front of them:

  clients -> HAProxy 127.0.0.1:PORT -> node-1 .. node-N (127.0.0.1) -> PostgreSQL (127.0.0.1)

Subcommands:
  up       1. Starts PostgreSQL with 'scripts/postgres.sh up --dir DIR/pg' (a free port), writes
              DIR/signing.key (32 random bytes, mode 0600: the one key every node signs tokens
              with) and loads the demo catalogue once with 'boxofficed catalogue --demo', so that
              nodes starting together never race to load it.
           2. Starts node-1 .. node-N, each as
                boxofficed serve --node-id node-I --host 127.0.0.1 --port P_I --peer-port Q_I
                  --trusted-proxies $PROXY_SOURCE/32 --secret-file DIR/signing.key
                  --database \$BOXOFFICE_DATABASE_URL FLAGS...
              on free ports (P_I from PORT+1 up, Q_I from PORT+101 up), logging to DIR/node-I.log,
              and waits up to ${READY_WAIT_SECONDS} s for each one's "boxofficed ready on" line.
           3. Writes DIR/haproxy.cfg and starts haproxy in the foreground, in the background of
              this script (its pid in DIR/haproxy.pid, its log in DIR/haproxy.log). It listens on
              127.0.0.1:PORT and sends each client to a node by a consistent hash of the client's
              address (balance source), with a PROXY v2 header naming the client; it connects
              from $PROXY_SOURCE, and checks every node each 500 ms with a GetInfo call.
           4. Waits up to ${UP_WAIT_SECONDS} s until HAProxy has seen every node pass a health check
              (asked on its stats socket), then up to ${AGREE_WAIT_SECONDS} s until every node has
              seen all the others in the nodes table (one more heartbeat each).
           5. Writes DIR/cluster.env (mode 0600) for 'set -a; . DIR/cluster.env; set +a':
                BOXOFFICE_SERVER=127.0.0.1:PORT        HAProxy: what clients use
                BOXOFFICE_DATABASE_URL=postgres://...  the nodes' database (with its password)
                NODE_IDS=node-1,...   NODE_ADDRS=127.0.0.1:P_1,...   NODE_PIDS=PID_1,...
                NODE_PEER_ADDRS=127.0.0.1:Q_1,...      (all in the same order)
                HAPROXY_PID=PID   HAPROXY_STATS=127.0.0.1:S (stats, read-only)
                PG_PRIMARY_PID=PID   CLUSTER_DIR=DIR   BOXOFFICED=the binary the nodes run
              and prints a summary to stderr.
           If a step fails, up stops whatever it had started and keeps DIR with its logs.
           Starting in a DIR whose cluster was stopped (down without --remove) reuses its
           database and signing key.
  down     Stops HAProxy, then every node (SIGTERM: it answers the calls in flight and leaves
           the nodes table; after 15 s, SIGKILL), then PostgreSQL (scripts/postgres.sh down), each
           by its pid after checking that the pid is still that process. Ones already dead (a
           test may SIGKILL a node) are no error.
  status   Prints each process of the cluster, whether it runs, and how HAProxy sees each node
           (its state and last check). Exit status 0 when everything runs and every node is UP.

Options:
  --nodes N    (up) How many nodes, 1 to $MAX_NODES. Default: $DEFAULT_NODES.
  --dir DIR    The directory holding everything: pg/ (PostgreSQL), signing.key, catalogue.log,
               node-I.log and node-I.pid, haproxy.cfg, haproxy.log, haproxy.pid, haproxy.sock
               (HAProxy's admin socket, mode 0600: 'show servers state' with socat) and
               cluster.env. For up: default a new directory from mktemp -d; otherwise it must be
               new, empty, or one this script made. Required for down and status.
  --port PORT  (up) HAProxy's port for clients. Default: $DEFAULT_PORT, or the next free one when
               $DEFAULT_PORT is busy; a PORT given here must be free.
  --remove     (down) Also delete DIR afterwards (refused if DIR holds files this script did
               not make).
  -- FLAGS...  (up) Everything after -- is given to every boxofficed, e.g. for a load test from
               one address: -- --trusted 127.0.0.0/8 --password-hash-rounds 1000. The options
               this script sets itself (--node-id, --host, --port, --peer-host, --peer-port,
               --advertise-peer, --secret-file, --database) are refused there.
  -h, --help   Show this text.

Environment:
  BOXOFFICED           The boxofficed binary. Default: the release build's
                       (swift build -c release --show-bin-path), else the debug build's.
  BOXOFFICE_PG_BINDIR  Where PostgreSQL 15's programs are (default /usr/lib/postgresql/15/bin).

Exit status: 0 done, 1 failure, 2 bad usage, 3 something is not installed or built (haproxy:
apt-get install haproxy; PostgreSQL 15: apt-get install postgresql; boxofficed: swift build -c
release).

Example:
  scripts/cluster.sh up --nodes 3 --dir /tmp/cluster
  set -a; . /tmp/cluster/cluster.env; set +a
  boxoffice theatres --near 10001        # through HAProxy: the CLI reads \$BOXOFFICE_SERVER
  scripts/cluster.sh down --dir /tmp/cluster --remove
EOF
}

say() { echo "cluster.sh: $*" >&2; }
die() {
  say "$*"
  exit 1
}
# pid_alive, port_in_use and resolve_dir, shared with the other throwaway-service script.
# shellcheck source=scripts/lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
usage_error() {
  say "$*"
  echo "Run 'scripts/cluster.sh --help' for usage." >&2
  exit 2
}
missing() {
  say "$*"
  exit 3
}

# The caller's PGHOST, PGPASSWORD, ... must not steer psql.
while read -r name; do unset "$name"; done < <(compgen -e | grep '^PG' || true)

# --- processes ----------------------------------------------------------------------------------


# is_ours PID COMM NEEDLE: PID is a live COMM process whose command line holds NEEDLE (a path in
# DIR), so that a pid the system has since given to another program is never signalled.
is_ours() {
  local pid=$1 comm=$2 needle=$3 cmdline
  pid_alive "$pid" || return 1
  [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$comm" ] || return 1
  cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
  [[ " $cmdline " == *" $needle "* ]]
}
is_node() { is_ours "$1" boxofficed "$2/signing.key"; }       # PID DIR
is_haproxy() { is_ours "$1" haproxy "$2/haproxy.cfg"; }       # PID DIR

# stop_pids DIR WHAT SIGNAL PID...: send SIGNAL to each PID that is still the WHAT (node or
# haproxy) of DIR, wait for them up to STOP_WAIT_TENTHS, then SIGKILL those left.
stop_pids() {
  local dir=$1 what=$2 signal=$3 pid i left
  shift 3
  local live=()
  for pid in "$@"; do
    if "is_$what" "$pid" "$dir"; then
      kill "-$signal" "$pid" 2>/dev/null || true
      live+=("$pid")
    fi
  done
  [ ${#live[@]} -gt 0 ] || return 0
  for ((i = 0; i < STOP_WAIT_TENTHS; i++)); do
    left=0
    for pid in "${live[@]}"; do if pid_alive "$pid"; then left=1; fi; done
    [ "$left" = 1 ] || break
    sleep 0.1
  done
  for pid in "${live[@]}"; do
    if pid_alive "$pid"; then
      say "pid $pid ($what) did not stop within $((STOP_WAIT_TENTHS / 10)) s; killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
  for ((i = 0; i < 50; i++)); do
    left=0
    for pid in "${live[@]}"; do if pid_alive "$pid"; then left=1; fi; done
    [ "$left" = 1 ] || return 0
    sleep 0.1
  done
  die "pids ${live[*]} ($what) survived SIGKILL"
}

# --- files --------------------------------------------------------------------------------------

first_line() { if [ -r "$1" ]; then head -n 1 "$1"; fi; }
# env_value FILE NAME: NAME's value in an env file.
env_value() { if [ -r "$1" ]; then sed -n "s/^$2=//p" "$1" | head -n 1; fi; }

# dir_is_ours DIR: DIR holds nothing but what this script makes (so it may be reused or removed).
dir_is_ours() {
  local dir=$1 entry ok=0 saved
  saved=$(shopt -p nullglob dotglob || true)
  shopt -s nullglob dotglob
  for entry in "$dir"/*; do
    case ${entry##*/} in
      .cluster-sh | pg | signing.key | catalogue.log | node-[0-9]*.log | node-[0-9]*.pid | haproxy.cfg | \
        haproxy.cfg.new | haproxy.log | haproxy.pid | haproxy.sock | haproxy.sock.* | cluster.env | cluster.env.new) ;;
      *) ok=1 ;;
    esac
  done
  eval "$saved"
  return "$ok"
}


# --- ports --------------------------------------------------------------------------------------

# Ports this run has handed out, so that two of its listeners never get the same one.
reserved=" "


# port_bound PORT: a socket on this machine has PORT as its own port: listening, or a connection,
# or one in TIME_WAIT (a node restarted must not land on a port whose old connections still
# linger, where a client could meet them). Without ss, only a listener is seen.
port_bound() {
  port_in_use "$1" && return 0
  command -v ss >/dev/null || return 1
  [ -n "$(ss -Htan "sport = :$1" 2>/dev/null | head -n 1)" ]
}

# pick_port CHECK FROM: sets picked to the first port from FROM up (wrapping round to 1024) that
# CHECK (port_in_use or port_bound) finds free and this run has not handed out yet, and hands it
# out. (Not called in a $(...): the list of ports handed out must outlive the call.)
picked=''
pick_port() {
  local check=$1 from=$2 port n
  for ((n = 0; n < 65535 - 1024; n++)); do
    port=$((from + n))
    [ "$port" -le 65535 ] || port=$((port - 65535 + 1023))
    [[ $reserved == *" $port "* ]] && continue
    if ! "$check" "$port"; then
      reserved+="$port "
      picked=$port
      return 0
    fi
  done
  die "no free port on 127.0.0.1"
}

# --- boxofficed ---------------------------------------------------------------------------------

# find_boxofficed: the binary from $BOXOFFICED, else the release build's, else the debug build's.
find_boxofficed() {
  local bin
  if [ -n "${BOXOFFICED:-}" ]; then
    [ -x "$BOXOFFICED" ] || missing "BOXOFFICED=$BOXOFFICED is not an executable file"
    realpath -- "$BOXOFFICED"
    return 0
  fi
  if command -v swift >/dev/null; then
    for bin in "$(cd "$ROOT" && swift build -c release --show-bin-path 2>/dev/null)" \
      "$(cd "$ROOT" && swift build --show-bin-path 2>/dev/null)"; do
      if [ -n "$bin" ] && [ -x "$bin/boxofficed" ]; then
        echo "$bin/boxofficed"
        return 0
      fi
    done
  fi
  missing "no boxofficed: build first: swift build -c release (or set BOXOFFICED=/path/to/boxofficed)"
}

# --- HAProxy's stats ----------------------------------------------------------------------------

# stats_query HOST:PORT COMMAND: COMMAND's answer on HAProxy's TCP stats socket. Bash's /dev/tcp
# needs no socat or nc; HAProxy answers one command and closes.
stats_query() {
  # shellcheck disable=SC2016 # expanded by the inner bash
  timeout 3 bash -c 'exec 3<>"/dev/tcp/${1%:*}/${1##*:}" && printf "%s\n" "$2" >&3 && cat <&3' _ "$1" "$2"
}

# node_states HOST:PORT: one line per server of backend nodes: NAME|STATUS|CHECK|LAST_CHECK, where
# STATUS is HAProxy's (UP, DOWN, "UP 1/2" going down, "DOWN 1/2" coming up, MAINT) and CHECK the
# last check's result (INI before the first, L7OK passed, L4CON refused, L7RSP bad answer, ...).
node_states() {
  stats_query "$1" "show stat" | awk -F, '
    NR == 1 { sub(/^# /, ""); for (i = 1; i <= NF; i++) col[$i] = i; next }
    $1 == "nodes" && $2 != "BACKEND" && $2 != "FRONTEND" {
      check = $col["check_status"]; sub(/^\* /, "", check)
      print $2 "|" $col["status"] "|" check "|" $col["last_chk"]
    }'
}

# --- subcommands --------------------------------------------------------------------------------

# What up has started, for stopping it again if a later step fails.
up_dir='' up_pg=0 up_done=0
up_node_pids=()
up_haproxy_pid=''

up_cleanup() {
  local status=$?
  [ "$up_done" = 0 ] || return 0
  trap - EXIT
  say "up failed; stopping what it started (the logs stay in $up_dir)"
  if [ -n "$up_haproxy_pid" ]; then stop_pids "$up_dir" haproxy TERM "$up_haproxy_pid" || true; fi
  if [ ${#up_node_pids[@]} -gt 0 ]; then stop_pids "$up_dir" node TERM "${up_node_pids[@]}" || true; fi
  if [ "$up_pg" = 1 ]; then "$ROOT/scripts/postgres.sh" down --dir "$up_dir/pg" || true; fi
  [ "$status" -ne 0 ] || status=1
  exit "$status"
}

# start_node DIR I BOXOFFICED URL FLAGS...: start node-I on fresh ports; sets node_pid, node_port,
# node_peer_port.
start_node() {
  local dir=$1 i=$2 bin=$3 url=$4 log
  shift 4
  log=$dir/node-$i.log
  pick_port port_bound $((client_port + i))
  node_port=$picked
  pick_port port_bound $((client_port + 100 + i))
  node_peer_port=$picked
  echo "--- cluster.sh: starting node-$i on 127.0.0.1:$node_port, peer port $node_peer_port ($(date -u +%FT%TZ))" >>"$log"
  # setsid: a node belongs to no terminal or process group of the caller's, as a daemon; it is
  # stopped by 'down', by its pid. (Never a group leader here, so setsid execs: $! is the node.)
  setsid "$bin" serve --node-id "node-$i" --host 127.0.0.1 --port "$node_port" \
    --peer-port "$node_peer_port" --trusted-proxies "$PROXY_SOURCE/32" --secret-file "$dir/signing.key" \
    --database "$url" "$@" </dev/null >>"$log" 2>&1 &
  node_pid=$!
  up_node_pids+=("$node_pid")
  echo "$node_pid" >"$dir/node-$i.pid"
}

# wait_node DIR I PID PORT: wait for node-I's ready line on PORT; 0 ready, 1 failed, 2 failed
# because a port was taken (worth another try on other ports).
wait_node() {
  local dir=$1 i=$2 pid=$3 port=$4 log tenths ready
  log=$dir/node-$i.log
  for ((tenths = 0; tenths < READY_WAIT_SECONDS * 10; tenths++)); do
    # Only what this start of the node wrote, after the last marker line.
    ready=$(awk '/^--- cluster.sh: starting/ { text = "" } { text = text $0 "\n" } END { printf "%s", text }' "$log" |
      grep -o 'boxofficed ready on [^ ]*' | head -n 1 || true)
    if [ -n "$ready" ]; then
      [ "$ready" = "boxofficed ready on 127.0.0.1:$port" ] ||
        die "node-$i says '$ready', not the 127.0.0.1:$port it was given (see $log)"
      is_node "$pid" "$dir" || die "node-$i (pid $pid) said it was ready but is not running (see $log)"
      return 0
    fi
    if ! pid_alive "$pid"; then
      if grep -qiE 'in use|EADDRINUSE' <(tail -n 20 "$log"); then return 2; fi
      say "node-$i (pid $pid) exited before it was ready; the end of $log:"
      tail -n 20 "$log" >&2
      return 1
    fi
    sleep 0.1
  done
  say "node-$i (pid $pid) was not ready within $READY_WAIT_SECONDS s; the end of $log:"
  tail -n 20 "$log" >&2
  return 1
}

# write_haproxy_cfg DIR PORT STATS_PORT NODE_PORT...
write_haproxy_cfg() {
  local dir=$1 port=$2 stats=$3 i=0 node_port
  shift 3
  {
    cat <<EOF
# Written by scripts/cluster.sh up for the cluster in $dir; every up writes it again.
global
    log stdout format raw local0 info
    # The admin socket (show stat, show servers state, disable server ...), and a read-only one
    # on loopback that scripts/cluster.sh reads with bash alone.
    stats socket $dir/haproxy.sock mode 600 level admin
    stats socket ipv4@127.0.0.1:$stats level user

defaults
    mode tcp
    log global
    option tcplog
    option dontlognull
    timeout connect 2s
    timeout client 10m
    timeout server 10m
    # A node busy with a load test may take longer than the 500 ms between checks to answer one.
    timeout check 1s
    # A connection to a node that died before its health checks noticed goes to another node.
    retries 2
    option redispatch 1

frontend boxoffice
    bind 127.0.0.1:$port
    default_backend nodes

backend nodes
    # balance source: each client address sticks to one node (a consistent hash, so a node that
    # leaves or joins moves only the addresses it had or takes), so that node's per-client rate-
    # limit buckets and bot evidence see all of that client's calls and stay exact; round robin
    # would need every node's limits divided by N and still let a client's burst land N times.
    balance source
    hash-type consistent
    # The health check is a GetInfo call: a 4-byte big-endian length (4), then the Request
    # 08 01 52 00 (call_id 1, get_info {}); a healthy node answers a Response that starts
    # 08 01 12 00 52 (call_id 1, an OK status, a get_info answer). 'connect default' keeps the
    # server line's check-send-proxy: the node requires a PROXY header from $PROXY_SOURCE.
    option tcp-check
    tcp-check connect default
    tcp-check send-binary 0000000408015200
    tcp-check expect binary 0801120052
EOF
    for node_port in "$@"; do
      i=$((i + 1))
      echo "    server node-$i 127.0.0.1:$node_port send-proxy-v2 check check-send-proxy inter 500ms fall 2 rise 2 source $PROXY_SOURCE"
    done
  } >"$dir/haproxy.cfg.new"
  mv -f "$dir/haproxy.cfg.new" "$dir/haproxy.cfg"
}

cmd_up() {
  local nodes=$1 dir=$2 want_port=$3 bin pg_env url pg_pid pg_port pg_password started elapsed
  shift 3
  local flags=("$@")
  started=$(date +%s%N)

  command -v haproxy >/dev/null || missing "haproxy is not installed: apt-get install haproxy"
  command -v setsid >/dev/null || missing "setsid is not installed: apt-get install util-linux"
  bin=$(find_boxofficed)
  local help
  help=$("$bin" serve --help 2>/dev/null || true)
  if [[ $help != *--node-id* ]] || [[ $help != *--trusted-proxies* ]]; then
    missing "$bin has no --node-id or --trusted-proxies: an older build; build again: swift build -c release"
  fi

  if [ -z "$dir" ]; then
    dir=$(mktemp -d)
  fi
  dir=$(resolve_dir "$dir" 24)  # DIR/pg/.s.PGSQL.PORT.lock and DIR/haproxy.sock.PID.tmp must fit
  if [ -e "$dir" ]; then
    [ -d "$dir" ] || die "--dir $dir exists and is not a directory"
    dir_is_ours "$dir" || die "--dir $dir holds files this script did not make; use a new or empty directory"
    local pid f
    for f in "$dir"/node-*.pid; do
      pid=$(first_line "$f")
      if [ -n "$pid" ] && is_node "$pid" "$dir"; then
        die "a cluster already runs in $dir (node pid $pid); 'scripts/cluster.sh down --dir $dir' first"
      fi
    done
    pid=$(first_line "$dir/haproxy.pid")
    if [ -n "$pid" ] && is_haproxy "$pid" "$dir"; then
      die "a cluster already runs in $dir (haproxy pid $pid); 'scripts/cluster.sh down --dir $dir' first"
    fi
  fi
  # HAProxy's port: the one asked for must be free; the default may move on.
  if [ -n "$want_port" ]; then
    port_in_use "$want_port" && die "port $want_port on 127.0.0.1 is busy; pick another --port or leave it out"
    client_port=$want_port
    reserved+="$client_port "
  else
    pick_port port_in_use "$DEFAULT_PORT"
    client_port=$picked
    [ "$client_port" = "$DEFAULT_PORT" ] || say "port $DEFAULT_PORT is busy; HAProxy listens on $client_port"
  fi

  mkdir -p "$dir"
  # Others may pass through (run as root, PostgreSQL runs as postgres, in DIR/pg) but not list it;
  # the files with secrets in it are mode 0600.
  chmod 0711 "$dir"
  touch "$dir/.cluster-sh"
  rm -f "$dir/cluster.env" "$dir"/node-*.pid "$dir/haproxy.pid"

  up_dir=$dir
  trap up_cleanup EXIT
  trap 'exit 129' HUP
  trap 'exit 130' INT
  trap 'exit 143' TERM

  # 1. PostgreSQL, the signing key, the catalogue.
  up_pg=1
  "$ROOT/scripts/postgres.sh" up --dir "$dir/pg" || exit $?
  pg_env=$dir/pg/postgres.env
  url=$(env_value "$pg_env" BOXOFFICE_DATABASE_URL)
  pg_pid=$(env_value "$pg_env" PG_PRIMARY_PID)
  pg_port=$(env_value "$pg_env" PGPORT)
  if [ -z "$url" ] || [ -z "$pg_pid" ] || [ -z "$pg_port" ]; then
    die "$pg_env lacks BOXOFFICE_DATABASE_URL, PG_PRIMARY_PID or PGPORT"
  fi
  reserved+="$pg_port "
  pg_password=${url#postgres://*:}
  pg_password=${pg_password%%@*}

  if [ "$(stat -c %s "$dir/signing.key" 2>/dev/null || echo 0)" -lt 32 ]; then
    (umask 077 && head -c 32 /dev/urandom >"$dir/signing.key.new" && mv -f "$dir/signing.key.new" "$dir/signing.key")
  fi
  chmod 0600 "$dir/signing.key"

  if "$bin" catalogue --database "$url" --demo >"$dir/catalogue.log" 2>&1; then
    say "$(grep -m 1 '^wrote ' "$dir/catalogue.log" | sed 's/ to postgres.*//' || echo 'loaded the demo catalogue')"
  elif grep -q 'already has a catalogue' "$dir/catalogue.log"; then
    say "the database in $dir/pg already has its catalogue; keeping it"
  else
    say "loading the demo catalogue failed; $dir/catalogue.log:"
    tail -n 20 "$dir/catalogue.log" >&2
    exit 1
  fi

  # 2. The nodes: all started at once, then each waited for; one whose port was taken meanwhile
  # is started again on others.
  local i attempt rc
  local pids=() ports=() peers=()
  for ((i = 1; i <= nodes; i++)); do
    : >"$dir/node-$i.log"
    start_node "$dir" "$i" "$bin" "$url" "${flags[@]}"
    pids[i]=$node_pid ports[i]=$node_port peers[i]=$node_peer_port
  done
  for ((i = 1; i <= nodes; i++)); do
    for ((attempt = 1; ; attempt++)); do
      rc=0
      wait_node "$dir" "$i" "${pids[i]}" "${ports[i]}" || rc=$?
      [ "$rc" -ne 0 ] || break
      if [ "$rc" -eq 2 ] && [ "$attempt" -lt "$START_ATTEMPTS" ]; then
        say "node-$i: port ${ports[i]} or ${peers[i]} was taken meanwhile; trying others"
        start_node "$dir" "$i" "$bin" "$url" "${flags[@]}"
        pids[i]=$node_pid ports[i]=$node_port peers[i]=$node_peer_port
        continue
      fi
      [ "$rc" -ne 2 ] || { say "node-$i: its ports were taken $attempt times; the end of $dir/node-$i.log:"; tail -n 20 "$dir/node-$i.log" >&2; }
      exit 1
    done
  done

  # 3. HAProxy, in the foreground of a process of its own (no daemon mode: $! is its pid). Its
  # port may be taken between the check above and its bind: then, unless it was asked for, again.
  local stats_port haproxy_pid tenths bind_errors
  for ((attempt = 1; ; attempt++)); do
    pick_port port_in_use $((client_port + 200))
    stats_port=$picked
    write_haproxy_cfg "$dir" "$client_port" "$stats_port" "${ports[@]}"
    if ! haproxy -c -q -f "$dir/haproxy.cfg" >"$dir/haproxy.log" 2>&1; then
      say "haproxy refuses $dir/haproxy.cfg:"
      cat "$dir/haproxy.log" >&2
      exit 1
    fi
    rm -f "$dir/haproxy.sock"
    setsid haproxy -db -f "$dir/haproxy.cfg" </dev/null >>"$dir/haproxy.log" 2>&1 &
    haproxy_pid=$!
    up_haproxy_pid=$haproxy_pid
    echo "$haproxy_pid" >"$dir/haproxy.pid"
    for ((tenths = 0; tenths < 100; tenths++)); do
      pid_alive "$haproxy_pid" || break
      if port_in_use "$client_port" && port_in_use "$stats_port"; then break; fi
      sleep 0.1
    done
    if is_haproxy "$haproxy_pid" "$dir" && port_in_use "$client_port" && port_in_use "$stats_port"; then break; fi
    bind_errors=$(grep -iE 'cannot bind|address already in use' "$dir/haproxy.log" || true)
    if ! pid_alive "$haproxy_pid" && [ -n "$bind_errors" ] && [ "$attempt" -lt "$START_ATTEMPTS" ]; then
      if ! grep -q "127.0.0.1:$client_port\b" <<<"$bind_errors"; then
        continue # the stats port was taken: pick another
      elif [ -z "$want_port" ]; then
        say "port $client_port was taken meanwhile; trying another"
        pick_port port_in_use $((client_port + 1))
        client_port=$picked
        continue
      fi
    fi
    say "haproxy did not start listening on 127.0.0.1:$client_port; the end of $dir/haproxy.log:"
    tail -n 20 "$dir/haproxy.log" >&2
    exit 1
  done

  # 4. Every node UP by a health check HAProxy made, as its stats socket says (see wait_up).
  wait_up "$dir" "127.0.0.1:$stats_port" "$nodes"
  wait_agreement "$pg_port" "$pg_password" "$nodes"

  # 5. The env file and a summary.
  local ids addrs peer_addrs pid_list
  ids=$(for ((i = 1; i <= nodes; i++)); do echo "node-$i"; done | paste -sd,)
  addrs=$(for ((i = 1; i <= nodes; i++)); do echo "127.0.0.1:${ports[i]}"; done | paste -sd,)
  peer_addrs=$(for ((i = 1; i <= nodes; i++)); do echo "127.0.0.1:${peers[i]}"; done | paste -sd,)
  pid_list=$(for ((i = 1; i <= nodes; i++)); do echo "${pids[i]}"; done | paste -sd,)
  (
    umask 077
    {
      echo "BOXOFFICE_SERVER=127.0.0.1:$client_port"
      echo "BOXOFFICE_DATABASE_URL=$url"
      echo "NODE_IDS=$ids"
      echo "NODE_ADDRS=$addrs"
      echo "NODE_PIDS=$pid_list"
      echo "NODE_PEER_ADDRS=$peer_addrs"
      echo "HAPROXY_PID=$haproxy_pid"
      echo "HAPROXY_STATS=127.0.0.1:$stats_port"
      echo "PG_PRIMARY_PID=$pg_pid"
      echo "CLUSTER_DIR=$dir"
      echo "BOXOFFICED=$bin"
    } >"$dir/cluster.env.new"
  )
  mv -f "$dir/cluster.env.new" "$dir/cluster.env"
  up_done=1
  trap - EXIT HUP INT TERM

  elapsed=$((($(date +%s%N) - started) / 1000000))
  say "cluster up in $((elapsed / 1000)).$(printf %03d $((elapsed % 1000)))s in $dir:"
  say "  HAProxy   127.0.0.1:$client_port (pid $haproxy_pid)  <- clients: BOXOFFICE_SERVER"
  for ((i = 1; i <= nodes; i++)); do
    say "  node-$i    127.0.0.1:${ports[i]}, peer port ${peers[i]} (pid ${pids[i]}, log $dir/node-$i.log)"
  done
  say "  PostgreSQL postgres://boxoffice@127.0.0.1:$pg_port/boxoffice (pid $pg_pid)"
  say "  set -a; . $dir/cluster.env; set +a      # then: boxoffice info"
  say "  scripts/cluster.sh down --dir $dir --remove"
}

# wait_up DIR STATS N: until HAProxy has seen each of the N nodes pass a health check. HAProxy
# counts a server as UP from its start, before any check (its status then reads UP with check
# INI), so UP alone proves nothing: the last check must have passed too (L7OK: the GetInfo
# answer matched). The stats socket is HAProxy's own view, the one it routes by; polling through
# the frontend could not tell which node answered, and its log only shows changes of state.
wait_up() {
  local dir=$1 stats=$2 nodes=$3 tenths states line name status check up
  for ((tenths = 0; tenths < UP_WAIT_SECONDS * 10; tenths++)); do
    states=$(node_states "$stats" 2>/dev/null || true)
    up=0
    while IFS='|' read -r name status check _; do
      if [ "$status" = UP ] && [ "$check" = L7OK ]; then up=$((up + 1)); fi
    done <<<"$states"
    [ "$up" -lt "$nodes" ] || return 0
    pid_alive "$(first_line "$dir/haproxy.pid")" || break
    sleep 0.1
  done
  say "HAProxy did not see every node pass its health check within $UP_WAIT_SECONDS s; what it sees:"
  while IFS='|' read -r name status check line; do
    say "  $name: $status, last check $check${line:+ ($line)}"
  done <<<"${states:-}"
  say "the end of $dir/haproxy.log:"
  tail -n 20 "$dir/haproxy.log" >&2
  exit 1
}

# wait_agreement PGPORT PASSWORD N: until each node has seen all the others. A node reads its view
# of the cluster in the statement that writes its heartbeat, so once all N rows are in the nodes
# table (the newest heartbeat then being T), every node whose next heartbeat is later than T has
# all N in its view. Seat calls made before that could meet a node that does not know yet that
# it owns a showtime ("moving to another node, retry").
wait_agreement() {
  local pg_port=$1 password=$2 nodes=$3 ids i tenths row count low high mark=''
  if [ ! -x "$PG_BINDIR/psql" ]; then
    say "note: no $PG_BINDIR/psql; not waiting for the nodes to see each other (at most a second)"
    return 0
  fi
  ids=$(for ((i = 1; i <= nodes; i++)); do printf "'node-%d'" "$i"; [ "$i" = "$nodes" ] || printf ,; done)
  for ((tenths = 0; tenths < AGREE_WAIT_SECONDS * 10; tenths++)); do
    row=$(PGPASSWORD=$password PGCONNECT_TIMEOUT=3 "$PG_BINDIR/psql" -X -q -At -F ' ' -h 127.0.0.1 -p "$pg_port" \
      -U boxoffice -d boxoffice -c "SELECT count(*), coalesce(min(heartbeat_at), 0), coalesce(max(heartbeat_at), 0)
        FROM nodes WHERE id IN ($ids)
        AND heartbeat_at > (extract(epoch FROM clock_timestamp()) * 1000)::bigint - 3000" 2>/dev/null || true)
    read -r count low high <<<"${row:-0 0 0}"
    if [ "${count:-0}" = "$nodes" ]; then
      if [ -z "$mark" ]; then
        mark=$high
      elif [ "$low" -gt "$mark" ]; then
        return 0
      fi
    else
      mark=''
    fi
    sleep 0.1
  done
  die "the nodes did not all see each other in the nodes table within $AGREE_WAIT_SECONDS s (last: ${count:-0} of $nodes with a fresh heartbeat)"
}

cmd_down() {
  local dir=$1 remove=$2 f pid haproxy_pid
  local node_pids=()
  dir=$(resolve_dir "$dir" 24)  # DIR/pg/.s.PGSQL.PORT.lock and DIR/haproxy.sock.PID.tmp must fit
  if [ ! -d "$dir" ]; then
    say "nothing in $dir"
    return 0
  fi
  [ -e "$dir/.cluster-sh" ] || die "$dir is not a cluster made by scripts/cluster.sh"

  haproxy_pid=$(first_line "$dir/haproxy.pid")
  if [ -n "$haproxy_pid" ] && is_haproxy "$haproxy_pid" "$dir"; then
    stop_pids "$dir" haproxy TERM "$haproxy_pid"
    say "stopped HAProxy (pid $haproxy_pid)"
  fi
  rm -f "$dir/haproxy.sock"

  local stopped=() dead=()
  for f in "$dir"/node-*.pid; do
    [ -e "$f" ] || continue
    pid=$(first_line "$f")
    f=${f##*/}
    if [ -n "$pid" ] && is_node "$pid" "$dir"; then
      node_pids+=("$pid")
      stopped+=("${f%.pid} ($pid)")
    else
      dead+=("${f%.pid}")
    fi
  done
  if [ ${#node_pids[@]} -gt 0 ]; then
    stop_pids "$dir" node TERM "${node_pids[@]}"
    say "stopped ${stopped[*]}"
  fi
  [ ${#dead[@]} -eq 0 ] || say "not running already: ${dead[*]}"

  if [ -d "$dir/pg" ]; then
    "$ROOT/scripts/postgres.sh" down --dir "$dir/pg"
  fi

  if [ "$remove" = 1 ]; then
    dir_is_ours "$dir" || die "not removing $dir: it holds files this script did not make"
    rm -rf -- "$dir"
    say "removed $dir"
  fi
}

cmd_status() {
  local dir=$1 env ok=0 pid stats name status check line i last addr state
  local ids pids addrs
  dir=$(resolve_dir "$dir" 24)  # DIR/pg/.s.PGSQL.PORT.lock and DIR/haproxy.sock.PID.tmp must fit
  env=$dir/cluster.env
  [ -e "$dir/.cluster-sh" ] || { echo "no cluster in $dir"; return 1; }
  [ -r "$env" ] || { echo "no cluster.env in $dir: up did not finish there"; return 1; }
  stats=$(env_value "$env" HAPROXY_STATS)
  pid=$(env_value "$env" HAPROXY_PID)
  if is_haproxy "$pid" "$dir"; then
    echo "haproxy  running  pid $pid  $(env_value "$env" BOXOFFICE_SERVER) (stats $stats)"
  else
    echo "haproxy  stopped  pid $pid"
    ok=1
  fi
  local states=''
  [ "$ok" = 1 ] || states=$(node_states "$stats" 2>/dev/null || true)
  IFS=, read -r -a ids <<<"$(env_value "$env" NODE_IDS)"
  IFS=, read -r -a pids <<<"$(env_value "$env" NODE_PIDS)"
  IFS=, read -r -a addrs <<<"$(env_value "$env" NODE_ADDRS)"
  for i in "${!ids[@]}"; do
    name=${ids[i]} pid=${pids[i]} addr=${addrs[i]}
    line=$(grep "^$name|" <<<"$states" || true)
    IFS='|' read -r _ status check last <<<"${line:-|?|?|}"
    if is_node "$pid" "$dir"; then state=running; else state=stopped; ok=1; fi
    [ "$status" = UP ] || ok=1
    echo "$name   $state  pid $pid  $addr  haproxy: $status (last check $check${last:+, $last})"
  done
  pid=$(env_value "$env" PG_PRIMARY_PID)
  if "$ROOT/scripts/postgres.sh" status --dir "$dir/pg" >/dev/null 2>&1; then
    echo "postgres running  pid $pid"
  else
    echo "postgres stopped  pid $pid"
    ok=1
  fi
  return "$ok"
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

dir='' port='' nodes='' remove=0 flags=()
while [ $# -gt 0 ]; do
  case $1 in
    -h | --help)
      usage
      exit 0
      ;;
    --dir | --port | --nodes)
      [ $# -ge 2 ] || usage_error "$1 needs a value"
      case $1 in
        --dir) dir=$2 ;;
        --port) port=$2 ;;
        --nodes) nodes=$2 ;;
      esac
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
    --nodes=*)
      nodes=${1#--nodes=}
      shift
      ;;
    --remove)
      remove=1
      shift
      ;;
    --)
      shift
      flags=("$@")
      break
      ;;
    *) usage_error "unknown argument '$1'" ;;
  esac
done

if [ "$command" != up ]; then
  [ -n "$dir" ] || usage_error "$command needs --dir DIR"
  [ -z "$port" ] || usage_error "--port is for up only"
  [ -z "$nodes" ] || usage_error "--nodes is for up only"
  [ ${#flags[@]} -eq 0 ] || usage_error "-- FLAGS is for up only"
fi
[ "$remove" = 0 ] || [ "$command" = down ] || usage_error "--remove is for down only"
if [ -n "$port" ]; then
  if [[ ! $port =~ ^[0-9]{4,5}$ ]] || [ "$port" -lt 1024 ] || [ "$port" -gt 65535 ]; then
    usage_error "--port $port: give a number from 1024 to 65535"
  fi
fi
nodes=${nodes:-$DEFAULT_NODES}
if [[ ! $nodes =~ ^[0-9]+$ ]] || [ "$nodes" -lt 1 ] || [ "$nodes" -gt "$MAX_NODES" ]; then
  usage_error "--nodes $nodes: give a number from 1 to $MAX_NODES"
fi
for flag in "${flags[@]}"; do
  case $flag in
    --node-id | --node-id=* | --host | --host=* | --port | --port=* | --peer-host | --peer-host=* | \
      --peer-port | --peer-port=* | --advertise-peer | --advertise-peer=* | --secret-file | --secret-file=* | \
      --database | --database=*)
      usage_error "'$flag' after --: cluster.sh sets it for every node itself"
      ;;
  esac
done

case $command in
  up) cmd_up "$nodes" "$dir" "$port" "${flags[@]}" ;;
  down) cmd_down "$dir" "$remove" ;;
  status) cmd_status "$dir" ;;
esac
