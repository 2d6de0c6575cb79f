/**
 * Module resolution for a project's own code, as Python resolves absolute imports from the
 * folders on `sys.path` (the engine stays pure: it asks a `ModuleProvider` for dotted names).
 *
 * - The project root is the nearest folder above a file holding `pyproject.toml`, `setup.cfg`,
 *   `setup.py` or `.git` (else the file's own folder).
 * - Import roots are the `src` setting's folders when set (like Ruff's), else the root and
 *   `root/src` (the `src/` layout); a script outside any package also sees its own folder (as
 *   `python script.py` puts it first on `sys.path`).
 * - A name is a module `a/b.py` or a package `a/b/__init__.py` in the first root that has one;
 *   else a folder `a/b/` in any root is a namespace package. Framework names (`torch`, `keras`,
 *   ...) never become namespace packages: a stray `torch/` folder must not hide the framework.
 * - After the project, an exact stub module in `server/stubs/` (`keras/applications/__init__.py`).
 *
 * `sys.path` manipulation in code (`sys.path.insert`), `.pth` files and installed packages
 * are not followed. Every file is read through `safe-read.ts` with a size limit; a module whose
 * real path leaves its import root (a symlink out of the project) is not read.
 */
import { existsSync, lstatSync, realpathSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { ConversionCache, SharedModules, type ModuleProvider, type ModuleSource, type ParsedTree, type PythonParser } from '../engine/index';
import { crypto } from './lazy-builtins';
import { readSmallFile } from './safe-read';

/** Where a file sits in its project: plain data, so it crosses to the lint processes. */
export interface ProjectSpec {
  /** Folders absolute imports resolve from, in order. */
  roots: string[];
  /** The file's own dotted module name ('' when it is in no root). */
  moduleName: string;
  isPackage: boolean;
}

const ROOT_MARKERS = ['pyproject.toml', 'setup.cfg', 'setup.py', '.git'];
/** Imported modules larger than this are not read (an import of it is then unknown). */
export const MAX_MODULE_BYTES = 2 << 20;
const NO_NAMESPACE = new Set(['torch', 'torchvision', 'keras', 'tensorflow', 'tf_keras', 'mxnet', 'gluoncv', 'numpy', 'jax', 'scipy', 'pandas', 'sklearn']);
const IDENTIFIER = /^[A-Za-z_][A-Za-z_0-9]*$/;

/** The project root of a file: the nearest folder above it with a project marker, else its folder. */
export function projectRoot(file: string): string {
  return folderProjectRoot(path.dirname(path.resolve(file)));
}

/** The project root of the files in folder `start` (absolute). */
export function folderProjectRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (isProjectRoot(dir)) return dir;
    if (path.dirname(dir) === dir) return start;
  }
}

/** Whether `dir` holds a project marker (a real project, whose files may be searched for importers). */
export function isProjectRoot(dir: string): boolean {
  return ROOT_MARKERS.some((m) => existsSync(path.join(dir, m)));
}

/**
 * The import roots and module name of `file`; `src` is the configured `src` setting (absolute folders).
 * `byFolder`: the roots found for each folder during one batch or pass (they depend only on the
 * folder and `src`), so 50 dependents in one folder look at the file system once, not 50 times.
 */
export function projectSpecFor(file: string, src?: string[], byFolder?: Map<string, string[]>): ProjectSpec {
  const abs = path.resolve(file);
  const dir = path.dirname(abs);
  const folderKey = `${dir}\0${src?.join('\0') ?? ''}`;
  let roots = byFolder?.get(folderKey);
  if (!roots) {
    roots = importRoots(abs, src);
    byFolder?.set(folderKey, roots);
  }
  // The most specific root that holds the file names it.
  const holder = roots.filter((r) => abs.startsWith(r + path.sep)).sort((a, b) => b.length - a.length)[0];
  if (!holder) return { roots: [...roots], moduleName: '', isPackage: false };
  const parts = path.relative(holder, abs).replace(/\.pyi?$/, '').split(path.sep);
  const isPackage = parts[parts.length - 1] === '__init__';
  if (isPackage) parts.pop();
  return { roots: [...roots], moduleName: parts.every((p) => IDENTIFIER.test(p)) ? parts.join('.') : '', isPackage };
}

