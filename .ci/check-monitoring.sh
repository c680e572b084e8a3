#!/usr/bin/env bash
# Checks the monitoring assets in deploy/monitoring: the Prometheus rule file is valid
# (promtool check rules), its unit tests pass (promtool test rules: every alert fires when it
# should and stays quiet when it should not), and the Grafana dashboard is valid JSON with the
# expected structure. That every metric and label they use exists is checked by
# MonitoringAssetsTest, part of `mvn verify`. Exits non-zero on any problem.
#
# Usage: .ci/check-monitoring.sh            (from anywhere; installs promtool with apt if missing)
set -euo pipefail
cd "$(dirname "$0")/.."
dir=deploy/monitoring

if ! command -v promtool >/dev/null 2>&1; then
  echo "installing: prometheus (for promtool)"
  # Debian's package would start a Prometheus server: forbid service starts during the install.
  created_policy=
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && created_policy=1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null
  if [ -n "$created_policy" ]; then rm -f /usr/sbin/policy-rc.d; fi
fi
promtool --version | head -1

promtool check rules "$dir/prometheus-rules.yaml"
promtool test rules "$dir/prometheus-rules.test.yaml"

python3 - "$dir/grafana-dashboard.json" <<'EOF'
import json
import re
import sys

path = sys.argv[1]
problems = []
try:
    with open(path, encoding="utf-8") as f:
        d = json.load(f)
except (OSError, ValueError) as e:
    sys.exit(f"{path}: not valid JSON: {e}")


def need(cond, message):
    if not cond:
        problems.append(message)


need(isinstance(d.get("schemaVersion"), int) and d["schemaVersion"] >= 36, "schemaVersion missing or below 36")
need(bool(d.get("uid")) and bool(d.get("title")), "uid and title are required")
need(d.get("id") is None, "id must be null, so an import creates the dashboard instead of overwriting another one")

variables = {v.get("name"): v for v in d.get("templating", {}).get("list", [])}
ds = variables.get("datasource", {})
need(ds.get("type") == "datasource" and ds.get("query") == "prometheus", "a 'datasource' variable of type datasource for prometheus")
for name in ("job", "instance"):
    v = variables.get(name, {})
    need(v.get("type") == "query", f"a '{name}' query variable")
    need(v.get("datasource", {}).get("uid") == "${datasource}", f"variable '{name}' uses ${{datasource}}")
# Grafana's global variables; any other $name in a query must be a variable of the dashboard.
builtins = {"__rate_interval", "__interval", "__interval_ms", "__range", "__range_s", "__range_ms", "__dashboard", "__from", "__to"}
var_ref = re.compile(r"\$(?:\{(\w+)(?::\w+)?\}|(\w+))")


def check_refs(where, text):
    for m in var_ref.finditer(text):
        name = m.group(1) or m.group(2)
        need(name in variables or name in builtins, f"{where}: unknown variable ${name}")


for name, v in variables.items():
    if v.get("type") == "query":
        q = v.get("query")
        check_refs(f"variable {name}", q.get("query", "") if isinstance(q, dict) else q or "")

ids = set()
panels = []
for p in d.get("panels", []):
    panels.append(p)
    panels.extend(p.get("panels", []))  # collapsed rows
need(len(panels) > 0, "no panels")
occupied = {}
for p in panels:
    title = p.get("title", "?")
    need(isinstance(p.get("id"), int) and p["id"] not in ids, f"panel '{title}': missing or duplicate id")
    ids.add(p.get("id"))
    g = p.get("gridPos", {})
    need(all(isinstance(g.get(k), int) for k in ("h", "w", "x", "y")) and g.get("x", 0) + g.get("w", 0) <= 24,
         f"panel '{title}': gridPos missing or wider than 24 columns")
    if all(isinstance(g.get(k), int) for k in ("h", "w", "x", "y")):
        for row in range(g["y"], g["y"] + g["h"]):
            for col in range(g["x"], g["x"] + g["w"]):
                other = occupied.setdefault((row, col), title)
                if other != title:
                    problems.append(f"panel '{title}' overlaps '{other}'")
                    break
            else:
                continue
            break
    if p.get("type") == "row":
        continue
    need(p.get("datasource", {}).get("uid") == "${datasource}", f"panel '{title}': datasource must be ${{datasource}}")
    targets = p.get("targets", [])
    need(len(targets) > 0, f"panel '{title}': no query")
    for t in targets:
        need(bool(t.get("expr", "").strip()), f"panel '{title}': a target without expr")
        need(t.get("datasource", {}).get("uid") == "${datasource}", f"panel '{title}': target datasource must be ${{datasource}}")
        check_refs(f"panel '{title}'", t.get("expr", ""))

if problems:
    print(f"{path}:", *problems, sep="\n  ")
    sys.exit(1)
print(f"{path}: valid ({len(panels)} panels, {len(variables)} variables)")
EOF
