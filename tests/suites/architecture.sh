#!/usr/bin/env bash
# The structure the code promises (issue 15), checked rather than hoped for:
#  1. tests/tools/architecture.py finds its planted faults (it can fail), then none in the
#     workspace: no import cycle between source files, nothing importing a higher layer of the
#     server, no Antom result-code literal outside antom-client.
#  2. A live build leaves the simulator out: without default features antom-checkout's normal
#     dependencies do not include antom-sim, the binary builds, and asked for simulator mode
#     (or the `simulator` subcommand) it refuses with a message saying why, before it creates
#     or binds anything.
# The default-feature binary is rebuilt at the end (a relink): later suites use it.
set -euo pipefail
cd "$(dirname "$0")/../.."

fail() { echo "FAIL: $*" >&2; exit 1; }

python3 tests/tools/architecture.py --self-test
python3 tests/tools/architecture.py

with_sim=$(cargo tree -p antom-checkout -e normal --locked --prefix none | grep -c '^antom-sim ' || true)
[ "$with_sim" -ge 1 ] || fail "the default build should include antom-sim (found $with_sim)"
without_sim=$(cargo tree -p antom-checkout -e normal --no-default-features --locked --prefix none | grep -c '^antom-sim ' || true)
[ "$without_sim" -eq 0 ] || fail "--no-default-features still depends on antom-sim"
echo "antom-sim: in the default build, not in --no-default-features"

TARGET_DIR="${CARGO_TARGET_DIR:-target}"
work=$(mktemp -d)
trap 'rm -rf "$work"; cargo build -p antom-checkout --locked --quiet' EXIT
cargo build -p antom-checkout --no-default-features --locked --quiet
cp "$TARGET_DIR/debug/antom-checkout" "$work/antom-checkout-live"
cargo build -p antom-checkout --locked --quiet

for mode in serve simulator; do
  case $mode in
    serve) CMD=() ;;
    simulator) CMD=(simulator) ;;
  esac
  out=$( (cd "$work" && env -i PATH="$PATH" HOME="$work" ANTOM_MODE=simulator DATA_DIR="$work/data" \
    DATABASE_URL="sqlite://$work/data/shop.sqlite?mode=rwc" ./antom-checkout-live "${CMD[@]}" 2>&1) && echo "__EXIT 0" || echo "__EXIT $?")
  echo "$out" | grep -q "__EXIT 0" && fail "the live binary ran in simulator mode ($mode): $out"
  echo "$out" | grep -q "built without the embedded Antom simulator" \
    || fail "the live binary's refusal ($mode) does not say why: $out"
  [ ! -e "$work/data" ] || fail "the live binary created $work/data before refusing ($mode)"
  echo "live binary, $mode: refused, and said why"
done
# The zero-configuration default is simulator mode too: a live build must not fall into it.
out=$( (cd "$work" && env -i PATH="$PATH" HOME="$work" ./antom-checkout-live 2>&1) && echo "__EXIT 0" || echo "__EXIT $?")
echo "$out" | grep -q "built without the embedded Antom simulator" \
  || fail "with no configuration the live binary should refuse simulator mode: $out"
[ ! -e "$work/data" ] || fail "the live binary created its data directory before refusing"
echo "live binary, no configuration: refused, and said why"
