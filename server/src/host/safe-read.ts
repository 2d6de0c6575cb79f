/**
 * Reading the small files a repository can plant around the code (config, `keras.json`,
 * `.gitignore`, `extend` targets) without letting them hang or exhaust the process. A
 * committed symlink to `/dev/zero` or a FIFO must not block: the file is opened non-blocking,
 * the opened descriptor (not the path, which could change in between) must be a regular file
 * under a size limit, and reading stops at the limit or the deadline.
 */
import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import * as path from 'node:path';

export type SmallRead =
  /** The file's text. */
  | { kind: 'text'; text: string }
  /** Nothing there (or a folder): not worth a word. */
  | { kind: 'missing' }
  /** Something there that is refused (not a regular file, too large, too slow): warn. */
  | { kind: 'skipped'; reason: string }
  /** A regular file that cannot be read (permissions). */
  | { kind: 'error'; reason: string };

export interface ReadLimits {
  maxBytes: number;
  timeoutMs: number;
  /** Refuse a symbolic link in the last component instead of following it. */
  noFollow?: boolean;
}

/** Config, keras.json and .gitignore files are a few kilobytes; 1 MiB is generous. */
export const SMALL_FILE_LIMITS: ReadLimits = { maxBytes: 1 << 20, timeoutMs: 2000 };

const CHUNK = 64 * 1024;
/** The buffer for the read that should find the end of the file (sized by fstat). */
const TAIL_CHUNK = 512;

export function readSmallFile(file: string, limits: ReadLimits = SMALL_FILE_LIMITS): SmallRead {
  const opened = openNonBlocking(file, limits.noFollow ?? false);
  if (typeof opened !== 'number') return opened;
  try {
    const st = fstatSync(opened);
    if (st.isDirectory()) return { kind: 'missing' };
    if (!st.isFile()) return { kind: 'skipped', reason: `not a regular file (${fileKind(st)})` };
    if (st.size > limits.maxBytes) return tooLarge(limits);
    const bytes = readBounded(opened, limits, st.size);
    return typeof bytes === 'string' ? { kind: 'skipped', reason: bytes } : { kind: 'text', text: bytes.toString('utf8') };
  } catch (e) {
    return { kind: 'error', reason: describeFsError(e) };
  } finally {
    closeSync(opened);
  }
}

/** Opens for reading without blocking (a FIFO with no writer opens at once); an fd or why not. */
export function openNonBlocking(file: string, noFollow: boolean): number | Exclude<SmallRead, { kind: 'text' }> {
  const flags = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (noFollow ? (constants.O_NOFOLLOW ?? 0) : 0);
  try {
    return openSync(file, flags);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'missing' };
    if (code === 'ELOOP') return { kind: 'skipped', reason: noFollow ? 'a symbolic link' : 'too many levels of symbolic links' };
    // A socket cannot be opened at all (ENXIO): refused like any other special file.
    if (code === 'ENXIO' || code === 'EOPNOTSUPP') return { kind: 'skipped', reason: 'not a regular file' };
    return { kind: 'error', reason: describeFsError(e) };
  }
}

/**
 * Reads at most `maxBytes` (the file may grow after fstat) before the deadline; a reason when not.
 * Buffers are sized by the expected size: a 64 KiB zeroed buffer per read of a small file made
 * reading hundreds of files (a workspace's sources and cache entries) mostly allocation and GC.
 */
function readBounded(fd: number, limits: ReadLimits, expected: number): Buffer | string {
  const deadline = Date.now() + limits.timeoutMs;
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    // Only the `n` bytes read are kept: the buffer need not be zeroed.
    const buf = Buffer.allocUnsafe(Math.min(CHUNK, limits.maxBytes + 1 - total, Math.max(expected + 1 - total, TAIL_CHUNK)));
    const n = readSync(fd, buf, 0, buf.length, null);
    if (n === 0) break;
    chunks.push(buf.subarray(0, n));
    total += n;
    if (total > limits.maxBytes) return tooLarge(limits).reason;
    if (Date.now() > deadline) return `reading took longer than ${limits.timeoutMs} ms`;
  }
  return Buffer.concat(chunks, total);
}

function tooLarge(limits: ReadLimits): { kind: 'skipped'; reason: string } {
  return { kind: 'skipped', reason: `larger than ${Math.round(limits.maxBytes / 1024)} KiB` };
}

function fileKind(st: Stats): string {
  if (st.isFIFO()) return 'a FIFO';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'a special file';
}

/**
 * Whether a folder may hold files that steer the analysis. A world-writable folder (`/tmp`,
 * sticky or not) lets any user plant a config or keras.json there: never trusted.
 */
export function isTrustedFolder(dir: string): boolean {
  try {
    return (statSync(dir).mode & 0o002) === 0;
  } catch {
    return false;
  }
}

/**
 * Whether the files `names` in `dir` may be read (`isTrustedFolder`); when not, each of them
 * that exists is passed to `ignored`, so the user learns why it has no effect.
 */
export function mayReadIn(dir: string, names: readonly string[], ignored: (file: string) => void): boolean {
  if (isTrustedFolder(dir)) return true;
  for (const name of names) {
    const file = path.join(dir, name);
    try {
      lstatSync(file);
      ignored(file);
    } catch {
      /* not there: nothing to say */
    }
  }
  return false;
}

/**
 * Where the upward search for config and keras.json files ends (inclusive): the repository
 * root (a folder holding `.git`, a folder or a worktree's file) or the user's home folder.
 * Folders above the project belong to someone else.
 */
export function isSearchBoundary(dir: string, home: string | undefined): boolean {
  if (home && path.resolve(home) === dir) return true;
  try {
    statSync(path.join(dir, '.git'));
    return true;
  } catch {
    return false;
  }
}

export function describeFsError(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  switch (err.code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOENT':
      return 'no such file or directory';
    case 'EISDIR':
      return 'is a directory';
    case 'EFBIG':
      return 'file too large to write (EFBIG: file size limit)';
    case 'ENOSPC':
      return 'no space left on device';
    case 'EROFS':
      return 'read-only file system';
    default:
      return err.code ?? String(e);
  }
}
