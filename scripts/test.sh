#!/usr/bin/env bash
# Every test: the Swift suites (a real server on loopback, real SQLite files, a throwaway PostgreSQL,
# the CLI and the boxofficed process), then the C client's tests against the boxofficed those
# built, once plainly and once under valgrind.
set -euo pipefail
cd "$(dirname "$0")/.."

# The PostgreSQL store's tests use BOXOFFICE_TEST_POSTGRES_URL. Unless it is given, start a
# throwaway server in a temporary directory and remove it on exit, also when a test fails or the
# run is interrupted. Without PostgreSQL installed those tests skip (CI always installs it).
if [ -z "${BOXOFFICE_TEST_POSTGRES_URL:-}" ]; then
  pg_dir="$(mktemp -d)"
  stop_postgres() {
    scripts/postgres.sh down --dir "$pg_dir" --remove ||
      echo "warning: could not stop the test PostgreSQL in $pg_dir" >&2
  }
  trap stop_postgres EXIT
  trap 'exit 129' HUP
  trap 'exit 130' INT
  trap 'exit 143' TERM
  pg_status=0
  scripts/postgres.sh up --dir "$pg_dir" || pg_status=$?
  if [ "$pg_status" -eq 0 ]; then
    # shellcheck source=/dev/null # written by scripts/postgres.sh up
    BOXOFFICE_TEST_POSTGRES_URL="$(set -a && . "$pg_dir/postgres.env" && printf '%s' "$BOXOFFICE_DATABASE_URL")"
    export BOXOFFICE_TEST_POSTGRES_URL
  elif [ "$pg_status" -eq 3 ]; then
    echo "warning: PostgreSQL 15 is not installed (apt-get install postgresql): running without it," \
      "so the PostgreSQL store's tests skip" >&2
  else
    echo "could not start the test PostgreSQL (see above)" >&2
    exit "$pg_status"
  fi
fi

# Everything on SQLite first. The load tests (the soak runs and the CLI's opening-night race,
# hundreds of buyers each), the PostgreSQL suites and the soak runs on PostgreSQL follow in passes
# of their own: run beside two hundred other tests on two cores, a load test measures the machine,
# not the server.
load_tests='BoxOfficeSoakTests|hotShowSellsEachSeatOnceAndChecksItsInvariants'
swift test --skip "BoxOfficePostgresTests|DatabaseOutageTests|SynchronousStandbyTests|$load_tests" "$@"
echo "==> the load tests, on their own"
swift test --skip-build --filter "$load_tests" --skip PostgresSoakRunTests "$@"
# The PostgreSQL store's suite, and the server's call tests again, each on a fresh PostgreSQL
# database instead of a SQLite file. Left out: suites that read the server's SQLite file directly
# (housekeeping), and the 400-call shutdown race, which measures a debug build's speed rather
# than the store.
if [ -n "${BOXOFFICE_TEST_POSTGRES_URL:-}" ]; then
  echo "==> the PostgreSQL store, and the server's call tests on PostgreSQL"
  BOXOFFICE_TEST_STORE=postgres swift test --skip-build --filter 'BoxOfficePostgresTests|BoxOfficeServerTests' \
    --skip 'HousekeepingTests|shutdownAnswersEveryCallAlreadyInFlight|DatabaseOutageTests|SynchronousStandbyTests' "$@"
  # The soak runs again with boxofficed on PostgreSQL (a buy funnel, the tool's mixed run, a
  # 3,000-buyer hot show), their invariants checked in that database, PostgreSQL stopped and
  # started under a stream of purchases, and commits against a synchronous standby that never
  # answers (the last two on a PostgreSQL of their own): so on their own.
  echo "==> the soak runs and the database outage on PostgreSQL, on their own"
  swift test --skip-build --filter 'PostgresSoakRunTests|DatabaseOutageTests|SynchronousStandbyTests' "$@"
fi
echo "==> the cluster hand-off model (spin)"
scripts/model-check.sh
# The cluster end to end: three boxofficed behind HAProxy on a PostgreSQL of their own, calls
# through HAProxy, a node SIGKILLed, calls again (CI installs haproxy).
if command -v haproxy >/dev/null && [ -x /usr/lib/postgresql/15/bin/initdb ]; then
  echo "==> a three-node cluster behind HAProxy: calls, a node SIGKILLed, calls again"
  scripts/cluster-smoke.sh
  echo "==> opening night on the cluster: 5,000 buyers through HAProxy, a node SIGKILLed mid-race"
  scripts/cluster-race.sh 5000
else
  echo "warning: haproxy or PostgreSQL 15 is not installed: the cluster smoke test skips" >&2
fi
BOXOFFICED="$(swift build --show-bin-path)/boxofficed"
export BOXOFFICED
make -C clients/c test
make -C clients/c valgrind
