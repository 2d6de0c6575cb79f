/**
 * A child process that runs one request at a time, with a heap limit and a wall-clock limit,
 * so that a fatal error in the engine (V8 abort, out of memory, a hang) ends that child and
 * not the CLI run or the language server. Worker threads are no such boundary: V8's fatal
 * errors ("JavaScript heap out of memory", "invalid size error") abort the whole process even
 * inside a worker with `resourceLimits` (measured with a list-doubling loop).
 *
 * The child is started on first use and again after a crash; a crash or timeout rejects the
 * request the child was running with an `IsolatedCrash` saying what happened.
 *
 * With `pipeline` > 1 the parent may queue further requests in the child while it runs one, so
 * the child never waits a round trip for its next request (the CLI's lint processes: 630 files
 * each waited for the parent to read the last reply and send the next job). The child answers
 * in order (`serveRequests`), so the oldest request is the running one: the time limit counts
 * from its predecessor's reply, and a crash is that request's; the queued ones never started and
 * are sent again to the restarted child.
 */
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { childProcess } from './lazy-builtins';

/** V8 heap limit of a child (checked by V8 at each garbage collection). */
export const HEAP_LIMIT_MB = 768;
/**
 * Resident memory limit of a child, checked from outside where the system shows it (Linux
 * `/proc`): one huge allocation can overshoot the heap limit before V8 notices. With the
 * overshoot of one polling interval the peak stays under 1 GB (measured: 989,480 KB on a list-doubling loop).
 */
export const MEMORY_LIMIT_MB = 960;
const MEMORY_POLL_MS = 50;

export class IsolatedCrash extends Error {
  /** Brand for `isIsolatedCrash`: a process started by another bundle has another class. */
  readonly isolatedCrash = true;

  constructor(
    message: string,
    /** The end of the child's stderr (V8's fatal error report), for debugging. */
    readonly stderr = '',
  ) {
    super(message);
  }
}

/** `e instanceof IsolatedCrash`, also for the prestarted lint process (bundled apart, see lint-process.ts). */
export function isIsolatedCrash(e: unknown): e is IsolatedCrash {
  return e instanceof Error && (e as Partial<IsolatedCrash>).isolatedCrash === true;
}

export interface IsolatedProcessOptions {
  /** The compiled entry script (see `serveRequests`). */
  script: string;
  args?: string[];
  heapLimitMb?: number;
  /** Further V8 flags for the child. */
  v8Flags?: string[];
  /** Most requests sent to the child at once (1: one at a time). */
  pipeline?: number;
}

interface Pending {
  message: unknown;
  timeoutMs?: number;
  resolve: (value: unknown) => void;
  reject: (e: Error) => void;
  timer?: NodeJS.Timeout;
  memoryPoll?: NodeJS.Timeout;
  timedOutAfterMs?: number;
  overMemory?: boolean;
}

export class IsolatedProcess {
  private child: ChildProcess | null = null;
  /** Requests sent to the child, oldest (the running one) first. */
  private readonly pending: Pending[] = [];
  /** The end of the child's stderr, where V8 says why it died. */
  private stderrTail = '';

  constructor(private readonly options: IsolatedProcessOptions) {}

  /** Starts the child now (it loads the grammar while the caller does other work). */
  warm(): void {
    this.ensureChild();
  }

  /**
   * Sends one request; rejects with `IsolatedCrash` if the child dies or exceeds `timeoutMs`
   * while running it (counted from when it starts: the reply to the request before it).
   */
  request<T>(message: unknown, timeoutMs?: number): Promise<T> {
    const most = this.options.pipeline ?? 1;
    if (this.pending.length >= most) return Promise.reject(new Error(most === 1 ? 'IsolatedProcess: one request at a time' : `IsolatedProcess: at most ${most} requests at a time`));
    return new Promise<T>((resolve, reject) => {
      const pending: Pending = { message, timeoutMs, resolve: resolve as (v: unknown) => void, reject };
      this.pending.push(pending);
      this.send(pending);
    });
  }

