/**
 * Node built-ins loaded on first use. A one-file check with `--no-cache` needs no hashing, and
 * loading node:crypto (which pulls in a chain of Node's internal modules) cost ~8 ms of a
 * ~0.2 s cold start.
 */
import type * as Crypto from 'node:crypto';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use (above)
export const crypto = (): typeof Crypto => require('node:crypto');
