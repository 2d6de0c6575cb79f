/**
 * `npm run bench`: shapelint's speed goals, each measured on this machine and printed against
 * its goal. Nothing is asserted: timings depend on the machine and its load, so every goal that
 * can be is a ratio to a baseline measured in the same run.
 *  - engine: analysis time against bare parse time per corpus, files per second, peak memory;
 *  - CLI: `shapelint check` on a generated tree (model zoos, long scripts) against a bare read +
 *    parse of the same files in one process, with one thread and with the worker pool; the same
 *    on real public code (the Keras 3 and torchvision sources of the oracle venv, when there is one);
 *  - cold start: a one-file check as a whole process, next to `node -e 0` (and a two-file check);
 *  - pre-commit: a later run on a few files, with a local hook running this checkout;
 *  - server: edit → fresh diagnostics inside one model of a 2,000-line model zoo with errors,
 *    against the incremental re-parse of the same edit; RSS after opening many files and edits.
 * pre-commit's first run (the hook's install) needs the npm registry: `scripts/bench-pre-commit.sh` (docs/ci.md).
 *  - reach: on the training scripts of `test/fixtures/reach/`, the share of layers whose output
 *    shape is fully known and of loss and `fit` calls checked (`reach.ts`).
 * `npm run bench -- --quick`: smaller sizes; `--only cli,pre-commit`: some sections (see `wanted`).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { analyzeText, type PythonParser } from '../../server/src/engine/index';
import { defaultThreads } from '../../server/src/host/worker-pool';
import { loadParser } from '../../server/src/host/parser';
import { generatedModelFile, modelZooFile, pythonFiles } from '../helpers/corpus';
import { EXAMPLES, REPO_ROOT } from '../helpers/paths';
import { KERAS_PYTHON, kerasVenvMissing } from '../oracle/keras-oracle-run';
import { editTimes, lineAt30, memoryAfterEdits, serverTimes, stats } from './lsp-bench';
import { projectBenchmarks } from './project-bench';
import { measureReach, printReach } from './reach';

const quick = process.argv.includes('--quick');
const BIN = path.join(REPO_ROOT, 'bin', 'shapelint.js');

function time(f: () => void): number {
  const t0 = performance.now();
  f();
  return performance.now() - t0;
}

function median(xs: number[]): number {
  return stats(xs).median;
}

/** One line: what was measured, the number, the goal and whether this run met it. */
function report(what: string, value: string, goal: string, met: boolean): void {
  console.log(`${met ? 'MET   ' : 'NOT MET'} ${what}: ${value} (goal ${goal})`);
}

interface Row {
  corpus: string;
  files: number;
  lines: number;
  parseMs: number;
  lintMs: number;
  peakRssMb: number;
}

function measureEngine(parser: PythonParser, corpus: string, texts: string[], repeats: number): Row {
  let peak = 0;
  const sample = () => (peak = Math.max(peak, process.memoryUsage().rss));
  const parseRuns: number[] = [];
  const lintRuns: number[] = [];
  for (let r = 0; r < repeats; r++) {
    parseRuns.push(time(() => texts.forEach((t) => parser.parse(t).dispose())));
    sample();
    lintRuns.push(time(() => texts.forEach((t) => analyzeText(parser, t))));
    sample();
  }
  return {
    corpus,
    files: texts.length,
    lines: texts.reduce((n, t) => n + t.split('\n').length, 0),
    parseMs: median(parseRuns),
    lintMs: median(lintRuns),
    peakRssMb: peak / 1024 / 1024,
  };
}

