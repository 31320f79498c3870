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

# 5. Metrics and dashboards (deploy/): the Prometheus config scrapes the server, compose runs
# Prometheus and Grafana with the files mounted, the dashboard has the panels ops asked for, and
# every metric its queries read is exported by the server after a scripted checkout (the cargo
# test drives a checkout, a capture and a forged webhook, then reads /metrics).
for path in deploy/prometheus.yml deploy/grafana/antom-checkout.json \
            deploy/grafana/provisioning/datasources/prometheus.yml \
            deploy/grafana/provisioning/dashboards/antom-checkout.yml; do
  [ -f "$path" ] || fail "$path is missing"
  checks=$((checks + 1))
done
python3 -c 'import yaml' 2>/dev/null || python3 -m pip install --quiet pyyaml || fail "could not install PyYAML"
python3 - <<'PY' || fail "deploy/ files are inconsistent"
import json, sys, yaml
prom = yaml.safe_load(open("deploy/prometheus.yml"))
targets = [t for job in prom["scrape_configs"] for sc in job["static_configs"] for t in sc["targets"]]
assert "checkout:8080" in targets, f"prometheus.yml does not scrape checkout:8080: {targets}"
compose = yaml.safe_load(open("docker-compose.yml"))["services"]
for name in ("prometheus", "grafana"):
    assert name in compose, f"docker-compose.yml has no {name} service"
mounts = " ".join(compose["prometheus"].get("volumes", []) + compose["grafana"].get("volumes", []))
for path in ("./deploy/prometheus.yml", "./deploy/grafana/provisioning", "./deploy/grafana/antom-checkout.json"):
    assert path in mounts, f"{path} is not mounted in docker-compose.yml"
ds = yaml.safe_load(open("deploy/grafana/provisioning/datasources/prometheus.yml"))["datasources"]
uids = {d["uid"] for d in ds}
dash = json.load(open("deploy/grafana/antom-checkout.json"))
titles = [p["title"] for p in dash["panels"]]
for wanted in ("Sessions/s", "Authorization rate", "Capture latency", "Webhook verification failures",
               "Reconciler lag", "Auth-expiry risk"):
    assert any(t.startswith(wanted) for t in titles), f"the dashboard has no '{wanted}' panel: {titles}"
for panel in dash["panels"]:
    assert panel["targets"], f"panel {panel['title']} queries nothing"
    for target in panel["targets"]:
        assert target["expr"].strip(), f"panel {panel['title']} has an empty query"
        assert target["datasource"]["uid"] in uids, f"panel {panel['title']} uses an unprovisioned datasource"
print(f"dashboard: {len(titles)} panels, datasource {sorted(uids)}")
PY
checks=$((checks + 1))
cargo test --locked -q -p antom-checkout --test api metrics::sqlite::a_whole_checkout_shows_every_metric -- --exact \
  || fail "the dashboard queries a metric the server does not export (see the test's message)"
checks=$((checks + 1))

echo "deployment files: $checks passed, 0 failed"