/** The folders absolute imports of `file` resolve from (see the module comment). */
function importRoots(abs: string, src?: string[]): string[] {
  const root = projectRoot(abs);
  const configured = src && src.length ? src : [root, path.join(root, 'src')];
  const roots = configured.filter((r) => isDir(r));
  const dir = path.dirname(abs);
  if (!existsSync(path.join(dir, '__init__.py')) && !roots.includes(dir)) roots.unshift(dir);
  return roots;
}

/** The folder of library-model stubs shipped with shapelint (beside `out/` or the bundle in `dist/`). */
export function stubsDir(): string | null {
  // It ships with shapelint and does not move while it runs: found once per process (each
  // analysis request of the server's analysis process asked the file system again).
  if (stubsFolder === undefined) stubsFolder = findStubsDir();
  return stubsFolder;
}

let stubsFolder: string | null | undefined;

function findStubsDir(): string | null {
  for (const candidate of [
    path.join(__dirname, '..', '..', '..', '..', 'server', 'stubs'), // out/server/src/host
    path.join(__dirname, '..', 'server', 'stubs'), // dist/
    path.join(__dirname, '..', '..', 'stubs'), // server/src/host run from source
  ]) {
    if (isDir(candidate)) return candidate;
  }
  return null;
}

/**
 * A provider over the file system for one project (cached: one lookup per name). `run`: the
 * lookups of a run whose files all see the project as it was when first read (`RunLookups`).
 */
export function fileModuleProvider(spec: ProjectSpec, parser: PythonParser, stubs: string | null = stubsDir(), run?: RunLookups): ModuleProvider & { textOf(file: string): string | undefined } {
  const byPath = new Map<string, string>();
  const find = moduleFinder(spec, stubs, (found) => byPath.set(found.path, found.text), readText, run);
  const generation = ++analysisGeneration;
  return { parser, find, textOf: (file) => byPath.get(file), parsed: (source) => keptTree(parser, source, generation), shared: SHARED_MODULES };
}

/**
 * This process's module evaluations, shared by every analysis it runs (a lint process's files,
 * the server's documents): keyed by each module's content hash and checked against how its
 * imports resolve now (`engine/interp/shared-modules.ts`).
 */
const SHARED_MODULES = new SharedModules();

/** The content hash a module's evaluation is shared under (the same as the cache's). */
export function moduleHash(text: string): string {
  return crypto().createHash('sha256').update(text).digest('hex');
}

/**
 * How `spec`'s project resolves dotted names (cached: one lookup per name); `onFound` sees each
 * module read; `read` reads a project file (a pass over many files shares one: `passReads`).
 */
export function moduleFinder(
  spec: ProjectSpec, stubs: string | null = stubsDir(), onFound?: (found: ModuleSource) => void, read: ReadText = readText, run?: RunLookups,
): (name: string) => ModuleSource | undefined {
  const cache = new Map<string, ModuleSource | undefined>();
  const rootsKey = `${spec.roots.join('\0')}\0\0${stubs ?? ''}\0\0`;
  let realRoots: (string | null)[] | undefined;
  const find = (name: string): ModuleSource | undefined => {
    if (cache.has(name)) return cache.get(name);
    const found = run ? run.lookUp(rootsKey + name, () => lookUp(name)) : lookUp(name);
    cache.set(name, found);
    if (found) onFound?.(found);
    return found;
  };
  const lookUp = (name: string) => findInProject(name, spec.roots, (realRoots ??= spec.roots.map(realOrNull)), find, read) ?? (stubs ? findStub(name, stubs) : undefined);
  return find;
}

/**
 * The module lookups of one run of `check` in a process, shared by its files: a name resolves
 * the same for every file with the same import roots, so each module is found, read and hashed
 * once per run and process instead of once per importing file (on Keras 3's sources ~4% of a lint
 * process's time). Like any linter's run, the run sees each module as it was when first read.
 * Holds at most `maxChars` of module text; later lookups are not kept.
 */
export class RunLookups {
  /** The lookup under `key` made earlier in this run, else `look()`'s answer (kept while within the limit). */
  readonly lookUp: (key: string, look: () => ModuleSource | undefined) => ModuleSource | undefined;

