// Bundles the VS Code extension, the language server and its analysis process into dist/ with esbuild: one file
// each, plus the two .wasm files the server loads (the grammar stays in grammars/, where
// host/parser.ts looks for it beside the bundle). Native modules are never bundled.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const require = createRequire(import.meta.url);
const production = process.argv.includes('--production');

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node18',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  // `tree-sitter` is the optional native backend: editors use web-tree-sitter instead.
  external: ['vscode', 'tree-sitter', 'tree-sitter-python'],
  // Its ESM build finds its .wasm through import.meta.url, which a CommonJS bundle lacks;
  // the CommonJS build uses __dirname, i.e. dist/.
  // jsonc-parser's CommonJS build is UMD with computed requires esbuild cannot follow: use its ESM build.
  alias: { 'web-tree-sitter': require.resolve('web-tree-sitter'), 'jsonc-parser': path.join(path.dirname(require.resolve('jsonc-parser/package.json')), 'lib/esm/main.js') },
};

rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });
await Promise.all([
  build({ ...common, entryPoints: [path.join(root, 'client/src/extension.ts')], outfile: path.join(dist, 'client/extension.js') }),
  build({ ...common, entryPoints: [path.join(root, 'server/src/lsp/main.ts')], outfile: path.join(dist, 'server.js') }),
  // The server runs analyses in a child process started from this file, beside server.js.
  build({ ...common, entryPoints: [path.join(root, 'server/src/lsp/analysis-process.ts')], outfile: path.join(dist, 'analysis-process.js') }),
]);
// web-tree-sitter looks for its runtime next to the script that loaded it.
const runtime = path.join(path.dirname(require.resolve('web-tree-sitter')), 'web-tree-sitter.wasm');
copyFileSync(runtime, path.join(dist, 'web-tree-sitter.wasm'));
console.log('bundled: dist/client/extension.js, dist/server.js, dist/analysis-process.js, dist/web-tree-sitter.wasm');
