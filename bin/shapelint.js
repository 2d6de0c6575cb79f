#!/usr/bin/env node
'use strict';
// Launcher: the bundled CLI in dist/ (built by `prepare` and `npm run build`, shipped by
// `npm pack`; it needs no node_modules). `check` lints in a child process: it is started
// first, so that it boots while the CLI loads.
if (process.argv[2] === 'check') require('../dist/lint-process.js').prestartLintProcess();
const { runCli, processIo } = require('../dist/cli.js');

runCli(process.argv.slice(2), processIo()).then((code) => {
  process.exitCode = code;
});
