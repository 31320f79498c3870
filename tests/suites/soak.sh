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
"$target_dir/debug/soak" --duration 60s --db postgres --seed 1701 --settle-max-secs 180 --out "$out/postgres-1701"
"$target_dir/debug/soak" --duration 60s --db sqlite --seed 1702 --settle-max-secs 180 --out "$out/sqlite-1702"
"$target_dir/debug/soak" --duration 60s --db postgres --seed "$random_seed" --settle-max-secs 180 --out "$out/postgres-$random_seed"
echo "soak: all runs clean in $(( $(date +%s) - started )) s (random seed $random_seed)"
