#!/usr/bin/env bash
# The figures in BENCHMARKS.md, side by side in one run on this machine: the network baseline (a
# bare NIO server answering the same frames), then browse, durable bookings, the buy funnel and the
# opening-night race through BoxOffice. The in-process baselines (booking writes on bare SQLite, the
# guard's cost, the allocator) are in the Benchmarks package: swift package --package-path Benchmarks benchmark
# Usage: scripts/benchmarks.sh [OUT_DIR]        (builds release first; each run's JSON lands in OUT_DIR)
#        scripts/benchmarks.sh soak RATE [SECONDS] [OUT_DIR]   the long soak (600 s): `mixed`, open loop at RATE/s
#        scripts/benchmarks.sh compare BASE_BIN_DIR [ROUNDS] [OUT_DIR]   this build against another one
#          (e.g. an older commit's .build/release), alternating, server pinned to core 1 and the load
#          to core 0: echo, browse and durable bookings, ROUNDS times each (default 3)
#        scripts/benchmarks.sh postgres [ROUNDS] [OUT_DIR]   SQLite against PostgreSQL, alternating:
#          browse and durable bookings through boxofficed on each (server and PostgreSQL pinned to
#          core 1, the load to core 0), then the bare PostgreSQL ceiling for the same booking rows
#          (pgbench running Benchmarks/pgbench/booking.sql with the buyers' 64 clients)
#        scripts/benchmarks.sh compare-postgres BASE_BIN_DIR [ROUNDS] [OUT_DIR]   this build against
#          another one, both on one throwaway PostgreSQL (pinned as above), alternating: browse,
#          durable bookings and a 5,000-buyer hot show, on a fresh database each time
#        scripts/benchmarks.sh cluster [ROUNDS] [OUT_DIR]   one node against three, each behind HAProxy
#          on a fresh PostgreSQL (scripts/cluster.sh; every process of it on core 1, the load on core 0),
#          alternating: browse, durable bookings through HAProxy and straight at node-1 (forwarded
#          seat calls), a 5,000-buyer hot show; with three, the time from SIGKILLing a showtime's
#          owner until a survivor answers its seat map
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release >/dev/null
bin="$(swift build -c release --show-bin-path)"
soak="$bin/boxoffice-soak"
pid=""
pin_server=""   # "taskset -c 1" in compare mode
pin_load=""     # "taskset -c 0" in compare mode
stop_server() { if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; pid=""; fi; }
trap stop_server EXIT

# start_server DIR [boxofficed options...]: a fresh demo database; sets $pid and $port.
start_server() {
  local dir="$1"; shift
  rm -f "$dir/bench.sqlite"*
  start_server_on "$dir" "$dir/bench.sqlite" "$@"
}

# start_server_on DIR DATABASE [boxofficed options...]: boxofficed on DATABASE (a SQLite path or a
# postgres:// URL); its output in DIR; sets $pid and $port once it is ready.
start_server_on() {
  local dir="$1" database="$2"; shift 2
  $pin_server "$bin/boxofficed" --port 0 --database "$database" --password-hash-rounds 1000 --log-level warning "$@" \
    >"$dir/server.out" 2>"$dir/server.err" &
  pid=$!
  until grep -q "boxofficed ready on" "$dir/server.out" 2>/dev/null; do
    kill -0 "$pid" 2>/dev/null || { cat "$dir/server.err" >&2; exit 1; }
    sleep 0.5
  done
  port="$(grep -o 'ready on 127.0.0.1:[0-9]*' "$dir/server.out" | cut -d: -f2)"
}

run() { # run NAME ARGS...: one soak run, its report printed and kept as NAME.json
  local name="$1"; shift
  echo "==> $name: boxoffice-soak $*"
  $pin_load "$soak" --quiet --json "$out/$name.json" "$@"
  echo
}

if [ "${1:-}" = "soak" ]; then
  rate="${2:?usage: scripts/benchmarks.sh soak RATE [SECONDS] [OUT_DIR]}"
  seconds="${3:-600}"
  out="${4:-$(mktemp -d)}"; mkdir -p "$out"
  start_server "$out"
  run soak-mixed --server "127.0.0.1:$port" --scenario mixed --rate "$rate" --users 4000 --connections 32 \
    --duration "$seconds" --warmup 60 --database "$out/bench.sqlite" --server-pid "$pid"
  exit 0
