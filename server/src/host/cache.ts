/**
 * The result cache, shared by `shapelint check` and the language server (closed files'
 * diagnostics at startup). A result is keyed by the file's text, its settings, its place in
 * its project and the shapelint build; it is used only while every module name its analysis
 * looked up still resolves to the same file with the same content hash, or still to none
 * (`lookups`: the project modules and stubs it loaded, transitively through what they loaded,
 * and every miss), so a hit is exactly what a fresh run would report, whichever of the two
 * hosts made it.
 *
 * Trust model (see docs/ci.md): nothing in the checked repository is trusted. The cache lives
 * in the user's cache folder (`$XDG_CACHE_HOME/shapelint`, else `~/.cache/shapelint`), never in
 * the project, so a cloned repository can neither plant entries nor aim a symlink at the
 * user's files. shapelint creates its folders itself (mode 0700) and uses them only while they
 * are real folders (not symlinks) owned by the user and writable by nobody else; entries are
 * read without following symlinks and replaced by rename. Each entry carries a format version
 * and an HMAC keyed by the build over its key and content, so a corrupted, truncated, moved or
 * hand-edited entry is a miss. Entries never hold source rewrites: only diagnostics, and a hit
 * is re-validated before use. Any failure to read, verify or write is a silent cache miss.
 */
import { closeSync, constants, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import * as path from 'node:path';
import type { ModuleSource } from '../engine/index';
import type { LintSettings } from './lint';
import type { LintJobResult } from './lint-job';
import { moduleHash } from './project';
import { readSmallFile } from './safe-read';
import { crypto } from './lazy-builtins';

const FORMAT = 'shapelint-cache';
const VERSION = 3;
/** Far above any real result; a bigger entry is not read. */
const MAX_ENTRY_BYTES = 64 << 20;

/** `$XDG_CACHE_HOME/shapelint`, else the platform's per-user cache folder; null without a home. */
export function userCacheDir(env: NodeJS.ProcessEnv, platform = process.platform): string | null {
  if (env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME)) return path.join(env.XDG_CACHE_HOME, 'shapelint');
  if (platform === 'win32') return env.LOCALAPPDATA ? path.join(env.LOCALAPPDATA, 'shapelint', 'Cache') : null;
  if (!env.HOME) return null;
  return platform === 'darwin' ? path.join(env.HOME, 'Library', 'Caches', 'shapelint') : path.join(env.HOME, '.cache', 'shapelint');
}

export class ResultCache {
  private readonly root: string;
  private readonly dir: string;
  /** Whether the folders were checked (or created) and found safe: null until first needed. */
  private usable: boolean | null = null;

  constructor(root: string, private readonly buildId: string) {
    this.root = path.resolve(root);
    this.dir = path.join(this.root, buildId.slice(0, 16));
  }

  /** The key of a file's result: its text, settings and place in its project (`cacheScope`; what it imports is checked on `get`). */
  key(text: string, settings: LintSettings, project?: unknown): string {
    return crypto().createHash('sha256').update(this.buildId).update('\0').update(stableJson(settings)).update('\0').update(stableJson(project ?? null)).update('\0').update(text).digest('hex');
  }

  /**
   * The cached result for `key`, checked against `text`; null on any doubt. A result that looked
   * modules up is valid only while every name still resolves (`resolve`: the file and its content
   * hash now, as the host sees it) to the file and content it found then, or still to none.
   */
  get(key: string, text: string, resolve?: Resolve): LintJobResult | null {
    if (!this.ready(false)) return null;
    const read = readSmallFile(path.join(this.dir, `${key}.json`), { maxBytes: MAX_ENTRY_BYTES, timeoutMs: 5000, noFollow: true });
    if (read.kind !== 'text') return null;
    try {
      const envelope = JSON.parse(read.text) as Record<string, unknown>;
      if (envelope.format !== FORMAT || envelope.version !== VERSION || envelope.key !== key) return null;
      if (typeof envelope.result !== 'string' || typeof envelope.mac !== 'string') return null;
      if (!sameMac(envelope.mac, this.mac(key, envelope.result))) return null;
      const result = validResult(JSON.parse(envelope.result), text.length);
      return result && lookupsUnchanged(result, resolve) ? result : null;
    } catch {
      return null;
    }
  }

