/** Worker-thread entry: loads its own parser (WASM state is per thread) and runs jobs. */
import { parentPort, workerData } from 'node:worker_threads';
import { loadParser, type BackendChoice } from './parser';
import { runJob, type LintJob } from './lint-job';

async function main(): Promise<void> {
  const parser = await loadParser((workerData?.backend as BackendChoice) ?? 'wasm');
  parentPort!.on('message', (job: LintJob) => parentPort!.postMessage(runJob(parser, job)));
  parentPort!.postMessage({ ready: true });
}

void main().catch((e) => parentPort!.postMessage({ fatal: String((e as Error)?.stack ?? e) }));