fi

# start_postgres: a throwaway PostgreSQL in $out/pg, pinned to core 1 with the server, stopped on
# exit; defines admin (psql as its owner), url_of DB and start_pg_server.
start_postgres() {
  pg_bin=/usr/lib/postgresql/15/bin
  pin_server="taskset -c 1"
  pin_load="taskset -c 0"
  scripts/postgres.sh up --dir "$out/pg"
  stop_all() { stop_server; scripts/postgres.sh down --dir "$out/pg" || true; }
  trap stop_all EXIT
  # shellcheck source=/dev/null # written by scripts/postgres.sh up
  . "$out/pg/postgres.env"
  for p in $PG_PRIMARY_PID $(pgrep -P "$PG_PRIMARY_PID"); do taskset -cp 1 "$p" >/dev/null; done
  head -c 32 /dev/urandom >"$out/secret"
  admin() { PGPASSWORD="$(cat "$out/pg/password")" "$pg_bin/psql" -h 127.0.0.1 -p "$PGPORT" -U boxoffice -d boxoffice -qAt "$@"; }
  url_of() { echo "${BOXOFFICE_DATABASE_URL%/*}/$1"; }
  start_pg_server() { # a fresh database `bench`, migrated and filled by the server itself
    admin -c "DROP DATABASE IF EXISTS bench WITH (FORCE)" -c "CREATE DATABASE bench"
    start_server_on "$out" "$(url_of bench)" --secret-file "$out/secret" --trusted 127.0.0.0/8
  }
}

if [ "${1:-}" = "compare-postgres" ]; then
  base="${2:?usage: scripts/benchmarks.sh compare-postgres BASE_BIN_DIR [ROUNDS] [OUT_DIR]}"
  rounds="${3:-3}"
  out="${4:-$(mktemp -d)}"; mkdir -p "$out"
  new="$bin"
  start_postgres
  echo "compare on postgres: base $base, new $new, $rounds rounds; results in $out"
  for round in $(seq 1 "$rounds"); do
    for build in base new; do
      bin="$([ "$build" = base ] && echo "$base" || echo "$new")"
      soak="$bin/boxoffice-soak"
      start_pg_server
      run "browse-16-$build-$round" --server "127.0.0.1:$port" --scenario browse --users 16 --connections 16 --duration 10
      run "purchase-64-$build-$round" --server "127.0.0.1:$port" --scenario purchase --users 64 --connections 16 --duration 10 \
        --database "$(url_of bench)"
      run "hot-show-$build-$round" --server "127.0.0.1:$port" --scenario hot-show --users 5000 --connections 16 --database "$(url_of bench)"
      stop_server
    done
  done
  exit 0
fi

if [ "${1:-}" = "postgres" ]; then
  rounds="${2:-2}"
  out="${3:-$(mktemp -d)}"; mkdir -p "$out"
  start_postgres
  echo "sqlite against postgres, $rounds rounds; results in $out"
  for round in $(seq 1 "$rounds"); do
    for store in sqlite postgres; do
      if [ "$store" = sqlite ]; then start_server "$out" --trusted 127.0.0.0/8; db="$out/bench.sqlite"; else start_pg_server; db="$(url_of bench)"; fi
      run "browse-16-$store-$round" --server "127.0.0.1:$port" --scenario browse --users 16 --connections 16 --duration 10
      run "purchase-64-$store-$round" --server "127.0.0.1:$port" --scenario purchase --users 64 --connections 16 --duration 10 --database "$db"
      stop_server
    done
  done
  # The ceiling: the same rows written by 64 clients straight into PostgreSQL, one booking per
  # pair of transactions, on the database the last server filled.
  admin -d bench -c "INSERT INTO users (id, email, name, password_hash, created_at) SELECT g, 'pgbench' || g || '@example.com', 'p', 'x', 0
                     FROM generate_series(1, 64) g ON CONFLICT DO NOTHING"
  for round in $(seq 1 "$rounds"); do
    echo "==> pgbench-64-$round: the booking transaction pair, 64 clients, 10 s"
    PGPASSWORD="$(cat "$out/pg/password")" $pin_load "$pg_bin/pgbench" -h 127.0.0.1 -p "$PGPORT" -U boxoffice -n -c 64 -j 2 -T 10 \
      -f Benchmarks/pgbench/booking.sql bench | grep -E "tps|latency average|number of transactions actually"
  done
  exit 0
