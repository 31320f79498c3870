#!/usr/bin/env bash
# The OpenAPI document as the front end's contract (tests/api-contract, pinned npm packages from
# its package-lock, installed with npm ci; fails, never skips, when node or a package is missing):
#  1. docs/openapi.json is a valid OpenAPI 3.1 document (@seriousme/openapi-schema-validator);
#     `cargo test -p antom-checkout --test api contract` checks it equals what the server serves.
#  2. openapi-typescript generates TypeScript types from it, and `tsc --checkJs` checks
#     static/checkout.js (its JSDoc names those types) against them.
#  3. Self-test: with one field the page reads renamed in a copy of the document, step 2 fails.
# Takes about 15 s after the first npm ci (about 40 MB of packages, no browser).
set -euo pipefail
cd "$(dirname "$0")/../.."

log() { printf '[api-contract] %s\n' "$*"; }
fail() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }
started=$(date +%s)

command -v node >/dev/null 2>&1 || fail "node is required (Debian: apt-get install -y nodejs npm)"
command -v npm >/dev/null 2>&1 || fail "npm is required (Debian: apt-get install -y npm)"
[ -f docs/openapi.json ] || fail "docs/openapi.json is missing (cargo run -q -p antom-checkout -- openapi > docs/openapi.json)"

cd tests/api-contract
log "npm ci"
npm ci --no-audit --no-fund --prefer-offline --loglevel=error || fail "npm ci failed in tests/api-contract"

log "1. docs/openapi.json is valid OpenAPI 3.1"
node validate-spec.mjs ../../docs/openapi.json || fail "docs/openapi.json is not valid OpenAPI 3.1"

log "2. TypeScript types from the document; tsc --checkJs static/checkout.js against them"
rm -rf generated && mkdir -p generated
npx --no-install openapi-typescript ../../docs/openapi.json -o generated/api.d.ts --silent \
  || fail "openapi-typescript could not generate types"
npx --no-install tsc -p tsconfig.json || fail "static/checkout.js does not type-check against the OpenAPI document"

log "3. self-test: a renamed field breaks the type check"
work=$(mktemp -d)
trap 'rm -rf "$work"; rm -rf generated; mkdir -p generated' EXIT
node rename-field.mjs ../../docs/openapi.json "$work/renamed.json"
node validate-spec.mjs "$work/renamed.json" >/dev/null || fail "the renamed copy should still be valid OpenAPI"
npx --no-install openapi-typescript "$work/renamed.json" -o generated/api.d.ts --silent
if npx --no-install tsc -p tsconfig.json >"$work/tsc.log" 2>&1; then
  fail "tsc passed with SdkConfig.scriptUrl renamed: the check cannot catch a contract break"
fi
grep -q "scriptUrl" "$work/tsc.log" || { cat "$work/tsc.log"; fail "tsc failed, but not on the renamed field"; }
log "tsc refused the renamed field: $(grep -m1 scriptUrl "$work/tsc.log")"

log "passed in $(( $(date +%s) - started )) s"
