/**
 * Runs lint jobs in isolated child processes (`isolated-process.ts`): a file that crashes the
 * engine, exhausts its memory or hangs past the time limit gets an internal error, its process
 * is restarted, and every other file keeps its result. Results come back in any order;
 * `runJobs` returns them indexed like the input so output order never depends on timing.
 */
import { availableParallelism } from 'node:os';
import { isIsolatedCrash, type IsolatedProcess } from './isolated-process';
import { failedJob, runJob, type LintJob, type LintJobResult } from './lint-job';
import { BULK_CHARS_PER_PROCESS, IN_PROCESS_MAX_CHARS, IN_PROCESS_MAX_FILES, lintProcess, takePrestartedLintProcess } from './lint-process';
import { loadParser } from './parser';
import type { PythonParser } from '../engine/index';

export interface PoolOptions {
  threads?: number;
  /** Wall-clock limit per file; a process still busy after it is killed. */
  timeoutMs?: number;
}

/** The backstop behind the interpreter's own budgets: no legitimate file comes close. */
export const DEFAULT_FILE_TIMEOUT_MS = 60_000;

/**
 * Below this many jobs one process does all the work: each process loads the grammar
 * (~0.3 s) and warms up its own code and caches, which costs more than parallelism saves
 * (measured on 2 cores: 400 files ran 0.7x as fast on two, 2000 files 1.1x; measured again
 * after conversion copied subtrees, the bench's 630 files on the 2 shared cores at a load
 * average of 17-21: 72-81 s wall on two against 68-69 s on one, 20.7-21.1 s CPU against 17.4-18.0 s).
 * An explicit `--threads` is always honoured.
 */
const MIN_JOBS_FOR_PARALLEL = 1000;

/** Runs started in this process, for each run's id (`LintJob.run`). */
let runs = 0;

export function defaultThreads(): number {
  return Math.max(1, availableParallelism());
}

export function runJobs(jobs: LintJob[], options: PoolOptions = {}): Promise<LintJobResult[]> {
  return new LintPool(options).run(jobs);
}

/** The lint processes of one run. `warm()` starts the first one early, to overlap its start-up with file discovery. */
export class LintPool {
  private readonly processes: IsolatedProcess[] = [];

  constructor(private readonly options: PoolOptions = {}) {}

  warm(): void {
    this.process(0).warm();
  }

  /** `onDone` is told after each file (a progress line). */
  async run(jobs: LintJob[], onDone: (done: number, total: number) => void = () => undefined): Promise<LintJobResult[]> {
    const run = `${process.pid}.${++runs}`;
    if (inProcess(jobs, this.options.threads)) {
      this.close();
      const p = await inProcessParser();
      return jobs.map((job, i) => {
        const result = runJob(p, { ...job, run });
        onDone(i + 1, jobs.length);
        return result;
      });
    }
    const wanted = this.options.threads ?? (jobs.length < MIN_JOBS_FOR_PARALLEL ? 1 : defaultThreads());
    const count = Math.min(wanted, jobs.length);
    const results: LintJobResult[] = new Array(jobs.length);
    const bulk = jobs.reduce((n, j) => n + j.text.length, 0) / count >= BULK_CHARS_PER_PROCESS;
    const shares = contiguousShares(jobs.length, count);
    let done = 0;
    // Each process has two jobs in flight (lint-process.ts): its next job waits in it, not in
    // this process, while it lints one.
    const feed = async (p: IsolatedProcess, own: Share): Promise<void> => {
      for (let index = takeJob(own, shares); index !== undefined; index = takeJob(own, shares)) {
        results[index] = await runIsolated(p, { ...jobs[index], bulk, run }, this.options.timeoutMs ?? DEFAULT_FILE_TIMEOUT_MS);
        onDone(++done, jobs.length);
      }
    };
    try {
      await Promise.all(shares.flatMap((own, i) => [feed(this.process(i), own), feed(this.process(i), own)]));
    } finally {
      this.close();
    }
    return results;
  }

  close(): void {
    for (const p of this.processes) p.terminate();
  }

  private process(i: number): IsolatedProcess {
    // The first may have been started before the CLI loaded (bin/shapelint.js).
    while (this.processes.length <= i) this.processes.push((this.processes.length === 0 && takePrestartedLintProcess()) || lintProcess());
    return this.processes[i];
  }
}

/** A process's run of jobs: the indices from `next` to before `end`. */
export interface Share {
  next: number;
  end: number;
}

/**
 * The jobs cut into `count` runs of consecutive files, one per process. Files come in path order,
 * so a process gets whole packages: the project modules a file imports are evaluated once in each
 * process that imports them, and files handed out alternately made both processes evaluate the
 * modules of every package. Measured on Keras 3's sources (771 files, 2 cores, `--threads 2`):
 * 14.9-15.7 s CPU in all against 12.7-13.5 s with shares (one process: 11.7-12.0 s), 6.7-8.1 s
 * wall against 5.5-7.2 s. Within a share, files go in the given order: handing out the largest
 * files first (the 20 model zoos, last in path order) cost two lint processes 21.9-23.6 s CPU
 * against 17.5-19.5 s over the bench's files (two runs each, load average 8).
 */
export function contiguousShares(jobs: number, count: number): Share[] {
  return Array.from({ length: count }, (_, i) => ({ next: Math.floor((jobs * i) / count), end: Math.floor((jobs * (i + 1)) / count) }));
}

/** The next job of `own` in order; once it is done, the last job of the share with most left (undefined: none left). */
export function takeJob(own: Share, shares: Share[]): number | undefined {
  if (own.next < own.end) return own.next++;
  const richest = shares.reduce((a, b) => (b.end - b.next > a.end - a.next ? b : a));
  return richest.next < richest.end ? --richest.end : undefined;
}

/**
 * A run of a few small files (pre-commit's case: the files of a commit) analyses them in this
 * process: a lint process costs a second Node start-up and grammar load, most of such a run
 * (measured on 2 loaded cores: one file 0.46 s against 0.91 s, with `node -e 0` at 0.25 s). The
 * price is isolation: the engine's own budgets (time, steps, collection and string sizes) bound
 * each analysis, but a crash that escapes them ends the run with the crash's signal instead of an
 * internal error for that file and the other files' results, and there is no heap or wall-clock
 * limit per file. The process limits stay the backstop for every larger run, and `--threads`
 * asks for lint processes for any run of more than one file.
 */
function inProcess(jobs: LintJob[], threads: number | undefined): boolean {
  if (jobs.length === 0 || jobs.length > IN_PROCESS_MAX_FILES || (jobs.length > 1 && threads !== undefined)) return false;
  return jobs.reduce((n, j) => n + j.text.length, 0) <= IN_PROCESS_MAX_CHARS;
}

let parser: Promise<PythonParser> | null = null;

function inProcessParser(): Promise<PythonParser> {
  return (parser ??= loadParser());
}

/** One job in `p`; a crash or timeout becomes this job's internal error (the process restarts on next use). */
async function runIsolated(p: IsolatedProcess, job: LintJob, timeoutMs: number): Promise<LintJobResult> {
  try {
    return await p.request<LintJobResult>(job, timeoutMs);
  } catch (e) {
    // The first line is what users see; SHAPELINT_DEBUG shows V8's report below it.
    if (isIsolatedCrash(e)) return failedJob(job.id, `${e.message}\n${e.stderr}`);
    throw e;
  }
}
