#!/usr/bin/env node
'use strict';
// Launcher: the bundled CLI in dist/ (built by `prepare` and `npm run build`, shipped by
// `npm pack`; it needs no node_modules).
const { runCli, processIo } = require('../dist/cli.js');

runCli(process.argv.slice(2), processIo()).then((code) => {
  process.exitCode = code;
});
