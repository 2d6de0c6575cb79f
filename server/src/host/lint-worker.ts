/**
 * Entry of an isolated lint process (see `isolated-process.ts`): loads its own parser once,
 * then lints one job per request. Started by the worker pool.
 */
import { serveRequests, testFault } from './isolated-child';
import { failedJob, runJob, type LintJob } from './lint-job';
import { loadParser } from './parser';

const parser = loadParser();

serveRequests(async (message) => {
  const job = message as LintJob;
  testFault(job.text);
  try {
    return runJob(await parser, job);
  } catch (e) {
    return failedJob(job.id, `cannot load the parser: ${(e as Error)?.message ?? e}`);
  }
});