async function engineSection(parser: PythonParser): Promise<void> {
  const corpora: [string, string[], number][] = [
    ['examples', pythonFiles(EXAMPLES).map((f) => readFileSync(f, 'utf8')), 20],
    ['generated 400 × 250 lines', Array.from({ length: quick ? 80 : 400 }, (_, i) => generatedModelFile(250, i + 1)), 3],
    ['one 2,000-line model zoo', [modelZooFile(2_000)], 5],
    ['one 20,000-line file', [generatedModelFile(quick ? 5_000 : 20_000, 7)], 3],
  ];
  console.log('\n## Engine: analysis against bare parse, in one process\n');
  console.log('| corpus | files | lines | parse ms | lint ms | lint / parse | files/s | lines/s | peak RSS MB |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const [name, texts, repeats] of corpora) {
    // Warm up so the JIT and the WASM module are compiled before timing.
    texts.slice(0, 5).forEach((t) => analyzeText(parser, t));
    const r = measureEngine(parser, name, texts, repeats);
    const fps = (r.files / r.lintMs) * 1000;
    const lps = (r.lines / r.lintMs) * 1000;
    console.log(
      `| ${r.corpus} | ${r.files} | ${r.lines} | ${r.parseMs.toFixed(1)} | ${r.lintMs.toFixed(1)} | ${(r.lintMs / r.parseMs).toFixed(2)} | ${fps.toFixed(0)} | ${lps.toFixed(0)} | ${r.peakRssMb.toFixed(0)} |`,
    );
  }
  printReach(measureReach(await loadParser()));
}

/** A tree of real-style files: big model zoos, long scripts and many ordinary model files. */
function writeCorpus(root: string): string[] {
  const zoo = modelZooFile(2_000);
  const files: string[] = [];
  const add = (rel: string, text: string) => {
    const abs = path.join(root, rel);
    mkdirSync(path.dirname(abs), { recursive: true });
    writeFileSync(abs, text);
    files.push(abs);
  };
  const scale = quick ? 0.2 : 1;
  // Each file differs (a comment with its index), as files of a real tree do.
  for (let i = 0; i < 20 * scale; i++) add(`zoo/zoo${i}.py`, `# model zoo ${i}\n${zoo}`);
  for (let i = 0; i < 10 * scale; i++) add(`scripts/train${i}.py`, generatedModelFile(3_000, 100 + i));
  for (let i = 0; i < 600 * scale; i++) add(`pkg${i % 12}/m${i}.py`, generatedModelFile(120 + (i % 7) * 40, 1_000 + i));
  return files;
}

/** How many times each whole-tree `check` is timed (the median is reported). */
const CLI_REPEATS = quick ? 1 : 3;