  set(key: string, result: LintJobResult): void {
    try {
      if (!this.ready(true)) return;
      // Never a rewrite: a cached result only ever reports.
      const { fixedText: _fixed, applied: _applied, ...kept } = result;
      const body = JSON.stringify({ ...kept, id: 0, applied: [] });
      const entry = JSON.stringify({ format: FORMAT, version: VERSION, key, mac: this.mac(key, body), result: body });
      const file = path.join(this.dir, `${key}.json`);
      const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
      writeNew(tmp, entry);
      try {
        renameSync(tmp, file); // replaces whatever is there, a symlink included, without following it
      } catch (e) {
        unlinkSync(tmp);
        throw e;
      }
    } catch {
      /* the cache is an optimisation: a read-only home still lints */
    }
  }

  private mac(key: string, body: string): string {
    return crypto().createHmac('sha256', this.buildId).update(`${FORMAT}\0${VERSION}\0${key}\0`).update(body).digest('hex');
  }

  private ready(create: boolean): boolean {
    if (this.usable !== null && (this.usable || !create)) return this.usable;
    const ok = ownPrivateDir(this.root, create, true) && ownPrivateDir(this.dir, create, false);
    // A missing folder on read may still be created by the first write.
    if (ok || create) this.usable = ok;
    return ok;
  }
}

/**
 * Whether `dir` is a real folder (not a symlink) owned by this user that nobody else can write,
 * creating it (mode 0700) when asked. `parents`: create missing parent folders too.
 */
export function ownPrivateDir(dir: string, create: boolean, parents: boolean): boolean {
  if (create) {
    try {
      if (parents) mkdirSync(path.dirname(dir), { recursive: true, mode: 0o700 });
      mkdirSync(dir, { mode: 0o700 });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') return false;
    }
  }
  try {
    const st = lstatSync(dir);
    const uid = process.getuid?.();
    return st.isDirectory() && (uid === undefined || st.uid === uid) && (st.mode & 0o022) === 0;
  } catch {
    return false;
  }
}

/** Creates `file` (failing if anything, a symlink included, is already there) with mode 0600. */
function writeNew(file: string, content: string): void {
  const fd = openSync(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0), 0o600);
  try {
    const bytes = Buffer.from(content, 'utf8');
    let done = 0;
    while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done);
  } finally {
    closeSync(fd);
  }
}

