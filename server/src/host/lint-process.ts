/**
 * The lint process of `shapelint check` (`lint-worker.ts` in an `IsolatedProcess`), and its
 * early start: bin/shapelint.js starts one before loading the CLI, so the child boots while
 * the parent loads (both are Node start-ups, the bulk of a one-file check). This module is
 * bundled on its own (dist/lint-process.js) and imports nothing heavier than
 * `isolated-process.ts`; the CLI's pool adopts the process through a global symbol, since the
 * two bundles do not share module instances.
 */
import { statSync } from 'node:fs';
import * as path from 'node:path';
import { IsolatedProcess } from './isolated-process';

const PRESTARTED = Symbol.for('shapelint.prestartedLintProcess');
type Registry = Record<symbol, IsolatedProcess | undefined>;

/**
 * `--liftoff-only`: V8's optimising tier-up of the grammar's WebAssembly costs more than it
 * saves in a lint process (the first small file took 250-330 ms to lint with it, 40-100 ms
 * without; bulk parse time unchanged within noise).
 */
export function lintProcess(): IsolatedProcess {
  return new IsolatedProcess({ script: path.join(__dirname, 'lint-worker.js'), v8Flags: ['--liftoff-only'] });
}

/**
 * `check` analyses a run of at most this many files, of at most `IN_PROCESS_MAX_CHARS` in all,
 * in its own process (worker-pool.ts): pre-commit hands over a few changed files.
 */
export const IN_PROCESS_MAX_FILES = 8;
export const IN_PROCESS_MAX_CHARS = 256 * 1024;

/**
 * Whether a `check` of these arguments will most likely lint its files in its own process, so
 * that starting a lint process early would only compete with it for the CPU: the arguments name
 * at most `IN_PROCESS_MAX_FILES` existing files of at most `IN_PROCESS_MAX_CHARS` bytes in all and
 * no folder, and, for more than one file, no `--threads`. A guess from the command line only
 * (option values are looked at too); the pool decides on the real jobs and starts a process when
 * one is needed.
 */
export function expectsInProcessRun(args: string[], cwd: string): boolean {
  let files = 0;
  let bytes = 0;
  for (const arg of args) {
    if (arg.startsWith('-')) continue;
    let size: number;
    try {
      const s = statSync(path.resolve(cwd, arg));
      if (s.isDirectory()) return false;
      if (!s.isFile()) continue;
      size = s.size;
    } catch {
      continue;
    }
    bytes += size;
    if (bytes > IN_PROCESS_MAX_CHARS || ++files > IN_PROCESS_MAX_FILES) return false;
  }
  const threads = args.some((a) => a === '--threads' || a.startsWith('--threads='));
  return files === 1 || (files > 1 && !threads);
}

/** Starts a lint process now, for the next `takePrestartedLintProcess()` of this process. */
export function prestartLintProcess(): void {
  const p = lintProcess();
  p.warm();
  (globalThis as unknown as Registry)[PRESTARTED] = p;
}

/** The process `prestartLintProcess` started, once; undefined when none was. */
export function takePrestartedLintProcess(): IsolatedProcess | undefined {
  const registry = globalThis as unknown as Registry;
  const p = registry[PRESTARTED];
  registry[PRESTARTED] = undefined;
  return p;
}
