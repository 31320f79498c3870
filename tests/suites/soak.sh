#!/usr/bin/env bash
# Chaos soak in CI: 60 s of mixed traffic under rotating simulator faults, replica SIGKILLs and
# database cuts, then the ledger check, on PostgreSQL (two replicas) and SQLite with fixed
# seeds, and once more on PostgreSQL with a random seed (printed, so a failure can be replayed
# with `target/debug/soak --seed N`). Any discrepancy fails the suite.
#
# It runs the debug binaries of the workspace's one debug build (`cargo test --workspace
# --all-targets` has built antom-checkout and antom-sim; `soak` itself is built here in the same
# profile if it is not there yet), never a second profile, and fails if they are missing.
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo build --locked -p antom-checkout -p antom-sim -p soak
target_dir="${CARGO_TARGET_DIR:-target}"
for bin in antom-checkout antom-sim soak; do
  if [ ! -x "$target_dir/debug/$bin" ]; then
    echo "FAIL: $target_dir/debug/$bin is missing" >&2
    exit 1
  fi
done
export BENCH_BIN_DIR="$target_dir/debug"
out="$target_dir/soak-ci"
rm -rf "$out"
random_seed=$(( (RANDOM << 15) | RANDOM ))
echo "soak: random seed for this run: $random_seed"
started=$(date +%s)
# The three soaks run side by side (each has its own simulator, ports and database), so the
# suite costs one soak's time; the load they put on each other is more chaos, not less.
pids=()
names=()
run() {
  local name=$1
  shift
  mkdir -p "$out"
  "$target_dir/debug/soak" --duration 60s --settle-max-secs 240 --out "$out/$name" "$@" \
    >"$out/$name.log" 2>&1 &
  pids+=("$!")
  names+=("$name")
}
run postgres-1701 --db postgres --seed 1701
run sqlite-1702 --db sqlite --seed 1702
run "postgres-$random_seed" --db postgres --seed "$random_seed"
failed=0
for i in "${!pids[@]}"; do
  if wait "${pids[$i]}"; then
    echo "soak: ${names[$i]}: clean"
  else
    echo "FAIL: soak ${names[$i]} found discrepancies or could not run; its log and report:" >&2
    failed=1
  fi
  tail -n 40 "$out/${names[$i]}.log"
done
[ "$failed" -eq 0 ] || exit 1
echo "soak: all runs clean in $(( $(date +%s) - started )) s (random seed $random_seed)"
