#!/usr/bin/env bash
# The cluster end to end: scripts/cluster.sh up with three nodes behind HAProxy, calls through
# HAProxy with the boxoffice CLI (info, theatres, seat maps, which the nodes forward to their
# showtimes' owners), node-2 SIGKILLed, HAProxy seen to mark it DOWN, the same calls again (the
# seat maps of node-2's showtimes once the others have taken them over), then down, also when a
# step fails. Needs haproxy and PostgreSQL 15, like scripts/cluster.sh.
# Usage: scripts/cluster-smoke.sh   (boxofficed: $BOXOFFICED, else the release build's, else the debug build's)
set -euo pipefail
cd "$(dirname "$0")/.."

DOWN_WAIT_TENTHS=100 # HAProxy checks every 500 ms and marks a node DOWN after 2 failures: ~1 s
TAKEOVER_WAIT_SECONDS=15 # a dead node's showtimes move after the 3 s liveness window

work="$(mktemp -d)"
chmod 0711 "$work" # run as root, PostgreSQL runs as postgres, in $dir/pg
dir="$work/cluster" # the cluster's own directory, for scripts/cluster.sh alone
failed=0
say() { echo "cluster-smoke.sh: $*" >&2; }
fail() {
  say "FAILED: $*"
  failed=1
  exit 1
}
cleanup() {
  local status=$? log
  trap - EXIT
  if [ "$status" -ne 0 ] || [ "$failed" = 1 ]; then
    for log in "$dir"/node-*.log "$dir"/haproxy.log; do
      [ -s "$log" ] || continue
      say "the end of ${log##*/}:"
      tail -n 15 "$log" >&2
    done
  fi
  if [ -e "$dir" ]; then
    scripts/cluster.sh down --dir "$dir" --remove || { say "could not stop the cluster in $dir"; status=1; }
  fi
  rm -f "$work/out"
  rmdir "$work" 2>/dev/null || say "left $work behind"
  [ "$status" -eq 0 ] && [ "$failed" = 0 ] || status=1
  exit "$status"
}
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

echo "==> scripts/cluster.sh up --nodes 3"
scripts/cluster.sh up --nodes 3 --dir "$dir" || fail "scripts/cluster.sh up failed (see above)"
set -a
# shellcheck source=/dev/null # written by scripts/cluster.sh up
. "$dir/cluster.env"
set +a
cli="$(dirname "$BOXOFFICED")/boxoffice"
[ -x "$cli" ] || fail "no boxoffice CLI beside $BOXOFFICED"
IFS=, read -r -a node_pids <<<"${NODE_PIDS:-}"
[ ${#node_pids[@]} -eq 3 ] || fail "cluster.env lists ${#node_pids[@]} node pids, not 3: $NODE_PIDS"

# boxoffice ARGS...: the CLI, through HAProxy (it reads BOXOFFICE_SERVER), its output in $work/out.
boxoffice() { "$cli" "$@" >"$work/out" 2>&1; }

# calls WHEN: info and theatres near 10001 through HAProxy, each answered and sensible.
calls() {
  boxoffice info || fail "$1: boxoffice info through $BOXOFFICE_SERVER: $(cat "$work/out")"
  grep -q '^BoxOffice .*ready' "$work/out" || fail "$1: boxoffice info says: $(cat "$work/out")"
  boxoffice theatres --near 10001 || fail "$1: boxoffice theatres --near 10001: $(cat "$work/out")"
  grep -Eq '^ *[0-9]+  .* mi$' "$work/out" || fail "$1: boxoffice theatres --near 10001 lists no theatre: $(cat "$work/out")"
  echo "    $1: info and theatres --near 10001 answered through HAProxy"
}

# seat_maps WHEN WAIT: the seat map of every showtime in $showtimes through HAProxy. The node
# that takes our calls forwards those it does not own to their owners; one whose owner just
# died is UNAVAILABLE (exit 24) until the others drop it from their view, so each is tried for
# up to WAIT seconds. At 5 seat maps a second per client, a slow pace keeps clear of the limit.
seat_maps() {
  local when=$1 wait=$2 id deadline rc retried=0
  for id in $showtimes; do
    deadline=$((SECONDS + wait))
    while :; do
      rc=0
      boxoffice seats --showtime "$id" || rc=$?
      [ "$rc" -ne 0 ] || break
      if [ "$rc" -ne 24 ] || [ "$SECONDS" -ge "$deadline" ]; then
        fail "$when: boxoffice seats --showtime $id (exit $rc): $(cat "$work/out")"
      fi
      retried=$((retried + 1))
      sleep 0.5
    done
    sleep 0.25
  done
  echo "    $when: seat maps of showtimes $(echo "$showtimes" | paste -sd' ') answered through HAProxy" \
    "($retried answers UNAVAILABLE first)"
}

echo "==> calls through HAProxy ($BOXOFFICE_SERVER) to nodes $NODE_IDS"
calls "three nodes"
boxoffice showtimes --near 10001 --all-day --page-size 6 || fail "boxoffice showtimes --near 10001: $(cat "$work/out")"
showtimes=$(grep -Eo '^ *[0-9]+ ' "$work/out" | tr -d ' ' || true)
[ -n "$showtimes" ] || fail "boxoffice showtimes --near 10001 --all-day lists no showtime: $(cat "$work/out")"
seat_maps "three nodes" 0

echo "==> SIGKILL node-2 (pid ${node_pids[1]})"
kill -KILL "${node_pids[1]}" || fail "could not kill node-2 (pid ${node_pids[1]})"
killed_at=$(date +%s%N)
state=''
for ((tenths = 0; tenths < DOWN_WAIT_TENTHS; tenths++)); do
  state=$(scripts/cluster.sh status --dir "$dir" 2>/dev/null | grep '^node-2 ' || true)
  [[ $state == *"haproxy: DOWN "* ]] && break
  sleep 0.1
done
[[ $state == *"haproxy: DOWN "* ]] ||
  fail "HAProxy did not mark node-2 DOWN within $((DOWN_WAIT_TENTHS / 10)) s: ${state:-no answer from its stats socket}"
echo "    HAProxy marked node-2 DOWN $((($(date +%s%N) - killed_at) / 1000000)) ms after the kill"

echo "==> calls through HAProxy again, with node-1 and node-3"
calls "node-2 dead"
seat_maps "node-2 dead" "$TAKEOVER_WAIT_SECONDS"

echo "==> scripts/cluster.sh down --remove"
scripts/cluster.sh down --dir "$dir" --remove || fail "scripts/cluster.sh down failed"
[ ! -e "$dir" ] || fail "scripts/cluster.sh down --remove left $dir"
for pid in "${node_pids[@]}" "$HAPROXY_PID"; do
  if kill -0 "$pid" 2>/dev/null && [ "$(cut -d' ' -f3 "/proc/$pid/stat" 2>/dev/null)" != Z ]; then
    fail "pid $pid still runs after down"
  fi
done
echo "cluster-smoke.sh: passed"
