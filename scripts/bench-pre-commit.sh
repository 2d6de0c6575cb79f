#!/usr/bin/env bash
# Times the pre-commit hook as a user meets it: a `.pre-commit-config.yaml` that pins this
# repository at a commit (default HEAD), a fresh pre-commit store, the first run (which
# installs the hook: npm install, npm pack, global install) and later runs on the same files:
# on both files, on one, and of a hook that does nothing (pre-commit's own share of a run).
# Needs Debian's pre-commit and the npm registry. Usage: scripts/bench-pre-commit.sh [rev]
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
rev="$(git -C "$repo" rev-parse "${1:-HEAD}")"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
export PRE_COMMIT_HOME="$scratch/store" GIT_AUTHOR_NAME=b GIT_AUTHOR_EMAIL=b@b GIT_COMMITTER_NAME=b GIT_COMMITTER_EMAIL=b@b
mkdir "$scratch/project"
cp "$repo/examples/gluon_fixed_create_model.py" "$repo/examples/keras_original.py" "$scratch/project/" 2>/dev/null || cp "$repo"/examples/*.py "$scratch/project/"
cat > "$scratch/project/.pre-commit-config.yaml" <<YAML
repos:
  - repo: $repo
    rev: $rev
    hooks:
      - id: shapelint
  - repo: local
    hooks:
      - id: nothing
        name: nothing
        entry: 'true'
        language: system
        types_or: [python]
YAML
cd "$scratch/project"
git init --quiet && git add . && git commit --quiet -m bench
run() {
  local what="$1" goal="$2" start end
  shift 2
  start=$(date +%s.%N)
  pre-commit run "$@" >"$scratch/out.txt" 2>&1 || true
  end=$(date +%s.%N)
  echo "$what: $(echo "$end - $start" | bc) s (goal: $goal)"
}
run "pre-commit first run (install + check)" "<= 60 s" shapelint --all-files
run "pre-commit later run, two files" "<= 1 s" shapelint --all-files
run "pre-commit later run, one file" "<= 1 s" shapelint --files keras_original.py
run "pre-commit later run of a hook that does nothing" "-" nothing --all-files
