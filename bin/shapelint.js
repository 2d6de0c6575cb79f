#!/usr/bin/env node
'use strict';
// Launcher. The package ships the bundled CLI in dist/ (built by `prepare` and `npm run build`;
// it needs no node_modules). In a clone, `tsc` alone updates out/ and not dist/: whichever of
// the two was built last runs, so a stale bundle never answers for new code.
const fs = require('node:fs');
const path = require('node:path');

// WebAssembly on V8's baseline tier, as in lint processes (host/lint-process.ts says why): one
// small file is linted in this process. Set before any code loads: V8 accepts a code cache only
// under the flags it was made with, and the build makes the caches through this launcher.
require('node:v8').setFlagsFromString('--liftoff-only');

const root = path.join(__dirname, '..');
const builtAt = (file) => {
  try {
    return fs.statSync(path.join(root, file)).mtimeMs;
  } catch {
    return -1;
  }
};
const compiled = builtAt('out/server/src/cli/main.js') > builtAt('dist/cli.bundle.js');
const from = (bundled, outFile) => require(path.join(root, compiled ? outFile : bundled));

// `check` lints in a child process: start it first, so that it boots while the CLI loads.
// A few small files are linted in this process instead (host/worker-pool.ts): start compiling
// the parser's WebAssembly then, which V8 does off the main thread while the CLI loads.
if (process.argv[2] === 'check') {
  const lintProcess = from('dist/lint-process.js', 'out/server/src/host/lint-process.js');
  if (lintProcess.expectsInProcessRun(process.argv.slice(3), process.cwd())) lintProcess.precompileParserWasm();
  else lintProcess.prestartLintProcess();
}
const { runCli, processIo } = from('dist/cli.js', 'out/server/src/cli/main.js');

runCli(process.argv.slice(2), processIo()).then((code) => {
  process.exitCode = code;
});
