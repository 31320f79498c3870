#!/usr/bin/env bash
# Load-benchmark smoke test: builds the release server, simulator and benchmark, then runs every
# scenario for about a second at low concurrency on SQLite. Fails on any failed request or on a
# scenario that completed nothing. It asserts no timings: figures are in BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo build --release --locked -p antom-checkout -p antom-sim -p bench
target_dir="${CARGO_TARGET_DIR:-target}"
"$target_dir/release/bench" --quick
