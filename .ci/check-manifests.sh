#!/usr/bin/env bash
# Checks the Kubernetes manifests in deploy/kubernetes without a cluster: renders the base and every
# overlay with kustomize, validates every object against its schema, checks the objects against each
# other and against the gateway's configuration, and proves on broken copies that these checks fail.
# Needs Node.js 18+ and npm; installs its pinned packages (no lock file) into
# deploy/kubernetes/check/node_modules, which git ignores. Exits non-zero on any problem.
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in node npm; do
  command -v "$tool" >/dev/null 2>&1 || { echo "check-manifests: $tool is missing (Node.js 18+ and npm)" >&2; exit 1; }
done

check=deploy/kubernetes/check
(cd "$check" && npm install --no-package-lock --no-audit --no-fund --no-update-notifier --loglevel=error >/dev/null)
node "$check/check.mjs"
