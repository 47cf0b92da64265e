#!/usr/bin/env bash
# The soak tool against a real boxofficed, as CI runs it: a 20-second `mixed` run with the guard on
# (people, scrapers, hold sweepers, metronomes), then an opening-night `hot-show` race; each ends
# with the invariant checks through the API and in the SQLite file, and a broken one fails the run.
# Usage: scripts/soak-smoke.sh [BIN_DIR]   (default: the release build's)
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${1:-$(swift build -c release --show-bin-path)}"
dir="$(mktemp -d)"
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$dir"; }
trap cleanup EXIT

"$bin/boxofficed" --port 0 --database "$dir/soak.sqlite" --password-hash-rounds 1000 --log-level warning \
  >"$dir/server.out" 2>"$dir/server.err" &
pid=$!
for _ in $(seq 1 240); do
  grep -q "boxofficed ready on" "$dir/server.out" && break
  kill -0 "$pid" 2>/dev/null || { cat "$dir/server.out" "$dir/server.err" >&2; exit 1; }
  sleep 0.5
done
port="$(grep -o 'ready on 127.0.0.1:[0-9]*' "$dir/server.out" | cut -d: -f2)"
[ -n "$port" ] || { echo "boxofficed did not become ready" >&2; cat "$dir/server.out" >&2; exit 1; }

echo "==> boxoffice-soak mixed, 20 s, against boxofficed on port $port (guard on)"
"$bin/boxoffice-soak" --server "127.0.0.1:$port" --scenario mixed --duration 20 \
  --database "$dir/soak.sqlite" --server-pid "$pid" --quiet
echo "==> boxoffice-soak hot-show, 2000 buyers"
"$bin/boxoffice-soak" --server "127.0.0.1:$port" --scenario hot-show --users 2000 \
  --database "$dir/soak.sqlite" --quiet
