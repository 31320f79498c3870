#!/usr/bin/env bash
# Interoperability: Antom's official Python SDK (tests/interop/requirements.txt) against the
# simulator binary (crates/antom-sim). Creates or reuses a venv in target/interop-venv, builds
# and starts the simulator on a free port with a SANDBOX_ client id and the TEST keys, runs
# tests/interop/python_sdk_test.py and exits with its status. Run from anywhere; tests/run.sh
# runs it from the repo root. Fails, never skips, when something cannot be installed or built.
set -euo pipefail
cd "$(dirname "$0")/../.."

log() { printf '[python-sdk-interop] %s\n' "$*"; }

TARGET_DIR="${CARGO_TARGET_DIR:-target}"
VENV="target/interop-venv"
KEYS="crates/antom-client/tests/fixtures/test-keys.json"
CLIENT_ID="SANDBOX_PY_SDK_INTEROP"

# 1. Python environment with the pinned SDK.
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c 'import sys' >/dev/null 2>&1; then
  log "creating $VENV"
  rm -rf "$VENV"
  python3 -m venv "$VENV"
fi
log "pip install -r tests/interop/requirements.txt"
"$VENV/bin/python" -m pip install --disable-pip-version-check --quiet -r tests/interop/requirements.txt
PY="$VENV/bin/python"

# 2. The simulator binary.
log "cargo build -p antom-sim --bin antom-sim"
cargo build --locked -p antom-sim --bin antom-sim
BIN="$TARGET_DIR/debug/antom-sim"
[ -x "$BIN" ] || { echo "FAIL: $BIN was not built" >&2; exit 1; }

# 3. Start it on a free port with the TEST keys: the merchant's public key verifies requests,
#    Antom's private key signs responses.
PORT="$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
key() { "$PY" -c 'import json, sys; k = json.load(open(sys.argv[1])); print(k[sys.argv[2]][sys.argv[3]])' "$KEYS" "$1" "$2"; }
MERCHANT_PUBLIC_KEY="$(key merchant public_key_spki_base64)"
ANTOM_PRIVATE_KEY="$(key antom private_key_pkcs8_base64)"

SIM_LOG="$(mktemp "${TMPDIR:-/tmp}/antom-sim-interop.XXXXXX")"
SIM_PID=""
cleanup() {
  if [ -n "$SIM_PID" ] && kill -0 "$SIM_PID" 2>/dev/null; then
    kill "$SIM_PID" 2>/dev/null || true
    wait "$SIM_PID" 2>/dev/null || true
  fi
  rm -f "$SIM_LOG"
}
trap cleanup EXIT

log "starting the simulator on 127.0.0.1:$PORT (client id $CLIENT_ID)"
SIMULATOR_BIND_ADDR="127.0.0.1:$PORT" \
SIMULATOR_CLIENT_ID="$CLIENT_ID" \
SIMULATOR_MERCHANT_PUBLIC_KEY="$MERCHANT_PUBLIC_KEY" \
SIMULATOR_ANTOM_PRIVATE_KEY="$ANTOM_PRIVATE_KEY" \
SIMULATOR_TIME_SCALE="1.0" \
  "$BIN" >"$SIM_LOG" 2>&1 &
SIM_PID=$!

SIM_URL="http://127.0.0.1:$PORT"
ready=""
for _ in $(seq 1 100); do
  if ! kill -0 "$SIM_PID" 2>/dev/null; then
    echo "FAIL: the simulator exited during startup:" >&2
    cat "$SIM_LOG" >&2
    exit 1
  fi
  if "$PY" -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1] + "/__sim/clock", timeout=2).read()' "$SIM_URL" >/dev/null 2>&1; then
    ready=1
    break
  fi
  sleep 0.2
done
if [ -z "$ready" ]; then
  echo "FAIL: the simulator did not answer on $SIM_URL within 20 s:" >&2
  cat "$SIM_LOG" >&2
  exit 1
fi

# 4. The test.
status=0
ANTOM_SIM_URL="$SIM_URL" ANTOM_SIM_CLIENT_ID="$CLIENT_ID" ANTOM_TEST_KEYS="$KEYS" \
  "$PY" tests/interop/python_sdk_test.py || status=$?
if [ "$status" -ne 0 ]; then
  echo "--- simulator log ---" >&2
  tail -n 100 "$SIM_LOG" >&2
fi
exit "$status"
