#!/usr/bin/env bash
# Browser tests (tests/e2e): the real antom-checkout binary in simulator mode, one fresh SQLite
# database per test file, driven through Debian's Chromium by playwright-core under node's own
# test runner. Installs Chromium when /usr/bin/chromium is missing (as root, with apt-get) and
# the pinned npm packages (npm ci); fails, never skips, when either cannot be had.
# Screenshots and server logs: target/e2e-artifacts/. Run from anywhere; tests/run.sh runs it
# from the repo root.
set -euo pipefail
cd "$(dirname "$0")/../.."

log() { printf '[browser] %s\n' "$*"; }
fail() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }

TARGET_DIR="${CARGO_TARGET_DIR:-target}"
CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"

# 1. Chromium from Debian's packages.
if [ ! -x "$CHROMIUM" ]; then
  log "$CHROMIUM is missing: installing Debian's chromium"
  [ "$(id -u)" = "0" ] || fail "Chromium is not installed and this is not root: run 'apt-get install -y chromium' as root"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update || fail "apt-get update failed"
  apt-get install -y --no-install-recommends chromium || fail "apt-get install chromium failed"
  [ -x "$CHROMIUM" ] || fail "chromium was installed but $CHROMIUM is still missing"
fi
log "$("$CHROMIUM" --version 2>/dev/null || echo "chromium at $CHROMIUM")"

# 2. Node and the pinned packages (playwright-core only; it never downloads a browser here).
command -v node >/dev/null 2>&1 || fail "node is required (Debian: apt-get install -y nodejs npm)"
command -v npm >/dev/null 2>&1 || fail "npm is required (Debian: apt-get install -y npm)"
log "node $(node --version), npm $(npm --version 2>/dev/null)"
log "npm ci (tests/e2e)"
(cd tests/e2e && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --prefer-offline --loglevel=error) \
  || fail "npm ci failed in tests/e2e"

# 3. The binary under test.
log "cargo build --locked -p antom-checkout"
cargo build --locked -p antom-checkout
BIN="$TARGET_DIR/debug/antom-checkout"
[ -x "$BIN" ] || fail "$BIN was not built"
export ANTOM_CHECKOUT_BIN="$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")"
export CHROMIUM_PATH="$CHROMIUM"

# 4. The tests, one file at a time (each starts its own server and browsers; two cores).
ARTIFACTS="$TARGET_DIR/e2e-artifacts"
rm -rf "$ARTIFACTS"
mkdir -p "$ARTIFACTS"
export E2E_ARTIFACTS="$(cd "$ARTIFACTS" && pwd)"
log "node --test (screenshots and server logs in $ARTIFACTS)"
cd tests/e2e
status=0
node --test --test-concurrency=1 --test-timeout=240000 --test-reporter=spec ./*.test.mjs || status=$?
if [ "$status" -ne 0 ]; then
  log "browser tests failed (exit $status); screenshots and server logs: $E2E_ARTIFACTS"
  exit "$status"
fi
log "browser tests passed; screenshots: $E2E_ARTIFACTS"
