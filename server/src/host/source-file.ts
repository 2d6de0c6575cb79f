/**
 * Reading and writing Python sources without damaging them: binary files are recognised and
 * skipped, invalid UTF-8 is analysed leniently but never rewritten, and writes keep the
 * byte-order mark, the line endings (edits carry their own) and the file's permissions.
 */
import { chmodSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

export type SourceRead =
  | { kind: 'text'; text: string; bom: boolean; lossy: boolean }
  | { kind: 'binary' }
  | { kind: 'error'; message: string };

const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const lenient = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

export function readSource(file: string): SourceRead {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    return { kind: 'error', message: describeFsError(e) };
  }
  return decodeSource(bytes);
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

/** Writes via a temporary file and a rename, so a crash never leaves half a file behind. */
export function writeSourceAtomic(file: string, text: string, bom: boolean): void {
  const mode = statSync(file).mode & 0o7777;
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.shapelint-${process.pid}-${Date.now()}.tmp`);
  try {
    writeFileSync(tmp, bom ? '\ufeff' + text : text, { encoding: 'utf8', mode });
    chmodSync(tmp, mode);
    renameSync(tmp, file);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      /* the temporary file was never created */
    }
    throw e;
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
    default:
      return err.code ?? String(e);
  }
}
