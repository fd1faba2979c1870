#!/usr/bin/env bash
# Fuzzes wasmbpfd's control API with schemathesis (PyPI) against the OpenAPI document
# (api/wasmbpfd.openapi.json): schema-driven valid and invalid requests, then stateful
# sequences that follow the document's links (load, then get/pause/update/logs/... the
# loaded guest). Checks: no 5xx, status codes and content types as documented,
# responses valid against their schemas, invalid data rejected, valid data accepted.
# Some path names and module paths come from dictionaries, so that requests reach
# real guests running real modules, not only 404s.
#
#   Scripts/fuzz-agent-api.sh [MAX_EXAMPLES]   (default 40 per operation; fixtures built)
#   WASMBPFD   the agent binary (default .build/debug/wasmbpfd)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
examples=${1:-40}
wasmbpfd=${WASMBPFD:-.build/debug/wasmbpfd}
fixtures="$PWD/Fixtures/generated"
[[ -f "$fixtures/bpf/guests/exectrace.wasm" ]] || {
  echo "fuzz-agent-api: fixtures missing: run Scripts/build-fixtures.sh" >&2
  exit 1
}

work=$(mktemp -d /tmp/wasmbpfd-fuzz-XXXXXX)
agent=""
cleanup() {
  if [[ -n "$agent" ]]; then kill "$agent" 2>/dev/null || true; wait "$agent" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$work/token"
"$wasmbpfd" --socket "$work/run/wasmbpfd.sock" --allow-dir "$fixtures" --max-guests 40 \
  --tcp 127.0.0.1:0 --token-file "$work/token" --tcp-port-file "$work/port" \
  --log-level warning >"$work/agent.log" 2>&1 &
agent=$!
for _ in $(seq 1 100); do [[ -s "$work/port" ]] && break; sleep 0.1; done
port=$(cat "$work/port")
base="http://127.0.0.1:$port"
auth="Authorization: Bearer $(cat "$work/token")"

# Two guests the dictionaries name, so operations on a name reach a real guest.
for name in fuzz-a fuzz-b; do
  curl -sf -H "$auth" -H 'Content-Type: application/json' "$base/v1/guests" -d \
    "{\"name\":\"$name\",\"spec\":{\"module\":{\"file\":\"$fixtures/bpf/guests/exectrace.wasm\"},\"args\":[\"-n\",\"1000000000\",\"-t\",\"600000\"],\"policy\":{\"preset\":\"observe\"},\"restart\":\"always\"}}" >/dev/null
done

cat >"$work/schemathesis.toml" <<TOML
[dictionaries.guests]
values = ["fuzz-a", "fuzz-b"]
[dictionaries.modules]
values = ["$fixtures/bpf/guests/exectrace.wasm", "$fixtures/bpf/guests/execsnoop.wasm",
  "$fixtures/cli/cli_guest.wasm", "$fixtures/bpf/guests/hostile.wasm", "/etc/passwd",
  "$fixtures/../../Package.swift"]
[dictionaries.modes]
values = ["trap", "loop", "exit", "sleep", "recurse", "alloc", "-n", "-t", "1", "100", "100000"]
[dictionaries.short-waits]
values = [0, 1, 50, 200]
[parameters]
"path.name" = { dictionary = "guests", probability = 0.5 }
"body.spec.module.file" = { dictionary = "modules", probability = 0.7 }
"body.spec.args[*]" = { dictionary = "modes", probability = 0.7 }
"query.timeoutMs" = { dictionary = "short-waits", probability = 1.0 }
# Following the logs of a guest that runs forever is an endless response by design
# (tested on its own); the fuzzer reads them without following.
"query.follow" = "false"
# A schema-valid load whose module is missing, not Wasm, or refused by the agent's
# policy is answered 422 (documented): a valid request the agent cannot act on.
[checks.positive_data_acceptance]
expected-statuses = ["2xx", 401, 403, 404, 409, 422]
# Schemathesis' coverage phase crashes inside Hypothesis on this Python (3.11.7):
# "AST constructor recursion depth mismatch" while describing a lambda, before any
# request is sent. COVERAGE_PHASE=true runs it anyway.
[phases.coverage]
enabled = ${COVERAGE_PHASE:-false}
TOML

status=0
(cd "$work" && schemathesis run "$OLDPWD/api/wasmbpfd.openapi.json" --url "$base" -H "$auth" \
  --checks all --max-examples "$examples" --seed "${SEED:-20261206}" --no-color --workers 2 \
  --generation-database none --request-timeout 30 --report junit \
  --report-junit-path "$work/junit.xml") | tee "$work/schemathesis.txt" || status=$?

# The agent must have lived through it, and still answer.
if ! kill -0 "$agent" 2>/dev/null; then
  echo "fuzz-agent-api: wasmbpfd died during the run" >&2
  cat "$work/agent.log" >&2
  exit 1
fi
curl -sf -H "$auth" "$base/v1/health" >/dev/null || { echo "fuzz-agent-api: wasmbpfd stopped answering" >&2; exit 1; }
if grep -qiE "fatal error|assertion|segmentation" "$work/agent.log"; then
  echo "fuzz-agent-api: wasmbpfd logged a crash" >&2
  cat "$work/agent.log" >&2
  exit 1
fi
kill -TERM "$agent"
wait "$agent" || { echo "fuzz-agent-api: wasmbpfd exited with $? after SIGTERM" >&2; exit 1; }
agent=""
exit "$status"
