#!/usr/bin/env bash
# Runs every test suite of antom-checkout. This is the README's test command; .ci/run calls it.
# It installs what the suites need and fails, never skips, when something is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\n==> %s\n' "$*"; }

# PostgreSQL: the server suites run against SQLite and PostgreSQL alike.
export TEST_POSTGRES_URL="${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}"
pg_ready() { (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; }
if ! pg_ready; then
  log "PostgreSQL is not answering on 127.0.0.1:5432; trying to start it"
  if command -v pg_ctlcluster >/dev/null 2>&1; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
  fi
  for _ in $(seq 1 30); do pg_ready && break; sleep 1; done
  pg_ready || { echo "FAIL: PostgreSQL is required at 127.0.0.1:5432 and could not be reached" >&2; exit 1; }
fi

log "cargo test --workspace"
cargo test --workspace --all-targets --locked

for suite in tests/suites/*.sh; do
  [ -e "$suite" ] || continue
  log "$suite"
  bash "$suite"
done
log "all suites passed"
