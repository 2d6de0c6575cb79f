/**
 * The lint process of `shapelint check` (`lint-worker.ts` in an `IsolatedProcess`), and its
 * early start: bin/shapelint.js starts one before loading the CLI, so the child boots while
 * the parent loads (both are Node start-ups, the bulk of a one-file check). This module is
 * bundled on its own (dist/lint-process.js) and imports nothing heavier than
 * `isolated-process.ts`; the CLI's pool adopts the process through a handover (handover.ts),
 * since the two bundles do not share module instances.
 */
import { statSync } from 'node:fs';
import * as path from 'node:path';
import { handover } from './handover';
import { IsolatedProcess } from './isolated-process';

// For a check that lints in this process, bin/shapelint.js starts compiling the parser instead.
export { precompileParserWasm } from './parser-wasm';

const prestarted = handover<IsolatedProcess>('prestartedLintProcess');

/**
 * A lint process, with two requests in flight (the next job waits in the child, worker-pool.ts).
 *
 * - WebAssembly tier: V8's optimising tier-up of the grammar costs a run of a few files more than
 *   it saves (the first 9 files parsed in 180-320 ms with it, 40-80 ms on the baseline tier
 *   alone, `--liftoff-only`) and saves a big run ~30% of its parse time (the bench's 630 files,
 *   8.4 MB: 4.5-6.2 s against 5.9-8.0 s in one process at a load average of 11-13; 2.0 against 2.8 s idle). The pool
 *   knows the run's size only after the process started (bin/shapelint.js starts it first), so
 *   the process starts with both tiers and its first job decides (`LintJob.bulk`, lint-worker.ts).
 * - `--initial-old-space-size`: the live heap between jobs is small (~12 MB), so V8 kept the old
 *   generation's limit near 26 MB and ran a full mark-compact every 2-3 files (39 over the bench's
 *   630 files, against 6 with 128 MB to start with; the lint process's CPU time 16.6 -> 15.4 s
 *   median of 3 on a loaded machine, peak RSS 161 -> 229 MB, well under `MEMORY_LIMIT_MB`).
 *   A bigger young generation (`--max-semi-space-size=32`) saved a further 0.3 s for 20 MB more: not kept.
 */
export function lintProcess(): IsolatedProcess {
  return new IsolatedProcess({ script: path.join(__dirname, 'lint-worker.js'), v8Flags: ['--initial-old-space-size=128'], pipeline: 2 });
}

/**
 * A lint process parses at least this much text of a run (on average) to optimise its grammar
 * (see `lintProcess`): the tier-up costs its first files ~0.2 s and saves ~0.1 s per MB parsed
 * (0.8 s of 2.8 s for 8.4 MB), so it pays from about 2 MB.
 */
export const BULK_CHARS_PER_PROCESS = 2_000_000;

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
  prestarted.leave(p);
}

/** The process `prestartLintProcess` started, once; undefined when none was. */
export function takePrestartedLintProcess(): IsolatedProcess | undefined {
  return prestarted.take();
}