  constructor(readonly id: string, maxChars = PASS_KEPT_CHARS) {
    this.lookUp = keptWithin(maxChars, (source) => source?.text.length ?? 0);
  }
}

/** Trees of imported modules kept by this process (least recently used dropped), by path. */
const KEPT_TREES = 256;
const kept = new Map<string, { text: string; tree: ParsedTree; conversions: ConversionCache; used: number }>();
/** One per provider (one analysis): a tree the running analysis uses is never dropped under it. */
let analysisGeneration = 0;

/** The kept tree of a module's current text, parsed on first use: one parse per module per process. */
function keptTree(parser: PythonParser, source: ModuleSource, generation: number): { tree: ParsedTree; conversions: ConversionCache } | undefined {
  const hit = kept.get(source.path);
  if (hit && hit.text === source.text) {
    kept.delete(source.path);
    kept.set(source.path, hit);
    hit.used = generation;
    return hit;
  }
  // Another text of a module this analysis already uses: parse it just for this analysis.
  if (hit && hit.used === generation) return undefined;
  hit?.tree.dispose();
  kept.delete(source.path);
  const entry = { text: source.text, tree: parser.parse(source.text), conversions: new ConversionCache(), used: generation };
  kept.set(source.path, entry);
  for (const [p, e] of kept) {
    if (kept.size <= KEPT_TREES) break;
    if (e.used === generation) continue;
    e.tree.dispose();
    kept.delete(p);
  }
  return entry;
}

/**
 * `a.b.c` in the project: a top-level name in the roots; a submodule only inside its parent
 * package (a regular package's own folder, or every root's portion of a namespace package),
 * as Python's import system searches a package's `__path__`.
 */
function findInProject(name: string, roots: string[], realRoots: (string | null)[], find: (name: string) => ModuleSource | undefined, read: ReadText): ModuleSource | undefined {
  const parts = name.split('.');
  if (!parts.every((p) => IDENTIFIER.test(p))) return undefined;
  let dirs = roots.map((r, i) => ({ dir: r, realRoot: realRoots[i] }));
  if (parts.length > 1) {
    const parent = find(parts.slice(0, -1).join('.'));
    if (!parent || parent.stub || !parent.isPackage) return undefined;
    const parentDirs = parent.path.endsWith('__init__.py') ? [path.dirname(parent.path)] : dirs.map((d) => path.join(d.dir, ...parts.slice(0, -1)));
    dirs = parentDirs.map((dir) => ({ dir, realRoot: dirs.find((d) => dir.startsWith(d.dir + path.sep))?.realRoot ?? null }));
  }
  const last = parts[parts.length - 1];
  let namespace: ModuleSource | undefined;
  for (const { dir, realRoot } of dirs) {
    if (!realRoot) continue;
    const base = path.join(dir, last);
    const regular = readModule(path.join(base, '__init__.py'), realRoot, true, read) ?? readModule(`${base}.py`, realRoot, false, read);
    if (regular) return regular;
    if (!namespace && !NO_NAMESPACE.has(parts[0]) && isDir(base) && inside(realOrNull(base), realRoot)) {
      namespace = { path: base, text: '', isPackage: true, stub: false };
    }
  }
  return namespace;
}

/**
 * Stub lookups of this process, by stubs folder and name: the stubs ship with shapelint and do
 * not change while it runs, and every analysis looks up every framework name it meets (`torch`,
 * `torch.nn`, `torch.nn.Conv2d`): 126 files of the bench corpus spent ~5% of their time on these
 * file-system misses.
 */
const stubLookups = new Map<string, ModuleSource | undefined>();

function findStub(name: string, stubs: string): ModuleSource | undefined {
  const key = `${stubs}\0${name}`;
  if (stubLookups.has(key)) return stubLookups.get(key);
  const parts = name.split('.');
  if (!parts.every((p) => IDENTIFIER.test(p))) return undefined;
  const base = path.join(stubs, ...parts);
  const pkg = readModule(path.join(base, '__init__.py'), null, true);
  const read = pkg ?? readModule(`${base}.py`, null, false);
  const found = read && withHash({ path: read.path, text: read.text, isPackage: read.isPackage, stub: true });
  if (stubLookups.size < 10_000) stubLookups.set(key, found);
  return found;
}