/** `cacheHome`: with the result cache, kept under that folder (the default run is without it). */
function checkSeconds(root: string, threads: string[], cacheHome?: string): number {
  const t0 = performance.now();
  const args = [BIN, 'check', ...(cacheHome ? [] : ['--no-cache']), '--output-format', 'concise', ...threads];
  const env = cacheHome ? { ...process.env, XDG_CACHE_HOME: cacheHome } : process.env;
  const r = spawnSync(process.execPath, args, { cwd: root, env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const s = (performance.now() - t0) / 1000;
  if (r.status !== 0 && r.status !== 1) throw new Error(`shapelint check exited ${r.status}: ${r.stderr.slice(0, 2000)}`);
  return s;
}

async function cliSection(parser: PythonParser): Promise<void> {
  const root = mkdtempSync(path.join(tmpdir(), 'shapelint-bench-'));
  try {
    const b = checkAgainstParse(parser, root, writeCorpus(root), 'CLI');
    // A later run over the unchanged tree (pre-commit, CI with its cache kept): results come from the cache.
    const cacheHome = path.join(root, '.bench-cache');
    checkSeconds(root, [], cacheHome);
    const cached = median(Array.from({ length: CLI_REPEATS }, () => checkSeconds(root, [], cacheHome)));
    console.log(`        a later check of the unchanged tree, results from the cache: ${(cached / b).toFixed(2)}x (${cached.toFixed(2)} s)`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/**
 * `check --no-cache` of the tree at `root` with one thread and with the pool, against a bare
 * read + parse of its files in this process (median of three each, interleaved); prints both
 * against the CLI goals and returns the bare parse time.
 */
function checkAgainstParse(parser: PythonParser, root: string, files: string[], title: string): number {
  const bytes = files.reduce((n, f) => n + readFileSync(f).length, 0);
  const bare: number[] = [];
  const one: number[] = [];
  const pool: number[] = [];
  for (let r = 0; r < CLI_REPEATS; r++) {
    bare.push(time(() => files.forEach((f) => parser.parse(readFileSync(f, 'utf8')).dispose())) / 1000);
    one.push(checkSeconds(root, ['--threads', '1']));
    pool.push(checkSeconds(root, ['--threads', String(defaultThreads())]));
  }
  const b = median(bare);
  console.log(`\n## ${title}: ${files.length} files, ${(bytes / 1024 / 1024).toFixed(1)} MB; bare read + parse ${b.toFixed(2)} s\n`);
  report('shapelint check, one thread / bare parse', `${(median(one) / b).toFixed(2)}x (${median(one).toFixed(2)} s)`, '<= 1.5x', median(one) / b <= 1.5);
  report(`shapelint check, ${defaultThreads()} processes / bare parse`, `${(median(pool) / b).toFixed(2)}x (${median(pool).toFixed(2)} s)`, '< 1x where the machine has the cores', median(pool) / b < 1);
  return b;
}

/**
 * The CLI goals on real public code rather than a generated tree: the Python sources of Keras 3
 * (`keras/src`, 770 files) and of torchvision (model definitions, transforms, datasets) as
 * installed in the oracle venv (`npm run test:setup`), each copied alone (`.py` files only) to a
 * temporary tree without a project marker, so each file is checked with its own folder as import
 * root (its imports of the package itself are not followed). Then torchvision once more with a
 * `pyproject.toml` at its root, as a project whose imports are followed: each file's analysis runs
 * the package modules it imports (Keras the same way takes minutes: left out). Skipped without the venv.
 */
async function realCodeSection(parser: PythonParser): Promise<void> {
  const missing = kerasVenvMissing();
  if (missing) {
    console.log(`\n## CLI on real public code: skipped (${missing})`);
    return;
  }
  // Where the venv's Python installs packages (as setup-venv.sh asks it).
  const site = spawnSync(KERAS_PYTHON, ['-c', 'import sysconfig; print(sysconfig.get_paths()["purelib"])'], { encoding: 'utf8' }).stdout.trim();
  const trees: [string, string[]][] = [
    ['Keras 3 sources', ['keras/src', 'keras/__init__.py']],
    ['torchvision sources', ['torchvision']],
  ];
  for (const [title, parts] of trees) {
    if (!parts.every((p) => existsSync(path.join(site, p)))) continue;
    const root = mkdtempSync(path.join(tmpdir(), 'shapelint-real-'));
    try {
      const pythonOnly = (from: string) => !from.includes('__pycache__') && (statSync(from).isDirectory() || from.endsWith('.py'));
      for (const p of parts) cpSync(path.join(site, p), path.join(root, p), { recursive: true, filter: pythonOnly });
      checkAgainstParse(parser, root, pythonFiles(root), `CLI on real public code, ${title}`);
      if (title.startsWith('torchvision')) {
        writeFileSync(path.join(root, 'pyproject.toml'), '');
        checkAgainstParse(parser, root, pythonFiles(root), `CLI on real public code, ${title} as a project (imports followed)`);
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }
}

function coldStartSection(): void {
  const root = mkdtempSync(path.join(tmpdir(), 'shapelint-cold-'));
  try {
    const file = path.join(root, 'model.py');
    writeFileSync(file, readFileSync(path.join(EXAMPLES, 'gluon_naive_port.py'), 'utf8') + '\n'.repeat(7));
    writeFileSync(path.join(root, 'other.py'), readFileSync(path.join(EXAMPLES, 'keras_original.py'), 'utf8'));
    const runs = quick ? 5 : 15;
    const node: number[] = [];
    const check: number[] = [];
    // A few small files are linted in the CLI's own process too (pre-commit's case).
    const two: number[] = [];
    for (let i = 0; i < runs; i++) {
      node.push(time(() => spawnSync(process.execPath, ['-e', '0'])) / 1000);
      check.push(time(() => spawnSync(process.execPath, [BIN, 'check', '--no-cache', 'model.py'], { cwd: root })) / 1000);
      two.push(time(() => spawnSync(process.execPath, [BIN, 'check', '--no-cache', 'model.py', 'other.py'], { cwd: root })) / 1000);
    }
    console.log('\n## Cold start\n');
    report('one-file check of a 30-line file, whole process (median)', `${median(check).toFixed(3)} s; node -e 0 here: ${median(node).toFixed(3)} s`, '<= 0.25 s', median(check) <= 0.25);
    console.log(`        two-file check, whole process (median): ${median(two).toFixed(3)} s`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/**
 * pre-commit's later run on a few files, with Debian's `pre-commit` when it is installed: a git
 * repository of three example files and two `language: system` hooks, this checkout's
 * `shapelint check` as the pinned hook runs it and a hook that does nothing (pre-commit's own
 * share). The hook installed from a pinned revision runs the same bundles (scripts/bench-pre-commit.sh
 * times that install, which needs the npm registry).
 */
function preCommitSection(): void {
  if (spawnSync('pre-commit', ['--version']).status !== 0) {
    console.log('\npre-commit later run: skipped (pre-commit is not installed)');
    return;
  }
  const root = mkdtempSync(path.join(tmpdir(), 'shapelint-pre-commit-'));
  try {
    const work = path.join(root, 'work');
    mkdirSync(work);
    for (const f of ['gluon_naive_port.py', 'keras_original.py', 'gluon_fixed_create_model.py']) writeFileSync(path.join(work, f), readFileSync(path.join(EXAMPLES, f), 'utf8'));
    const hook = (id: string, entry: string) => `      - id: ${id}\n        name: ${id}\n        entry: '${entry.replace(/'/g, "''")}'\n        language: system\n        types_or: [python, pyi, jupyter]\n        require_serial: true\n`;
    const entry = `${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} check --force-exclude --no-cache`;
    writeFileSync(path.join(work, '.pre-commit-config.yaml'), `repos:\n  - repo: local\n    hooks:\n${hook('shapelint', entry)}${hook('nothing', 'true')}`);
    const env = { ...process.env, PRE_COMMIT_HOME: path.join(root, 'store'), GIT_AUTHOR_NAME: 'b', GIT_AUTHOR_EMAIL: 'b@b', GIT_COMMITTER_NAME: 'b', GIT_COMMITTER_EMAIL: 'b@b' };
    for (const args of [['init', '--quiet'], ['add', '.'], ['commit', '--quiet', '-m', 'bench']]) spawnSync('git', args, { cwd: work, env });
    const run = (args: string[]) => time(() => spawnSync('pre-commit', ['run', ...args], { cwd: work, env })) / 1000;
    const first = spawnSync('pre-commit', ['run', 'shapelint', '--all-files'], { cwd: work, env, encoding: 'utf8' });
    if (!/SL005/.test(first.stdout)) throw new Error(`the pre-commit hook did not run shapelint:\n${first.stdout}${first.stderr}`);
    const runs = quick ? 3 : 9;
    const few: number[] = [];
    const one: number[] = [];
    const nothing: number[] = [];
    for (let i = 0; i < runs; i++) {
      few.push(run(['shapelint', '--all-files']));
      one.push(run(['shapelint', '--files', 'keras_original.py']));
      nothing.push(run(['nothing', '--all-files']));
    }
    console.log('\n## pre-commit later run (local hook running this checkout)\n');
    report('pre-commit later run on three files (median)', `${median(few).toFixed(2)} s; a hook that does nothing ${median(nothing).toFixed(2)} s`, '<= 1 s', median(few) <= 1);
    console.log(`        one file (median): ${median(one).toFixed(2)} s`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

async function serverSection(): Promise<void> {
  const zoo = modelZooFile(2_000);
  const runs = quick ? 20 : 60;
  const zooEdits = await editTimes(zoo, runs);
  const parse = stats(zooEdits.parse);
  // An editor's server lives for the session: the goal is judged after 30 edits that warm up its JIT, which are reported apart.
  const warmUp = 30;
  const timed = await serverTimes(zoo, runs, warmUp);
  const server = stats(timed.times);
  const first = stats(timed.warmUpTimes);
  console.log(`\n## Server: an edit inside one model of a ${zoo.split('\n').length}-line model zoo\n`);
  report(`edit → fresh diagnostics, median of ${runs} edits after ${warmUp} warm-up edits`, `${server.median.toFixed(1)} ms (p95 ${server.p95.toFixed(1)} ms)`, '<= 5 ms', server.median <= 5);
  console.log(`        the ${warmUp} warm-up edits of a fresh server: median ${first.median.toFixed(1)} ms (p95 ${first.p95.toFixed(1)} ms)`);
  report('edit → fresh diagnostics / incremental re-parse, median', `${(server.median / parse.median).toFixed(1)}x (re-parse ${parse.median.toFixed(2)} ms, p95 ${parse.p95.toFixed(2)} ms)`, '<= 3x', server.median / parse.median <= 3);
  const pieces = stats(zooEdits.pieces);
  console.log(`  the analysis process's parse of the edit (top-level statements touched, parsed alone): median ${pieces.median.toFixed(2)} ms (p95 ${pieces.p95.toFixed(2)} ms); tree-sitter's incremental re-parse ${parse.median.toFixed(2)} ms`);
  // Where the time goes: the analysis process's own work on the edit, without the round trips.
  const analysis = stats(zooEdits.analysis);
  console.log(
    `  in one process: incremental analysis + lint median ${analysis.median.toFixed(1)} ms (p95 ${analysis.p95.toFixed(1)} ms); ` +
      `blocks reused per edit ${median(zooEdits.reused)}, run ${median(zooEdits.ran)}; top-level statements read from the tree ${median(zooEdits.read)}`,
  );
  // Blocks below a new line move; those whose messages name lines are reused too.
  const moved = await editTimes(zoo, runs, true, lineAt30);
  console.log(`  a blank line inserted at line 30 and deleted: analysis + lint median ${stats(moved.analysis).median.toFixed(1)} ms; blocks run per edit ${median(moved.ran)} of ${median(moved.ran) + median(moved.reused)}`);
  const documents = Array.from({ length: quick ? 50 : 500 }, (_, i) => generatedModelFile(150, 2_000 + i));
  const edits = quick ? 1_000 : 10_000;
  const mem = await memoryAfterEdits(edits, documents);
  report(`server RSS after opening ${documents.length} files and ${edits} edits`, `${mem.rssMb.toFixed(0)} MB (${mem.rssAfterOpenMb.toFixed(0)} MB after opening)`, '<= 150 MB', mem.rssMb <= 150);
}

/** `--only NAME[,NAME]` runs some sections: cold-start, pre-commit, cli, server, engine, projects. */
function wanted(section: string): boolean {
  const at = process.argv.indexOf('--only');
  return at < 0 || (process.argv[at + 1] ?? '').split(',').includes(section);
}

async function main(): Promise<void> {
  const parser = await loadParser();
  if (wanted('cold-start')) coldStartSection();
  if (wanted('pre-commit')) preCommitSection();
  if (wanted('cli')) await cliSection(parser);
  if (wanted('real')) await realCodeSection(parser);
  if (wanted('server')) await serverSection();
  if (wanted('engine')) await engineSection(parser);
  if (wanted('projects')) await projectBenchmarks();
  console.log('\npre-commit first run (needs the npm registry): scripts/bench-pre-commit.sh');
}

void main();
