#!/usr/bin/env bash
# Docker cannot run on the development machines, so this checks what can be checked without an
# engine: the compose file parses, every file it and the Dockerfile name exists, and every
# environment variable they set is one the server documents in .env.example (and vice versa,
# every variable of .env.example is read by the configuration code).
set -euo pipefail
cd "$(dirname "$0")/../.."

fail() { echo "FAIL: $*" >&2; exit 1; }
checks=0

# 1. The compose file parses (docker compose's own parser when the client is installed).
if command -v docker >/dev/null 2>&1 && docker compose version >/dev/null 2>&1; then
  SIMULATOR_MERCHANT_PUBLIC_KEY=x SIMULATOR_ANTOM_PRIVATE_KEY=x ANTOM_MERCHANT_PRIVATE_KEY=x \
  ANTOM_PUBLIC_KEY=x DATA_ENCRYPTION_KEY=x docker compose -f docker-compose.yml --profile live-sim config -q \
    || fail "docker compose config rejected docker-compose.yml"
else
  python3 -c 'import yaml' 2>/dev/null || python3 -m pip install --quiet pyyaml || fail "could not install PyYAML"
  python3 - <<'PY' || fail "docker-compose.yml is not valid YAML"
import json, re, sys
text = open("docker-compose.yml").read()
# A minimal structural check when neither docker compose nor PyYAML is available.
try:
    import yaml  # type: ignore
    doc = yaml.safe_load(text)
    assert isinstance(doc.get("services"), dict) and doc["services"], "no services"
except ImportError:
    assert re.search(r"^services:\s*$", text, re.M), "no services key"
    assert "\t" not in text, "tabs in YAML"
PY
fi
checks=$((checks + 1))

# 2. Files named by the Dockerfile exist.
for path in $(awk '$1 == "COPY" && $2 !~ /^--/ { for (i = 2; i < NF; i++) print $i }' Dockerfile); do
  [ -e "$path" ] || fail "Dockerfile copies $path, which does not exist"
  checks=$((checks + 1))
done

# 3. Every variable set in the compose file or Dockerfile is documented in .env.example.
# (An assignment left commented out, `#NAME=…`, is documented too: it is how a setting whose
# default should stay unset, like ANTOM_MODE, is shown.)
documented=$(grep -oE '^#?[A-Z_]+=' .env.example | tr -d '=#' | sort -u)
used=$( (grep -oE '^\s+[A-Z][A-Z0-9_]+:' docker-compose.yml | tr -d ' :'; \
         grep -E '^ENV ' Dockerfile | grep -oE '[A-Z][A-Z0-9_]+=' | tr -d '=') | sort -u)
for var in $used; do
  case "$var" in POSTGRES_USER|POSTGRES_PASSWORD|POSTGRES_DB) continue ;; esac
  echo "$documented" | grep -qx "$var" || fail "$var is set for deployment but not documented in .env.example"
  checks=$((checks + 1))
done

# 4. Every documented variable is read by the configuration (or is the logging/tracing filter).
for var in $documented; do
  lower=$(echo "$var" | tr 'A-Z' 'a-z')
  grep -q "\b$lower\b" crates/antom-checkout/src/config.rs || fail "$var is in .env.example but not read by config.rs"
  checks=$((checks + 1))
done

echo "deployment files: $checks passed, 0 failed"