/** A module file's source, if it is a regular file under the size limit whose real path stays in `realRoot`. */
function readModule(file: string, realRoot: string | null, isPackage: boolean, read: ReadText = readText): ModuleSource | undefined {
  if (realRoot !== null && !inside(realOrNull(file), realRoot)) return undefined;
  const text = read(file);
  if (text === undefined) return undefined;
  return withHash({ path: file, text, isPackage, stub: false });
}

/** Reads a project file's text (undefined when it is missing, refused or over the module size limit). */
export type ReadText = (file: string) => string | undefined;

/** A project file read from disk, as every module is (through `safe-read.ts`, with the module size limit). */
export const readText: ReadText = (file) => {
  const read = readSmallFile(file, { maxBytes: MAX_MODULE_BYTES, timeoutMs: 2000 });
  return read.kind === 'text' ? read.text : undefined;
};

/** Texts a pass keeps for its later readers, at most this many characters in all (later reads are not kept). */
const PASS_KEPT_CHARS = 16_000_000;

/**
 * One read of each file for a pass over many files (the server's workspace pass: the closed
 * files it lists, the modules their cached results looked up, the files their diagnostics are
 * in): a model module that is both a closed file and the import of 50 others is read once, not
 * once per reader. The pass drops it at its end, so an edit on disk is seen by the next pass.
 */
export function passReads(keptChars = PASS_KEPT_CHARS): ReadText {
  const read = keptWithin<string | undefined>(keptChars, (text) => text?.length ?? 0);
  return (file) => read(file, () => readText(file));
}

/**
 * Answers by key, each computed once while the kept answers' texts total at most `maxChars`
 * characters (`sizeOf`); past that, an answer is computed again at every ask. What a pass or
 * a run keeps of the files it reads.
 */
function keptWithin<V>(maxChars: number, sizeOf: (value: V) => number): (key: string, compute: () => V) => V {
  const kept = new Map<string, V>();
  let chars = 0;
  return (key, compute) => {
    if (kept.has(key)) return kept.get(key) as V;
    const value = compute();
    const size = sizeOf(value);
    if (chars + size <= maxChars) {
      kept.set(key, value);
      chars += size;
    }
    return value;
  };
}

/** The source with its content hash, computed on first use (resolving a name alone never needs it). */
export function withHash(source: Omit<ModuleSource, 'hash'>): ModuleSource {
  let hash: string | undefined;
  return Object.defineProperty(source, 'hash', { get: () => (hash ??= moduleHash(source.text)), enumerable: true }) as ModuleSource;
}

function inside(real: string | null, root: string): boolean {
  return real !== null && (real === root || real.startsWith(root + path.sep));
}

// Most lookups miss (a framework name is looked for in the project first): a miss is answered
// without throwing, which costs more than the system call.
function realOrNull(p: string): string | null {
  if (!lstatSync(p, { throwIfNoEntry: false })) return null;
  try {
    return realpathSync(p);
  } catch {
    return null;
  }
}

function isDir(p: string): boolean {
  try {
    return !!(lstatSync(p, { throwIfNoEntry: false })?.isDirectory() || statSync(p, { throwIfNoEntry: false })?.isDirectory());
  } catch {
    return false;
  }
}

/**
 * Whether an import line of `text` names one of `names` (module name parts): a cheap, generous
 * pre-filter for the files that may import a module, before any analysis.
 */
export function importsAny(text: string, names: Set<string>): boolean {
  for (const w of importWords(text)) if (names.has(w)) return true;
  return false;
}

/** The words of a text's import lines (module and imported names). */
export function importWords(text: string): Set<string> {
  const words = new Set<string>();
  for (const m of text.matchAll(/^[ \t]*(?:from[ \t]+([.\w]+)[ \t]+)?import[ \t]+([^\n#]+)/gm)) {
    for (const w of `${m[1] ?? ''} ${m[2]}`.split(/[^\w]+/)) if (w) words.add(w);
  }
  return words;
}