fi

if [ "${1:-}" = "cluster" ]; then
  rounds="${2:-2}"
  out="${3:-$(mktemp -d)}"; mkdir -p "$out"
  chmod 0711 "$out" # PostgreSQL runs as postgres under $out/cluster-N/pg when run as root
  pin_load="taskset -c 0"
  cli="$bin/boxoffice"
  cluster_dir=""
  stop_cluster() { if [ -n "$cluster_dir" ]; then scripts/cluster.sh down --dir "$cluster_dir" --remove >/dev/null || true; cluster_dir=""; fi; }
  trap stop_cluster EXIT
  # up_cluster N: N nodes behind HAProxy on a fresh PostgreSQL, every process of it pinned to core 1.
  up_cluster() {
    cluster_dir="$out/cluster-$1"
    BOXOFFICED="$bin/boxofficed" scripts/cluster.sh up --nodes "$1" --dir "$cluster_dir" -- \
      --trusted 127.0.0.0/8 --password-hash-rounds 1000 --log-level warning >/dev/null
    set -a
    # shellcheck source=/dev/null # written by scripts/cluster.sh up
    . "$cluster_dir/cluster.env"
    set +a
    local p
    for p in ${NODE_PIDS//,/ } "$HAPROXY_PID"; do taskset -a -cp 1 "$p" >/dev/null; done
    for p in "$PG_PRIMARY_PID" $(pgrep -P "$PG_PRIMARY_PID"); do taskset -cp 1 "$p" >/dev/null; done
    IFS=, read -r -a node_addrs <<<"$NODE_ADDRS"
  }
  echo "one node against three behind HAProxy, $rounds rounds; results in $out"
  for round in $(seq 1 "$rounds"); do
    for nodes in 1 3; do
      up_cluster "$nodes"
      run "browse-16-${nodes}n-$round" --server "$BOXOFFICE_SERVER" --scenario browse --users 16 --connections 16 --duration 10
      run "purchase-64-${nodes}n-$round" --server "$BOXOFFICE_SERVER" --scenario purchase --users 64 --connections 16 --duration 10 \
        --database "$BOXOFFICE_DATABASE_URL"
      # Straight at node-1: with three nodes two showtimes in three are decided elsewhere, so
      # this run's HoldSeats and Purchase latencies carry the forwarding hop.
      run "purchase-64-at-node-1-${nodes}n-$round" --server "${node_addrs[0]}" --scenario purchase --users 64 --connections 16 \
        --duration 10 --database "$BOXOFFICE_DATABASE_URL"
      run "hot-show-${nodes}n-$round" --server "$BOXOFFICE_SERVER" --scenario hot-show --users 5000 --connections 16 \
        --retries 40 --database "$BOXOFFICE_DATABASE_URL"
      if [ "$nodes" = 3 ]; then
        # Then the owner SIGKILLed: how long until a survivor holds the showtime's seats again.
        showtime=$(BOXOFFICE_SERVER="${node_addrs[0]}" "$cli" showtimes --near 60601 --date "$(TZ=America/Chicago date -d tomorrow +%F)" \
          --page-size 1 | grep -Eo '^ *[0-9]+ ' | tr -d ' ' | head -n 1)
        owner=$("$bin/boxofficed" nodes --database "$BOXOFFICE_DATABASE_URL" --showtime "$showtime" | sed -n 's/^showtime [0-9]*: //p')
        IFS=, read -r -a ids <<<"$NODE_IDS"; IFS=, read -r -a pids <<<"$NODE_PIDS"
        for i in "${!ids[@]}"; do [ "${ids[i]}" = "$owner" ] && victim=$i; done
        survivor=$(( (victim + 1) % 3 ))
        # Seat-count staleness: two seats held at the owner, then the survivor's search polled
        # until its seats-left count shows them (it reads another node's showtime from the
        # database and drops that copy at its next heartbeat).
        at() { local node=$1; shift; XDG_CONFIG_HOME="$out/cli" BOXOFFICE_SERVER="${node_addrs[node]}" "$cli" "$@"; }
        search=(showtimes --near 60601 --date "$(TZ=America/Chicago date -d tomorrow +%F)" --page-size 1)
        left() { at "$survivor" "${search[@]}" | grep -E "^ *$showtime " | grep -Eo '[0-9]+/[0-9]+' | head -n 1 | cut -d/ -f1; }
        before=$(left)
        echo 'long enough password' | at "$victim" signup --email "bench-$round@example.com" --name bench >/dev/null
        echo 'long enough password' | at "$survivor" signin --email "bench-$round@example.com" >/dev/null
        at "$victim" hold --showtime "$showtime" --best 2 >/dev/null
        held=$(date +%s%N)
        deadline=$((SECONDS + 10))
        until [ "$(left)" = $((before - 2)) ]; do [ "$SECONDS" -lt "$deadline" ] || { echo "staleness: no change in 10 s" >&2; break; }; done
        echo "==> staleness-$round: ${ids[survivor]}'s search showed 2 seats held at their owner $owner $(( ($(date +%s%N) - held) / 1000000 )) ms after the hold's answer"
        kill -KILL "${pids[victim]}"
        killed=$(date +%s%N)
        deadline=$((SECONDS + 30))
        until at "$survivor" hold --showtime "$showtime" --best 1 >/dev/null 2>&1; do
          [ "$SECONDS" -lt "$deadline" ] || { echo "takeover: no answer in 30 s" >&2; break; }
          sleep 0.02
        done
        echo "==> takeover-$round: a seat of showtime $showtime held through ${ids[survivor]} $(( ($(date +%s%N) - killed) / 1000000 )) ms after its owner $owner was SIGKILLed"
        echo
      fi
      stop_cluster
    done
  done
  exit 0
fi

if [ "${1:-}" = "compare" ]; then
  base="${2:?usage: scripts/benchmarks.sh compare BASE_BIN_DIR [ROUNDS] [OUT_DIR]}"
  rounds="${3:-3}"
  out="${4:-$(mktemp -d)}"; mkdir -p "$out"
  new="$bin"
  pin_server="taskset -c 1"
  pin_load="taskset -c 0"
  echo "compare: base $base, new $new, $rounds rounds; results in $out"
  for round in $(seq 1 "$rounds"); do
    for build in base new; do
      bin="$([ "$build" = base ] && echo "$base" || echo "$new")"
      soak="$bin/boxoffice-soak"
      run "echo-16-$build-$round" --scenario echo --users 16 --connections 16 --duration 10
      start_server "$out" --trusted 127.0.0.0/8
      run "browse-16-$build-$round" --server "127.0.0.1:$port" --scenario browse --users 16 --connections 16 --duration 10
      run "browse-64-$build-$round" --server "127.0.0.1:$port" --scenario browse --users 64 --connections 16 --duration 10
      run "purchase-64-$build-$round" --server "127.0.0.1:$port" --scenario purchase --users 64 --connections 16 --duration 10
      stop_server
    done
  done
  exit 0
fi

out="${1:-$(mktemp -d)}"; mkdir -p "$out"
echo "machine: $(nproc) cores, $(uname -sr); swift $(swift --version 2>&1 | head -1 | grep -o '[0-9][0-9.]*' | head -1); results in $out"
echo

run echo-16 --scenario echo --users 16 --connections 16 --duration 10
run echo-64 --scenario echo --users 64 --connections 16 --duration 10

# Throughput runs: the guard trusts loopback, as for a load balancer's health checks.
start_server "$out" --trusted 127.0.0.0/8
run hot-show --server "127.0.0.1:$port" --scenario hot-show --users 20000 --connections 16 --database "$out/bench.sqlite"
run browse-16 --server "127.0.0.1:$port" --scenario browse --users 16 --connections 16 --duration 10
run browse-64 --server "127.0.0.1:$port" --scenario browse --users 64 --connections 16 --duration 10
run purchase-64 --server "127.0.0.1:$port" --scenario purchase --users 64 --connections 16 --duration 10 --database "$out/bench.sqlite"
run purchase-256 --server "127.0.0.1:$port" --scenario purchase --users 256 --connections 16 --duration 10 --database "$out/bench.sqlite"
run buy-64 --server "127.0.0.1:$port" --scenario buy --users 64 --connections 16 --duration 10 --database "$out/bench.sqlite"
stop_server

# The guard on: people and bots together.
start_server "$out"
run bots --server "127.0.0.1:$port" --scenario bots --users 128 --connections 32 --duration 60 --database "$out/bench.sqlite" --server-pid "$pid"
stop_server
