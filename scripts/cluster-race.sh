#!/usr/bin/env bash
# Opening night on a cluster: scripts/cluster.sh up with three nodes behind HAProxy, 5,000 buyers
# (boxoffice-soak hot-show, through HAProxy) racing for one showtime, and the node that decides
# that showtime's seats (its owner, as `boxofficed nodes --showtime` tells) SIGKILLed as soon as
# the race's first holds are in PostgreSQL. The buyers on its connections reconnect through
# HAProxy and retry (--retries, purchases with their idempotency keys), the other nodes take the
# showtime over after the liveness window, and the race must end with every buyer answered, no
# seat in two bookings, no hold left behind (a buyer whose hold's answer was lost gets that hold
# back under its idempotency key, so the sellable seats are all sold) and every booking a buyer saw
# confirmed found confirmed in PostgreSQL (the soak tool's invariants, checked in the database too).
# Usage: scripts/cluster-race.sh [BUYERS]   (binaries as scripts/cluster.sh finds them)
set -euo pipefail
cd "$(dirname "$0")/.."

buyers=${1:-5000}
work="$(mktemp -d)"
chmod 0711 "$work" # PostgreSQL runs as postgres, in $dir/pg
dir="$work/cluster"
say() { echo "cluster-race.sh: $*" >&2; }
cleanup() {
  local status=$?
  trap - EXIT
  if [ "$status" -ne 0 ]; then
    for log in "$dir"/node-*.log; do
      [ -s "$log" ] && { say "the end of ${log##*/}:"; tail -n 10 "$log" >&2; }
    done
    [ -s "$work/race.err" ] && { say "the soak tool's errors:"; tail -n 20 "$work/race.err" >&2; }
  fi
  if [ -e "$dir" ]; then scripts/cluster.sh down --dir "$dir" --remove || { say "could not stop the cluster in $dir"; status=1; }; fi
  rm -f "$work/race.out" "$work/race.err"
  rmdir "$work" 2>/dev/null || say "left $work behind"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM
fail() { say "FAILED: $*"; exit 1; }

echo "==> scripts/cluster.sh up --nodes 3 (load-test flags: loopback trusted, cheap password hashes)"
scripts/cluster.sh up --nodes 3 --dir "$dir" -- --trusted 127.0.0.0/8 --password-hash-rounds 1000 ||
  fail "scripts/cluster.sh up failed (see above)"
set -a
# shellcheck source=/dev/null # written by scripts/cluster.sh up
. "$dir/cluster.env"
set +a
soak="$(dirname "$BOXOFFICED")/boxoffice-soak"
[ -x "$soak" ] || fail "no boxoffice-soak beside $BOXOFFICED"
IFS=, read -r -a node_pids <<<"${NODE_PIDS:?cluster.env names no NODE_PIDS}"
IFS=, read -r -a node_ids <<<"${NODE_IDS:?cluster.env names no NODE_IDS}"
holds() { psql "$BOXOFFICE_DATABASE_URL" -Atqc "SELECT count(*) FROM holds"; }
bookings() { psql "$BOXOFFICE_DATABASE_URL" -Atqc "SELECT count(*) FROM bookings"; }

echo "==> $buyers buyers race for one showtime through HAProxy ($BOXOFFICE_SERVER); its owner dies mid-race"
race_status=0
"$soak" --server "$BOXOFFICE_SERVER" --scenario hot-show --users "$buyers" --connections 64 --retries 40 \
  --database "$BOXOFFICE_DATABASE_URL" --quiet >"$work/race.out" 2>"$work/race.err" &
race=$!
# The kill waits on the race, not on a time: the sign-ups come first, then the holds. The first
# hold in PostgreSQL names the race's showtime.
raced() { psql "$BOXOFFICE_DATABASE_URL" -Atqc "SELECT showtime_id FROM holds LIMIT 1"; }
showtime=''
for ((tries = 0; tries < 1200; tries++)); do
  showtime=$(raced)
  [ -n "$showtime" ] && break
  kill -0 "$race" 2>/dev/null || break
  sleep 0.05
done
[ -n "$showtime" ] || { wait "$race" || true; fail "the race never made a hold"; }
owner=$("$BOXOFFICED" nodes --database "$BOXOFFICE_DATABASE_URL" --showtime "$showtime" | sed -n 's/^showtime [0-9]*: //p') ||
  fail "boxofficed nodes could not name showtime $showtime's owner"
victim=''
for i in "${!node_ids[@]}"; do [ "${node_ids[i]}" = "$owner" ] && victim=$i; done
[ -n "$victim" ] || fail "showtime $showtime's owner '$owner' is none of $NODE_IDS"
kill -KILL "${node_pids[victim]}" || fail "could not kill $owner (pid ${node_pids[victim]})"
echo "    SIGKILLed $owner (pid ${node_pids[victim]}), owner of showtime $showtime, with $(holds) holds and $(bookings) bookings made"
wait "$race" || race_status=$?
sed 's/^/    /' "$work/race.out"
[ "$race_status" -eq 0 ] || fail "boxoffice-soak exited $race_status"
grep -q "$buyers of $buyers buyers answered" "$work/race.out" || fail "not every buyer was answered"
grep -q '^invariants: all held' "$work/race.out" || fail "an invariant broke"
echo "cluster-race.sh: passed"