function sameMac(a: string, b: string): boolean {
  return a.length === b.length && crypto().timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

/** A cached result whose every part the report can use, or null (then it is a miss). */
export function validResult(v: unknown, textLength: number): LintJobResult | null {
  if (!isObject(v)) return null;
  const { diagnostics, syntaxErrors, truncated, internalError } = v;
  if (!Array.isArray(diagnostics) || !diagnostics.every((d) => validDiagnostic(d, textLength))) return null;
  if (!Array.isArray(syntaxErrors) || !syntaxErrors.every((s) => isObject(s) && typeof s.message === 'string' && validRange(s.range, textLength))) return null;
  if (typeof truncated !== 'boolean') return null;
  if (internalError !== undefined && typeof internalError !== 'string') return null;
  const { fixedText: _fixed, ...rest } = v;
  return { ...(rest as unknown as LintJobResult), id: 0, applied: [] };
}

/** How a module name resolves now: the file and its content hash, or null for none. */
export type Resolve = (name: string) => { path: string; hash: string } | null;

/** `find`'s resolutions as the cache checks them (the content hash computed once per module found). */
export function resolverOf(find: (name: string) => ModuleSource | undefined): Resolve {
  return (name) => {
    const found = find(name);
    return found ? { path: found.path, hash: found.hash ?? contentHash(found.text) } : null;
  };
}

/** Whether every module name the cached analysis looked up still resolves to the same file with the same content (or still to none). */
function lookupsUnchanged(result: LintJobResult, resolve?: Resolve): boolean {
  const lookups: unknown = result.lookups;
  if (lookups === undefined) return result.imports === undefined;
  if (!isObject(lookups) || !resolve) return false;
  return Object.entries(lookups).every(([name, found]) => {
    if (found === null) return resolve(name) === null;
    if (!Array.isArray(found) || found.length !== 2 || typeof found[0] !== 'string' || typeof found[1] !== 'string') return false;
    const now = resolve(name);
    return now !== null && now.path === found[0] && now.hash === found[1];
  });
}

/**
 * What of a file's place in its project its result can depend on (part of the cache key): the
 * import roots, and its own module name only when it has a relative import (so equal files in one
 * folder share an entry).
 */
export function cacheScope(text: string, project: { roots: string[]; moduleName: string; isPackage: boolean }): object {
  const relative = /^[ \t]*from[ \t]+\./m.test(text);
  return { roots: project.roots, ...(relative ? { moduleName: project.moduleName, isPackage: project.isPackage } : {}) };
}

/** The content hash of a source text (what shared module evaluations are keyed by). */
export const contentHash = moduleHash;

function validDiagnostic(d: unknown, textLength: number): boolean {
  if (!isObject(d)) return false;
  // A diagnostic in an imported module has ranges in that module's text, not this one's.
  const n = typeof d.file === 'string' ? Number.MAX_SAFE_INTEGER : textLength;
  const related = (r: unknown) => isObject(r) && typeof r.message === 'string' && validRange(r.range, typeof r.file === 'string' ? Number.MAX_SAFE_INTEGER : textLength);
  return (
    typeof d.code === 'string' &&
    typeof d.rule === 'string' &&
    (d.severity === 'error' || d.severity === 'warning' || d.severity === 'info') &&
    typeof d.message === 'string' &&
    Array.isArray(d.explanation) &&
    d.explanation.every((e) => typeof e === 'string') &&
    validRange(d.range, n) &&
    Array.isArray(d.related) &&
    d.related.every(related) &&
    Array.isArray(d.fixes) &&
    d.fixes.every(
      (f) =>
        isObject(f) &&
        typeof f.title === 'string' &&
        (f.applicability === 'safe' || f.applicability === 'unsafe') &&
        Array.isArray(f.edits) &&
        f.edits.every((e) => isObject(e) && typeof e.newText === 'string' && validRange(e.range, n)),
    )
  );
}

function validRange(r: unknown, n: number): boolean {
  return isObject(r) && Number.isInteger(r.start) && Number.isInteger(r.end) && 0 <= (r.start as number) && (r.start as number) <= (r.end as number) && (r.end as number) <= n;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** JSON with sorted keys, so equal settings always hash alike. */
export function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${stableJson(x)}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/**
 * Identifies the build: the version plus the content of every compiled engine and host
 * file, so a changed engine never serves results computed by the previous one (content, not
 * mtimes: rebuilding identical code keeps the cache).
 */
export function buildId(version: string, roots: string[]): string {
  const h = crypto().createHash('sha256').update(version);
  for (const root of roots) {
    for (const f of listJs(root)) {
      h.update(`${path.relative(root, f)}\0`).update(readFileSync(f)).update('\0');
    }
  }
  return h.digest('hex');
}

/** The .js files under `dir`; a `dir` that is itself a .js file (a bundle) is that file. */
function listJs(dir: string): string[] {
  let names: string[];
  try {
    if (dir.endsWith('.js')) return statSync(dir).isFile() ? [dir] : [];
    names = readdirSync(dir).sort();
  } catch {
    return [];
  }
  return names.flatMap((n) => {
    const p = path.join(dir, n);
    if (n.endsWith('.js')) return [p];
    return statSync(p).isDirectory() ? listJs(p) : [];
  });
}
