/**
 * Entry of an isolated lint process (see `isolated-process.ts`): loads its own parser on its
 * first job, then lints one job per request. Started by the worker pool.
 */
import { setFlagsFromString } from 'node:v8';
import { serveRequests, testFault } from './isolated-child';
import { failedJob, runJob, type LintJob } from './lint-job';
import { loadParser } from './parser';
import type { PythonParser } from '../engine/index';

let parser: Promise<PythonParser> | null = null;

serveRequests(async (message) => {
  const job = message as LintJob;
  testFault(job.text);
  try {
    return runJob(await (parser ??= parserFor(job)), job);
  } catch (e) {
    return failedJob(job.id, `cannot load the parser: ${(e as Error)?.message ?? e}`);
  }
});

/**
 * The grammar's WebAssembly runs on V8's baseline tier (`--liftoff-only`) unless the pool says
 * this process has a large share of text to parse (`LintJob.bulk`, lint-process.ts says why).
 * The flag must be set before the grammar compiles, and only V8's switch to the baseline tier
 * works while it runs (`--no-liftoff-only` set at run time kept the baseline tier, measured), so
 * the process starts without it and the first job decides. A process writing its code cache
 * keeps the flags it started with: V8 accepts a cache only under the flags it was made with.
 */
function parserFor(job: LintJob): Promise<PythonParser> {
  if (!job.bulk && process.env.SHAPELINT_CODE_CACHE !== 'produce') setFlagsFromString('--liftoff-only');
  return loadParser();
}
