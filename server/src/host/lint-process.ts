/**
 * The lint process of `shapelint check` (`lint-worker.ts` in an `IsolatedProcess`), and its
 * early start: bin/shapelint.js starts one before loading the CLI, so the child boots while
 * the parent loads (both are Node start-ups, the bulk of a one-file check). This module is
 * bundled on its own (dist/lint-process.js) and imports nothing heavier than
 * `isolated-process.ts`; the CLI's pool adopts the process through a global symbol, since the
 * two bundles do not share module instances.
 */
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
