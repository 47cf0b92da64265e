#!/usr/bin/env bash
# Every test: the Swift suites (a real server on loopback, real SQLite files, the CLI and the
# boxofficed process), then the C client's tests against the boxofficed those built, once plainly
# and once under valgrind.
set -euo pipefail
cd "$(dirname "$0")/.."

swift test "$@"
BOXOFFICED="$(swift build --show-bin-path)/boxofficed"
export BOXOFFICED
make -C clients/c test
make -C clients/c valgrind
