#!/usr/bin/env node
// Compares what two builds of shapelint print: `check --output-format json` (stdout, stderr and
// exit code) over the examples, the test fixtures (engine, projects, notebooks, reach scripts, ...)
// and a generated tree like the CLI benchmark's, once with this checkout and once with another
// built checkout. A speed change must not change one byte of it.
// Usage: node scripts/compare-check.mjs OTHER_CHECKOUT [--no-corpus] [--threads N]   (both built: npm run build)
// `--threads 1` compares the one-process path (a whole folder otherwise lints in worker processes).
// The time budget is raised so that the machine's load cannot cut an analysis short in one run only.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const other = path.resolve(process.argv[2] ?? '');
if (!process.argv[2]) {
  console.error('usage: node scripts/compare-check.mjs OTHER_CHECKOUT [--no-corpus] [--threads N]');
  process.exit(2);
}
const threadsAt = process.argv.indexOf('--threads');
const threads = threadsAt > 0 ? ['--threads', process.argv[threadsAt + 1] ?? ''] : [];
const fixtures = path.join(here, 'test', 'fixtures');
const dirs = [path.join(here, 'examples'), ...['engine', 'projects', 'notebooks', 'reach', 'cli', 'stubs', 'library-summary', 'editors'].map((d) => path.join(fixtures, d))];
let corpus = null;
if (!process.argv.includes('--no-corpus')) {
  corpus = mkdtempSync(path.join(tmpdir(), 'shapelint-compare-'));
  const helpers = path.join(here, 'out', 'test', 'helpers', 'corpus.js');
  const made = spawnSync(process.execPath, ['-e', writeCorpusSource(helpers, corpus)], { stdio: 'inherit' });
  if (made.status !== 0) process.exit(2);
  dirs.push(corpus);
}

function writeCorpusSource(helpers, root) {
  return `const { mkdirSync, writeFileSync } = require('node:fs'); const path = require('node:path');
const { generatedModelFile, modelZooFile } = require(${JSON.stringify(helpers)});
const add = (rel, text) => { const abs = path.join(${JSON.stringify(root)}, rel); mkdirSync(path.dirname(abs), { recursive: true }); writeFileSync(abs, text); };
const zoo = modelZooFile(2000);
for (let i = 0; i < 4; i++) add('zoo/zoo' + i + '.py', '# model zoo ' + i + '\\n' + zoo);
for (let i = 0; i < 3; i++) add('scripts/train' + i + '.py', generatedModelFile(3000, 100 + i));
for (let i = 0; i < 120; i++) add('pkg' + (i % 12) + '/m' + i + '.py', generatedModelFile(120 + (i % 7) * 40, 1000 + i));`;
}

function check(root, cwd, args) {
  const r = spawnSync(process.execPath, [path.join(root, 'bin', 'shapelint.js'), 'check', '--no-cache', '--output-format', 'json', '--config', 'time-budget = 1000', ...threads, ...args], { cwd, encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

let differ = 0;
try {
  for (const dir of dirs) {
    // Each folder as a whole; the examples also file by file and as a few files named on the
    // command line (the paths that lint in the CLI's own process).
    const runs = [['.']];
    if (dir.endsWith('examples')) {
      const files = readdirSync(dir).filter((f) => f.endsWith('.py'));
      runs.push(files, ...files.map((f) => [f]));
    }
    for (const args of runs) {
      const a = check(here, dir, args);
      const b = check(other, dir, args);
      const same = a.status === b.status && a.stdout === b.stdout && a.stderr === b.stderr;
      const n = (a.stdout.match(/"code":/g) ?? []).length;
      console.log(`${same ? 'same' : 'DIFFERENT'}  ${path.relative(here, dir) || dir} ${args.join(' ')} (exit ${a.status}, ${n} diagnostics)`);
      if (!same) {
        differ++;
        if (a.status !== b.status) console.log(`  exit ${a.status} here, ${b.status} there`);
        if (a.stderr !== b.stderr) console.log(`  stderr here:\n${a.stderr.slice(0, 2000)}\n  stderr there:\n${b.stderr.slice(0, 2000)}`);
      }
    }
  }
} finally {
  if (corpus) rmSync(corpus, { recursive: true, force: true });
}
process.exit(differ ? 1 : 0);
