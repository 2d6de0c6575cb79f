#!/usr/bin/env bash
# `npm run test:setup`: everything the test suite drives. The Debian packages come first (the
# venv needs python3-venv); then the oracle venv and the editor tools install side by side:
# both mostly wait on downloads, and neither reads what the other writes. Each line of their
# output is prefixed with its part; the setup fails if either part fails.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

sh scripts/setup-test-deps.sh

prefixed() {
  local name="$1"
  shift
  "$@" 2>&1 | sed -u "s/^/[$name] /"
}
prefixed oracle-venv bash test/oracle/setup-venv.sh &
venv_pid=$!
prefixed editor-tools bash scripts/setup-vscode-test.sh &
tools_pid=$!
status=0
wait "$venv_pid" || status=1
wait "$tools_pid" || status=1
exit "$status"
