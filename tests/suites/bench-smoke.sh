#!/usr/bin/env bash
# Load-benchmark smoke test: runs every scenario for about a second at low concurrency on SQLite,
# and fails on any failed request or on a scenario that completed nothing. It asserts no
# timings (figures are in BENCHMARKS.md), so it runs the debug binaries `cargo test` has
# already built instead of spending a second, release, build of the workspace on CI.
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo build --locked -p antom-checkout -p antom-sim -p bench
target_dir="${CARGO_TARGET_DIR:-target}"
"$target_dir/debug/bench" --quick
