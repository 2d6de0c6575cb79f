/**
 * Node built-ins loaded on first use. A one-file check with `--no-cache` needs no hashing and
 * starts no process, and loading node:crypto or node:child_process (each pulls in a chain of
 * Node's internal modules) cost ~8 ms and ~5 ms of a ~0.25 s cold start.
 */
import type * as ChildProcess from 'node:child_process';
import type * as Crypto from 'node:crypto';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use (above)
export const crypto = (): typeof Crypto => require('node:crypto');
// eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use (above)
export const childProcess = (): typeof ChildProcess => require('node:child_process');
