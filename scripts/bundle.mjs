// Bundles with esbuild into dist/, one file per entry point: the `shapelint` CLI and its lint
// process, the language server and its analysis process, and the VS Code extension; plus the
// web-tree-sitter runtime .wasm (the grammar stays in grammars/, where host/parser.ts looks for it
// beside the bundle). The bundles need no node_modules: `npm pack` ships them alone, so
// installing shapelint (pre-commit does, on every first run) installs no dependencies.
// `--cli-only` skips the extension (whose vscode-languageclient is a dev dependency).
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const require = createRequire(import.meta.url);
const production = process.argv.includes('--production');
const cliOnly = process.argv.includes('--cli-only');

// A model with one error, so the check exercises analysis, diagnostics and output.
const SAMPLE = `import torch
from torch import nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 16, kernel_size=3, padding=1)
        self.fc = nn.Linear(16 * 32 * 32, 10)

    def forward(self, x):
        x = torch.relu(self.conv(x))
        return self.fc(x.flatten(1))


y = Net()(torch.randn(8, 3, 30, 30))
`;

/**
 * commander loads node:child_process when its module loads, for the executable subcommands
 * shapelint does not have; a one-file check starts no process, and loading it cost ~5 ms of a
 * ~0.25 s cold start. This loads it on commander's first spawn instead (the only use). A
 * commander whose line reads otherwise is bundled as it is, with a warning.
 */
const lazyCommanderSpawn = {
  name: 'lazy-commander-spawn',
  setup(b) {
    b.onLoad({ filter: /[\\/]commander[\\/]lib[\\/]command\.js$/ }, (args) => {
      const eager = "const childProcess = require('node:child_process');";
      const lazy = "const childProcess = { spawn: (...args) => require('node:child_process').spawn(...args) };";
      const text = readFileSync(args.path, 'utf8');
      if (text.includes(eager)) return { contents: text.replace(eager, lazy), loader: 'js' };
      return { contents: text, loader: 'js', warnings: [{ text: 'commander loads node:child_process in another way now: it is bundled as it is (start-up ~5 ms slower)' }] };
    });
  },
};

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node18',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  external: ['vscode'],
  plugins: [lazyCommanderSpawn],
  // Its ESM build finds its .wasm through import.meta.url, which a CommonJS bundle lacks;
  // the CommonJS build uses __dirname, i.e. dist/.
  // jsonc-parser's CommonJS build is UMD with computed requires esbuild cannot follow: use its ESM build.
  alias: { 'web-tree-sitter': require.resolve('web-tree-sitter'), 'jsonc-parser': path.join(path.dirname(require.resolve('jsonc-parser/package.json')), 'lib/esm/main.js') },
};

rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });
const entry = (source, out) => build({ ...common, entryPoints: [path.join(root, source)], outfile: path.join(dist, out) });
await Promise.all([
  cliOnly ? null : entry('client/src/extension.ts', 'client/extension.js'),
  entry('server/src/lsp/main.ts', 'server.js'),
  // The server runs analyses in a child process started from this file, beside server.js.
  entry('server/src/lsp/analysis-process.ts', 'analysis-process.js'),
  entry('server/src/cli/main.ts', 'cli.bundle.js'),
  // `shapelint check` lints in child processes started from lint-worker.js, beside cli.js.
  entry('server/src/host/lint-worker.ts', 'lint-worker.bundle.js'),
  // Small: bin/shapelint.js starts the first lint process with it before loading the CLI.
  entry('server/src/host/lint-process.ts', 'lint-process.js'),
]);
// The CLI and its lint processes start through the code-cache loader (start-up time).
copyFileSync(path.join(root, 'scripts/code-cache-loader.js'), path.join(dist, 'code-cache-loader.js'));
for (const name of ['cli', 'lint-worker']) {
  asLoadedScript(path.join(dist, `${name}.bundle.js`));
  const stub = `'use strict';\nmodule.exports = require('./code-cache-loader.js')(require('node:path').join(__dirname, '${name}.bundle.js'));\n`;
  writeFileSync(path.join(dist, `${name}.js`), stub);
}
// web-tree-sitter looks for its runtime next to the script that loaded it.
const runtime = path.join(path.dirname(require.resolve('web-tree-sitter')), 'web-tree-sitter.wasm');
copyFileSync(runtime, path.join(dist, 'web-tree-sitter.wasm'));
produceCodeCaches();

/**
 * Rewrites a bundle as the code-cache loader reads it best (scripts/code-cache-loader.js says
 * why): wrapped in the function CommonJS gives a module (on its first line, so line numbers stay),
 * and ASCII, each other character as its `\uXXXX` escape, which means the same in a string, a
 * template, a regular expression and a comment (esbuild escapes them everywhere but in comments).
 */
function asLoadedScript(file) {
  const text = readFileSync(file, 'utf8');
  const escape = (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  const ascii = text.replace(/[^\x00-\x7f]/g, escape);
  writeFileSync(file, `${require('./code-cache-loader.js').WRAPPED}${ascii}\n});`);
}

/**
 * Writes V8 code caches for the CLI and lint-process bundles by running checks, so the
 * functions a check compiles are cached too: two files first (linted in a lint process with
 * `--threads 1`, which writes its cache), then one (linted in the CLI's own process, host/worker-pool.ts), whose
 * cache of the CLI bundle is the one kept. Best effort: without a cache they still run.
 */
function produceCodeCaches() {
  const scratch = mkdtempSync(path.join(tmpdir(), 'shapelint-cache-'));
  try {
    writeFileSync(path.join(scratch, 'model.py'), SAMPLE);
    writeFileSync(path.join(scratch, 'other.py'), SAMPLE);
    // `--threads 1`: two files alone are linted in the CLI's own process (host/worker-pool.ts).
    for (const files of [['--threads', '1', 'model.py', 'other.py'], ['model.py']]) {
      const r = spawnSync(process.execPath, [path.join(root, 'bin/shapelint.js'), 'check', '--no-cache', '--isolated', ...files], {
        cwd: scratch,
        env: { ...process.env, SHAPELINT_CODE_CACHE: 'produce' },
        encoding: 'utf8',
      });
      if (r.status !== 1) console.warn(`code caches not written: the sample check exited ${r.status}\n${r.stderr}`);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

console.log(`bundled: ${cliOnly ? '' : 'dist/client/extension.js, '}dist/cli.js, dist/lint-worker.js, dist/server.js, dist/analysis-process.js, dist/web-tree-sitter.wasm`);

