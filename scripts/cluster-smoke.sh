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
  rm -rf "$work/alice" "$work/bob" # the buyers' saved tokens
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

IFS=, read -r -a node_addrs <<<"${NODE_ADDRS:-}"
[ ${#node_addrs[@]} -eq 3 ] || fail "cluster.env lists ${#node_addrs[@]} node addresses, not 3: $NODE_ADDRS"

# One seat and one purchase across the nodes, each node called directly (not through HAProxy), so
# that every call but the owner's is forwarded: a seat held through node-1 is refused through
# node-2 and shown held by node-3, and a purchase retried with its key through node-2 after it
# went through on node-1 answers the same booking and charges nothing more.
echo "==> a seat and a purchase across the nodes, calling each directly"
# Its first shows are tomorrow in New York, so they are all still to come whenever this runs.
tomorrow=$(TZ=America/New_York date -d tomorrow +%F)
boxoffice showtimes --near 10001 --date "$tomorrow" --page-size 1 ||
  fail "boxoffice showtimes --near 10001 --date $tomorrow: $(cat "$work/out")"
showtime=$(grep -Eo '^ *[0-9]+ ' "$work/out" | tr -d ' ' | head -n 1 || true)
[ -n "$showtime" ] || fail "no showtime near 10001 on $tomorrow: $(cat "$work/out")"
password='correct horse battery'
for who in alice bob; do
  printf '%s\n' "$password" | boxoffice signup --email "$who@example.com" --name "$who" ||
    fail "boxoffice signup $who: $(cat "$work/out")"
done
# as WHO NODE ARGS...: the CLI as WHO, called at node NODE (1-3) directly. Tokens are kept per
# server address, so each buyer signs in at each node once, in a config directory of their own.
as() {
  local who=$1 node=$2
  shift 2
  XDG_CONFIG_HOME="$work/$who" BOXOFFICE_SERVER="${node_addrs[node - 1]}" boxoffice "$@"
}
for who in alice bob; do
  for node in 1 2 3; do
    printf '%s\n' "$password" | as "$who" "$node" signin --email "$who@example.com" ||
      fail "boxoffice signin $who at node-$node: $(cat "$work/out")"
  done
done
as alice 1 hold --showtime "$showtime" --best 2 --json || fail "alice's hold at node-1: $(cat "$work/out")"
hold=$(sed -n 's/.*"holdId":"\([^"]*\)".*/\1/p' "$work/out")
seat=$(sed -n 's/.*"seats":\["\([^"]*\)".*/\1/p' "$work/out")
[ -n "$hold" ] && [ -n "$seat" ] || fail "alice's hold at node-1 names no hold or seat: $(cat "$work/out")"
rc=0
as bob 2 hold --showtime "$showtime" --seats "$seat" || rc=$?
# ALREADY_EXISTS (6) exits 16.
[ "$rc" -eq 16 ] && grep -q "are taken" "$work/out" ||
  fail "bob's hold of alice's seat $seat at node-2 (exit $rc) was not refused as taken: $(cat "$work/out")"
as bob 3 seats --showtime "$showtime" || fail "the seat map at node-3: $(cat "$work/out")"
grep -q ' 2 held, ' "$work/out" || fail "node-3's seat map does not show alice's 2 held seats: $(cat "$work/out")"
echo "    seat $seat held at node-1 (hold $hold): refused as taken at node-2, shown held at node-3"
key="cluster-smoke-$$"
card='4242424242424242 12/39 123 10001'
printf '%s\n' "$card" | as alice 1 purchase --hold "$hold" --idempotency-key "$key" --json ||
  fail "alice's purchase at node-1: $(cat "$work/out")"
booking=$(sed -n 's/.*"code":"\([^"]*\)".*/\1/p' "$work/out" | head -n 1)
[ -n "$booking" ] || fail "alice's purchase at node-1 names no booking: $(cat "$work/out")"
printf '%s\n' "$card" | as alice 2 purchase --hold "$hold" --idempotency-key "$key" --json ||
  fail "alice's retried purchase at node-2: $(cat "$work/out")"
again=$(sed -n 's/.*"code":"\([^"]*\)".*/\1/p' "$work/out" | head -n 1)
[ "$again" = "$booking" ] || fail "the retry at node-2 answered booking '$again', not $booking: $(cat "$work/out")"
charges=$(psql "$BOXOFFICE_DATABASE_URL" -Atqc "SELECT count(*) FROM bookings" 2>&1) ||
  fail "psql could not count the bookings: $charges"
[ "$charges" = 1 ] || fail "$charges bookings after one purchase and its retry"
echo "    purchase at node-1 booked $booking; its retry with the same key at node-2 answered $booking, one booking in all"

# A client that is not the trusted proxy (127.0.0.10) cannot say who it is: its PROXY header is
# not read as one. Its first four bytes read as a frame length far over the maximum, which is
# answered RESOURCE_EXHAUSTED and the connection closed; the node goes on serving.
port=${node_addrs[0]##*:}
exec 3<>"/dev/tcp/127.0.0.1/$port" || fail "could not connect to node-1 at 127.0.0.1:$port"
printf '\r\n\r\n\0\r\nQUIT\n\x21\x11\x00\x0c\x08\x08\x08\x08\x7f\x00\x00\x01\x00\x01\x1b\x9e' >&3
timeout 10 cat <&3 >"$work/out" || fail "node-1 kept a forged PROXY header's connection open (or cat failed)"
exec 3<&-
grep -aq 'exceeds the maximum' "$work/out" ||
  fail "node-1 answered a forged PROXY header with: $(od -c "$work/out" | head -n 5)"
as alice 1 bookings || fail "node-1 after a forged PROXY header: $(cat "$work/out")"
grep -q "$booking" "$work/out" || fail "node-1 no longer lists alice's booking $booking: $(cat "$work/out")"
echo "    a forged PROXY header from 127.0.0.1 was answered RESOURCE_EXHAUSTED and closed; node-1 serves on"

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