  /** Ends the child (pending requests are rejected as cancelled). */
  terminate(reason = 'cancelled'): void {
    const child = this.child;
    if (!child) return;
    this.detach(child);
    child.kill('SIGKILL');
    while (this.pending.length) this.settle((p) => p.reject(new IsolatedCrash(reason)));
  }

  private send(pending: Pending): void {
    const child = this.ensureChild();
    if (pending === this.pending[0]) this.watch(pending, child);
    // While a request is pending, the child keeps the parent alive (until its 'exit').
    child.ref();
    child.channel?.ref();
    child.send(pending.message as object);
  }

  /** The time and memory limits of the request the child runs now. */
  private watch(pending: Pending, child: ChildProcess): void {
    const timeoutMs = pending.timeoutMs;
    if (timeoutMs !== undefined && Number.isFinite(timeoutMs)) {
      pending.timer = setTimeout(() => {
        pending.timedOutAfterMs = timeoutMs;
        child.kill('SIGKILL');
      }, timeoutMs);
    }
    pending.memoryPoll = setInterval(() => {
      if ((residentMb(child.pid) ?? 0) <= MEMORY_LIMIT_MB) return;
      pending.overMemory = true;
      child.kill('SIGKILL');
    }, MEMORY_POLL_MS);
  }

  private ensureChild(): ChildProcess {
    if (this.child) return this.child;
    const heap = this.options.heapLimitMb ?? HEAP_LIMIT_MB;
    const child = childProcess().fork(this.options.script, this.options.args ?? [], {
      execArgv: [`--max-old-space-size=${heap}`, ...(this.options.v8Flags ?? [])],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'advanced',
    });
    this.child = child;
    this.stderrTail = '';
    child.stderr!.on('data', (b: Buffer) => {
      this.stderrTail = (this.stderrTail + b.toString()).slice(-4000);
    });
    child.on('message', (m) => {
      this.settle((p) => p.resolve(m));
      if (this.pending.length) this.watch(this.pending[0], child);
    });
    child.on('exit', (code, signal) => {
      if (this.child !== child) return;
      this.detach(child);
      const stderr = this.stderrTail;
      this.settle((p) => p.reject(new IsolatedCrash(this.describeExit(p, code, signal, heap, stderr), stderr)));
      // The queued requests never started: a new child runs them.
      for (const p of this.pending) this.send(p);
    });
    child.on('error', () => {
      /* 'exit' follows and reports it */
    });
    // An idle child must not keep the parent alive (nor its stderr pipe, ever).
    child.unref();
    child.channel?.unref();
    (child.stderr as { unref?: () => void } | null)?.unref?.();
    return child;
  }

  private detach(child: ChildProcess): void {
    if (this.child === child) this.child = null;
    child.removeAllListeners('message');
  }

  /** Settles the oldest request (the one the child ran). */
  private settle(action: (p: Pending) => void): void {
    const p = this.pending.shift();
    if (!p) return;
    clearTimeout(p.timer);
    clearInterval(p.memoryPoll);
    if (!this.pending.length) {
      this.child?.unref();
      this.child?.channel?.unref();
    }
    action(p);
  }

  private describeExit(p: Pending, code: number | null, signal: NodeJS.Signals | null, heapMb: number, stderr: string): string {
    if (p.timedOutAfterMs !== undefined) return `analysis stopped: it ran longer than ${p.timedOutAfterMs / 1000} s`;
    if (p.overMemory) return `analysis ran out of memory (limit ${MEMORY_LIMIT_MB} MB) and was stopped`;
    if (/out of memory|invalid size error|invalid array length/i.test(stderr)) {
      return `analysis ran out of memory (limit ${heapMb} MB) and was stopped`;
    }
    return `analysis process crashed (${signal ?? `exit code ${code}`})`;
  }
}

/** A process's resident memory in MB, where `/proc` shows it; undefined elsewhere. */
function residentMb(pid: number | undefined): number | undefined {
  if (pid === undefined || process.platform !== 'linux') return undefined;
  try {
    const kb = /VmRSS:\s*(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? undefined : Number(kb) / 1024;
  } catch {
    return undefined;
  }
}
