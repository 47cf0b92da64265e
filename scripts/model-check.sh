#!/usr/bin/env bash
# Checks model/cluster.pml, the Promela model of the cluster's showtime hand-off, with spin:
#   safety    no seat in two confirmed bookings, no booking its buyer was told of lost, no false
#             "no" about a purchase or a cancellation (asserts; exhaustive search)
#   liveness  every call is answered, and every buyer's retries end (ltl, weak fairness)
#   broken    with -DBROKEN_TAKEOVER (the database trusts the node's memory) spin must find a seat
#             in two confirmed bookings: the checks above can fail
# Each run is built and run in a temporary directory, removed on exit. Exit status: 0 when every
# check came out as it must, 1 when one did not, 3 when spin or gcc is missing.
#
#   scripts/model-check.sh            the checks CI runs (one fault per run), in well under a minute
#   scripts/model-check.sh --deep     the safety run with two faults too (about 30 M states,
#                                     ~1.5 minutes and ~4 GB on a 2-core machine; not in CI)
set -euo pipefail
cd "$(dirname "$0")/.."

deep=0
case "${1:-}" in
  "") ;;
  --deep) deep=1 ;;
  *) echo "usage: scripts/model-check.sh [--deep]" >&2; exit 2 ;;
esac

missing=()
command -v spin >/dev/null || missing+=(spin)
command -v gcc >/dev/null || missing+=(gcc)
if [ ${#missing[@]} -gt 0 ]; then
  echo "model-check: ${missing[*]} not installed (apt-get install -y ${missing[*]})" >&2
  exit 3
fi

model="$PWD/model/cluster.pml"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

failed=0

# build NAME SPIN_FLAGS GCC_FLAGS: generates and compiles a verifier in its own directory.
build() {
  local name="$1" spin_flags="$2" gcc_flags="$3"
  local dir="$work/$name"
  mkdir -p "$dir"
  cp "$model" "$dir/cluster.pml"
  # shellcheck disable=SC2086 # the flag lists are word lists
  if ! (cd "$dir" && spin $spin_flags -a cluster.pml >spin.log 2>&1); then
    echo "model-check: $name: spin could not generate the verifier:" >&2
    cat "$dir/spin.log" >&2
    exit 1
  fi
  # shellcheck disable=SC2086
  if ! (cd "$dir" && gcc -O2 -w $gcc_flags -o pan pan.c >gcc.log 2>&1); then
    echo "model-check: $name: gcc could not build the verifier:" >&2
    cat "$dir/gcc.log" >&2
    exit 1
  fi
}

# check NAME BUILD EXPECT PAN_FLAGS: runs BUILD's verifier and prints one line. EXPECT is "pass"
# (pan must report errors: 0 after a complete search) or a text that pan's output must contain
# (the violation the broken variant must show).
check() {
  local name="$1" dir="$work/$2" expect="$3" pan_flags="$4"
  local out="$dir/$name.log" status=0 start end
  start=$(date +%s.%N)
  # shellcheck disable=SC2086
  (cd "$dir" && ./pan $pan_flags >"$out" 2>&1) || status=$?
  end=$(date +%s.%N)
  local stored errors seconds verdict
  stored=$(awk '/states, stored/ { print $1; exit }' "$out")
  errors=$(sed -n 's/.*errors: \([0-9]*\).*/\1/p' "$out" | head -1)
  seconds=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')
  if [ "$expect" = pass ]; then
    if [ "$status" -ne 0 ] || [ "${errors:-x}" != 0 ]; then
      verdict="FAILED: expected errors: 0, pan says errors: ${errors:-?} (exit $status)"
    elif grep -q "max search depth too small" "$out"; then
      verdict="FAILED: the search was cut at the depth limit (raise -m)"
    elif grep -q "Search not completed" "$out"; then
      verdict="FAILED: the search did not complete"
    else
      verdict="ok, errors: 0"
    fi
  else
    if grep -qF "$expect" "$out"; then
      verdict="ok, spin finds it: $(grep -m1 -F "$expect" "$out" | sed 's/^pan:[0-9]*: //')"
    else
      verdict="FAILED: spin found no \"$expect\" (errors: ${errors:-?})"
    fi
  fi
  printf 'model-check: %-18s %9s states stored, %5ss  %s\n' "$name" "${stored:-?}" "$seconds" "$verdict"
  if [ "${verdict#ok}" = "$verdict" ]; then
    failed=1
    echo "---- the end of pan's output ($name) ----" >&2
    tail -40 "$out" >&2
    echo "----" >&2
  fi
}

# Safety: every state, one fault (a crash, a pause, a failed or unanswered transaction).
build safety "-DFAULTS=1" "-DSAFETY -DNOCLAIM"
check safety safety pass "-m100000"
# Liveness: acceptance cycles under weak fairness, one ltl formula at a time.
build liveness "-DFAULTS=1 -DLIVENESS" "-DNFAIR=4"
check live-answered liveness pass "-a -f -m200000 -N answered"
check live-finished liveness pass "-a -f -m200000 -N finished"
# The model has teeth: let the database trust the node's memory and (1) must fail.
build broken "-DFAULTS=1 -DBROKEN_TAKEOVER -DONLY_DOUBLE_BOOKING" "-DSAFETY -DNOCLAIM"
check broken-takeover broken "assertion violated  !(seat_in_two_bookings)" "-m100000"
if [ "$deep" -eq 1 ]; then
  build deep "-DFAULTS=2" "-DSAFETY -DNOCLAIM"
  check safety-two-faults deep pass "-m100000 -w28"
fi

if [ "$failed" -ne 0 ]; then
  echo "model-check: FAILED: a check of model/cluster.pml did not come out as it must (see above)" >&2
  exit 1
fi
echo "model-check: every check of model/cluster.pml came out as it must"
