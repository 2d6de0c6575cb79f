/**
 * Helpers for the host-safety tests: hostile projects in temporary folders, and the CLI run in
 * a child process (a hang must not hang the test runner) that reports its own peak memory.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

export const REPO = path.resolve(__dirname, '..', '..', '..');
export const NAIVE = readFileSync(path.join(REPO, 'examples', 'gluon_naive_port.py'), 'utf8');
const CLI_MAIN = path.join(REPO, 'out', 'server', 'src', 'cli', 'main.js');
const CLI_IO = path.join(REPO, 'out', 'server', 'src', 'cli', 'io.js');

/** Budgets, not benchmarks: far above a normal run, far below a hang or a runaway read. */
export const BUDGET = { seconds: 60, peakMb: 600 };

export interface ChildRun {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  seconds: number;
  peakMb: number;
}

/** Runs `shapelint ARGS` in a child (killed after the time budget); `shell` wraps it (e.g. `ulimit -f 50`). */
export function runChild(args: string[], cwd: string, env: NodeJS.ProcessEnv, shell?: string): ChildRun {
  const script =
    `const { runCli } = require(${JSON.stringify(CLI_MAIN)}); const { processIo } = require(${JSON.stringify(CLI_IO)});` +
    `runCli(process.argv.slice(1), processIo()).then((c) => { process.stderr.write('\\npeak-rss-kb=' + process.resourceUsage().maxRSS + '\\n'); process.exitCode = c; });`;
  const node = [process.execPath, '-e', script, ...args];
  const [cmd, argv] = shell ? ['sh', ['-c', `${shell} && exec "$@"`, 'sh', ...node]] : [node[0], node.slice(1)];
  const started = Date.now();
  const r = spawnSync(cmd, argv, { cwd, env: { PATH: process.env.PATH, ...env }, encoding: 'utf8', timeout: BUDGET.seconds * 1000, maxBuffer: 64 << 20 });
  const peak = /peak-rss-kb=(\d+)/.exec(r.stderr ?? '');
  return {
    code: r.status,
    signal: r.signal,
    stdout: r.stdout ?? '',
    stderr: (r.stderr ?? '').replace(/\npeak-rss-kb=\d+\n$/, ''),
    seconds: (Date.now() - started) / 1000,
    peakMb: peak ? Number(peak[1]) / 1024 : Infinity,
  };
}

/** A fresh temporary folder (real path); every one made is removed by `cleanUp`. */
const made: string[] = [];
export function tempDir(prefix = 'shapelint-adv-'): string {
  const dir = realpathSync(mkdtempSync(path.join(tmpdir(), prefix)));
  made.push(dir);
  return dir;
}

export function cleanUp(): void {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
}

export function writeFiles(root: string, files: Record<string, string | Buffer>): void {
  for (const [rel, content] of Object.entries(files)) {
    const abs = path.join(root, rel);
    mkdirSync(path.dirname(abs), { recursive: true });
    writeFileSync(abs, content);
  }
}
