#!/usr/bin/env bash
# Checks deploy/kubernetes/ offline: every manifest against the Kubernetes schemas,
# strictly (an unknown or misspelt field is an error), with PyPI's
# kubernetes-validate; and the ConfigMap's tool definitions with the agent's own
# reader (`wasmbpfd --check`).
#
#   Scripts/check-deploy.sh [WASMBPFD]   (default .build/debug/wasmbpfd)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
wasmbpfd=${1:-.build/debug/wasmbpfd}
version=1.37.0

manifests=(deploy/kubernetes/namespace.yaml deploy/kubernetes/serviceaccount.yaml
  deploy/kubernetes/tools-configmap.yaml deploy/kubernetes/daemonset.yaml)
# Every manifest is listed (the kustomization is not a resource).
for file in deploy/kubernetes/*.yaml; do
  [[ "$file" == */kustomization.yaml ]] && continue
  [[ " ${manifests[*]} " == *" $file "* ]] || { echo "check-deploy: $file is not checked" >&2; exit 1; }
done
kubernetes-validate --strict --kubernetes-version "$version" "${manifests[@]}"

definitions=$(mktemp -d)
trap 'rm -rf "$definitions"' EXIT
python3 - "$definitions" deploy/kubernetes/tools-configmap.yaml <<'PY'
import sys, yaml
out, path = sys.argv[1], sys.argv[2]
document = yaml.safe_load(open(path))
for key, text in document["data"].items():
    open(f"{out}/{key}", "w").write(text)
PY
"$wasmbpfd" --tool-dir "$definitions" --check
echo "check-deploy: manifests valid for Kubernetes $version; tool definitions read"
