/**
 * Reading and writing Python sources without damaging them: binary files are recognised and
 * skipped, invalid UTF-8 is analysed leniently but never rewritten, and a write lands on the
 * file the user meant, as it was, or not at all:
 *  - through a symbolic link to its target (the link stays a link);
 *  - never over a read-only file, nor over an edit saved since the file was read;
 *  - keeping the byte-order mark, permissions, owner and group, and the inode when other
 *    hard links share it.
 */
import {
  chmodSync,
  chownSync,
  closeSync,
  constants,
  fstatSync,
  ftruncateSync,
  openSync,
  readFileSync,
  realpathSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
  writeSync,
  type Stats,
} from 'node:fs';
import * as path from 'node:path';
import { describeFsError, openNonBlocking } from './safe-read';


export type SourceRead =
  | { kind: 'text'; text: string; bom: boolean; lossy: boolean }
  | { kind: 'binary' }
  | { kind: 'error'; message: string };

const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const lenient = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/** Reads a source file; a FIFO or device (a path named on the command line can be one) is refused. */
export function readSource(file: string): SourceRead {
  const fd = openNonBlocking(file, false);
  if (typeof fd !== 'number') return { kind: 'error', message: fd.kind === 'missing' ? 'no such file or directory' : fd.reason };
  try {
    if (!fstatSync(fd).isFile()) return { kind: 'error', message: 'not a regular file' };
    return decodeSource(readFileSync(fd));
  } catch (e) {
    return { kind: 'error', message: describeFsError(e) };
  } finally {
    closeSync(fd);
  }
}

export function decodeSource(bytes: Uint8Array): SourceRead {
  // Git's heuristic: a NUL byte in the first 8000 bytes means binary.
  if (bytes.subarray(0, 8000).includes(0)) return { kind: 'binary' };
  const bom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  const body = bom ? bytes.subarray(3) : bytes;
  try {
    return { kind: 'text', text: strict.decode(body), bom, lossy: false };
  } catch {
    return { kind: 'text', text: lenient.decode(body), bom, lossy: true };
  }
}

/** The bytes of a source as read (`text` came from valid UTF-8, so this round-trips exactly). */
export function sourceBytes(text: string, bom: boolean): Buffer {
  return Buffer.from(bom ? `\ufeff${text}` : text, 'utf8');
}

export type WriteOutcome = { ok: true } | { ok: false; reason: string };

/**
 * Replaces a source's text with `text`, provided the file still holds `original` (what the
 * run read). Never throws: a refusal or failure comes back as the reason.
 */
export function writeSourceSafely(file: string, original: { text: string; bom: boolean }, text: string): WriteOutcome {
  let target: string;
  let st: Stats;
  try {
    target = realpathSync(file);
    st = statSync(target);
  } catch (e) {
    return { ok: false, reason: describeFsError(e) };
  }
  if (!st.isFile()) return { ok: false, reason: 'not a regular file' };
  if ((st.mode & 0o222) === 0) return { ok: false, reason: 'the file is read-only (left unchanged)' };
  const bytes = sourceBytes(text, original.bom);
  const current = currentBytes(target);
  // Already fixed (the same file reached through another name, or by another run): nothing to do.
  if (current?.equals(bytes)) return { ok: true };
  if (!current?.equals(sourceBytes(original.text, original.bom))) {
    return { ok: false, reason: 'it changed since it was read (saved during the run?); not written, run again' };
  }
  try {
    if (st.nlink > 1 || !replaceKeeping(target, bytes, st)) writeInPlace(target, bytes);
    return { ok: true };
  } catch (e) {
    return { ok: false, reason: describeFsError(e) };
  }
}

/** The file's bytes now, or null when it is no longer a readable regular file. */
function currentBytes(file: string): Buffer | null {
  const fd = openNonBlocking(file, false);
  if (typeof fd !== 'number') return null;
  try {
    return fstatSync(fd).isFile() ? readFileSync(fd) : null;
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes a temporary file beside `file` with its mode, owner and group, then renames it over
 * `file`, so a crash never leaves half a file. False when the folder refuses a new file or the
 * owner cannot be kept (then the caller writes in place).
 */
function replaceKeeping(file: string, bytes: Buffer, st: Stats): boolean {
  const uid = process.getuid?.();
  const root = uid === 0;
  if (uid !== undefined && !root && (st.uid !== uid || !process.getgroups?.().includes(st.gid))) return false;
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.shapelint-${process.pid}-${Date.now()}.tmp`);
  try {
    writeFileSync(tmp, bytes, { mode: st.mode & 0o7777, flag: 'wx' });
    if (root) chownSync(tmp, st.uid, st.gid);
    chmodSync(tmp, st.mode & 0o7777);
    renameSync(tmp, file);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    // `wx` never opens a file that was already there: any other failure left ours behind.
    if (code !== 'EEXIST') removeQuietly(tmp);
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return false;
    throw e;
  }
}

function removeQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    /* never created, or already gone */
  }
}

/** Overwrites the file's own inode: hard links, owner, mode and extended attributes stay. */
function writeInPlace(file: string, bytes: Buffer): void {
  const fd = openSync(file, constants.O_WRONLY | (constants.O_NONBLOCK ?? 0));
  try {
    if (!fstatSync(fd).isFile()) throw Object.assign(new Error('not a regular file'), { code: 'not a regular file' });
    let done = 0;
    while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done, done);
    ftruncateSync(fd, bytes.length);
  } finally {
    closeSync(fd);
  }
}
