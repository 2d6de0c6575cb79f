#!/usr/bin/env node
'use strict';
// Launcher: the CLI is compiled TypeScript under out/ (built by `npm run build` / `prepare`).
const { runCli } = require('../out/server/src/cli/main.js');
const { processIo } = require('../out/server/src/cli/io.js');

runCli(process.argv.slice(2), processIo()).then((code) => {
  process.exitCode = code;
});
