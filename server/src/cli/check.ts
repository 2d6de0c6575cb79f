/**
 * `shapelint check`: find files, resolve their settings, lint (from the cache or on worker
 * threads), apply fixes, render one report, and pick the exit code.
 */
import * as path from 'node:path';
import type { FixMode } from '../engine/apply-fixes';
import { buildId, cacheScope, resolverOf, ResultCache, userCacheDir, type Resolve } from '../host/cache';
import { hasPortOf } from '../host/port-of';
import { ConfigResolver, display, lintSettingsFor, type LoadedConfig } from '../host/config';
import type { ConfigValues } from '../host/config-schema';
import { discoverFiles } from '../host/discover';
import { KerasConfigFinder } from '../host/keras-config';
import { KerasPinFinder } from '../host/keras-pins';
import type { LintSettings } from '../host/lint';
import type { LintJob, LintJobResult } from '../host/lint-job';
import { readSource } from '../host/source-file';
import { notebookWithProgram, type CellMap, type Notebook } from '../engine/index';
import { LintPool } from '../host/worker-pool';
import { expectsInProcessRun } from '../host/lint-process';
import { importWords, isProjectRoot, moduleFinder, folderProjectRoot, projectSpecFor, type ProjectSpec } from '../host/project';
import { projectReports } from './project-report';
import { addNoqa } from './add-noqa';
import { render, isHumanFormat, type OutputFormat } from './formats/index';
import { EXIT, type CliIo } from './io';
import { isProblem, printable, type FileReport, type RunReport } from './report';
import { programDiff, programOf, writeProgram } from './item-text';
import { shapelintVersion } from '../host/version';
import { renderStatistics } from './statistics';
import { Progress } from './terminal';

export interface CheckOptions {
  paths: string[];
  outputFormat: OutputFormat;
  fix: boolean;
  unsafeFixes: boolean;
  diff: boolean;
  showFixes: boolean;
  exitNonZeroOnFix: boolean;
  exitZero: boolean;
  addNoqa: boolean;
  cache: boolean;
  configFile?: string;
  overrides?: ConfigValues;
  isolated: boolean;
  forceExclude: boolean;
  respectGitignore: boolean;
  threads?: number;
  /** Colour the human formats. */
  color: boolean;
  statistics: boolean;
  quiet: boolean;
  silent: boolean;
  /** Read the text from stdin, checked as if it were this file (`-` or no path). */
  stdinFilename?: string;
}

/** One file to check, with everything the lint needs. */
export interface CheckItem {
  abs: string;
  display: string;
  /** The text analysed: the file's, or a notebook's code cells as one program. */
  text: string;
  bom: boolean;
  /** Invalid UTF-8 was replaced: analyse, but never write. */
  lossy: boolean;
  settings: LintSettings;
  /** Where the file sits in its project (its imports are followed). */
  project: ProjectSpec;
  /** Set for a `.ipynb` file. */
  notebook?: Notebook;
  /** Read from stdin: fixes go to stdout, never to a file. */
  stdin?: boolean;
}

export async function runCheck(o: CheckOptions, io: CliIo): Promise<number> {
  // Files are linted in isolated processes; start one now so its start-up overlaps discovery
  // (unless the run most likely checks a few small files, which are linted in this process).
  const pool = new LintPool({ threads: o.threads });
  if (!o.addNoqa && !expectsInProcessRun(o.paths, io.cwd)) pool.warm();
  const resolver = new ConfigResolver({ cwd: io.cwd, configFile: o.configFile, overrides: o.overrides, isolated: o.isolated, home: io.env.HOME, warn: cliWarn(io) });
  const found = o.stdinFilename !== undefined ? await stdinItems(o.stdinFilename, resolver, io, o) : filesItems(resolver, io, o);
  const { items } = found;
  let failed = found.failed;
  if (o.addNoqa) return (await addNoqa(items, io)) || failed ? EXIT.error : EXIT.clean;

  const mode: FixMode = o.unsafeFixes ? 'unsafe' : 'safe';
  const fixing = o.fix || o.diff;
  const progress = new Progress(io, Progress.wanted(io, o.quiet || o.silent));
  // Unchecked files that import a checked one: their runs can reach errors in the checked files.
  const importers = importerItems(items, resolver, io, o);
  const allResults = await lintItems([...items, ...importers], fixing ? mode : null, o, io, pool, (done, total) => progress.update(done, total));
  progress.clear();
  const results = allResults.slice(0, items.length);
  const reports: FileReport[] = [];
  let fixed = 0;
  let wouldChange = 0;
  const shownFixes: string[] = [];
  const unwritten: number[] = [];
  items.forEach((item, i) => {
    const r = results[i];
    if (r.internalError) {
      failed = true;
      io.stderr(`error: internal error while checking ${printable(item.display)}: ${r.internalError.split('\n')[0]}\n`);
      if (io.env.SHAPELINT_DEBUG) io.stderr(`${r.internalError}\n`);
    }
    // Only a fix run's own result may rewrite a file (a result from elsewhere never does).
    if (!fixing || r.fixedText === undefined || r.fixedText === item.text) return;
    if (o.diff) {
      if (!o.silent) io.stdout(programDiff(item, r.fixedText));
      wouldChange += r.applied.length;
    } else if (writeFixed(item, r.fixedText, io)) {
      fixed += r.applied.length;
      if (o.showFixes) shownFixes.push(...describeFixes(item.display, r));
    } else unwritten.push(i);
  });
  failed ||= unwritten.length > 0;
  if (o.fix && !o.diff) items.forEach((item, i) => item.stdin && io.stdout(stdinOutput(item, results[i].fixedText ?? item.text)));
  // A file whose fixes were not written is reported as it is on disk, not as it would have been.
  const asOnDisk = unwritten.length ? await lintItems(unwritten.map((i) => items[i]), null, o, io, pool) : [];
  unwritten.forEach((i, k) => (results[i] = { ...asOnDisk[k], fixedText: undefined }));
  if (!o.diff) {
    const texts = items.map((item, i) => (fixing && results[i].fixedText !== undefined ? results[i].fixedText! : item.text));
    const cells = items.map((item, i) => cellsAfter(item, texts[i]));
    reports.push(...projectReports(items, results, texts, io.cwd, { items: importers, results: allResults.slice(items.length) }, cells));
  }

  if (o.diff) {
    if (!o.quiet && !o.silent) io.stderr(wouldChange ? `Would fix ${wouldChange} error${wouldChange === 1 ? '' : 's'}.\n` : 'No errors would be fixed.\n');
    return failed ? EXIT.error : wouldChange && !o.exitZero ? EXIT.problems : EXIT.clean;
  }
  const report: RunReport = { files: reports, fixMode: mode, fixed, unwritten: unwritten.length, color: o.color, quiet: o.quiet };
  // Fixed text read from stdin goes to stdout (an editor replaces its buffer with it): the report goes to stderr.
  const out = o.stdinFilename !== undefined && o.fix ? io.stderr : io.stdout;
  if (shownFixes.length && !o.silent) (isHumanFormat(o.outputFormat) ? out : io.stderr)(`Fixed:\n${shownFixes.join('')}\n`);
  if (!o.silent) out(o.statistics ? renderStatistics(report, o.outputFormat === 'json') : render(o.outputFormat, report, shapelintVersion()));
  const remaining = reports.reduce((n, f) => n + f.findings.filter(isProblem).length, 0);
  if (failed) return EXIT.error;
  if (o.exitNonZeroOnFix && fixed > 0) return EXIT.problems;
  return remaining > 0 && !o.exitZero ? EXIT.problems : EXIT.clean;
}

function filesItems(resolver: ConfigResolver, io: CliIo, o: CheckOptions): { items: CheckItem[]; failed: boolean } {
  const found = discoverFiles(o.paths, { cwd: io.cwd, resolver, forceExclude: o.forceExclude, respectGitignore: o.respectGitignore });
  for (const w of found.warnings) io.stderr(`warning: ${printable(w)}\n`);
  for (const e of found.errors) io.stderr(`error: ${printable(e)}\n`);
  const { items, readFailed } = readItems(found.files, resolver, io, o);
  return { items, failed: found.errors.length > 0 || readFailed };
}

/** The text on stdin as one item named `name` (its settings are those of that path). */
async function stdinItems(name: string, resolver: ConfigResolver, io: CliIo, o: CheckOptions): Promise<{ items: CheckItem[]; failed: boolean }> {
  const abs = path.resolve(io.cwd, name || 'stdin.py');
  const text = (await io.readStdin?.()) ?? '';
  const read = programOf(abs, text);
  if ('error' in read) {
    io.stderr(`error: cannot check ${printable(name || '-')}: ${read.error}\n`);
    return { items: [], failed: true };
  }
  const config = resolver.forDir(path.dirname(abs));
  const settings = { ...settingsFor(config, abs, finders(io), io, o), ...(read.notebook ? { cells: [...read.notebook.cells.spans] } : {}) };
  // Text from stdin stands for the file it names: its imports resolve from that file's project.
  const project = projectSpecFor(abs, config.values.src);
  const item: CheckItem = { abs, display: name || '-', text: read.program, bom: false, lossy: false, settings, project, stdin: true, ...(read.notebook ? { notebook: read.notebook } : {}) };
  return { items: [item], failed: false };
}

function finders(io: CliIo): { keras: KerasConfigFinder; pins: KerasPinFinder } {
  return { keras: new KerasConfigFinder({ cwd: io.cwd, home: io.env.HOME, kerasHome: io.env.KERAS_HOME, warn: cliWarn(io) }), pins: new KerasPinFinder(io.cwd, io.env.HOME) };
}

export function readItems(files: string[], resolver: ConfigResolver, io: CliIo, o: Pick<CheckOptions, "fix" | "diff" | "addNoqa" | "overrides">): { items: CheckItem[]; readFailed: boolean } {
  const { keras, pins } = finders(io);
  const items: CheckItem[] = [];
  let readFailed = false;
  // Import roots depend only on the folder: looked up once per folder, not per file (the walks
  // up for project markers were 0.15 s of a 771-file check before any file was linted).
  const rootsByFolder = new Map<string, string[]>();
  for (const abs of files) {
    const shown = display(abs, io.cwd);
    const named = printable(shown);
    const src = readSource(abs);
    if (src.kind === 'error') {
      io.stderr(`error: cannot read ${named}: ${src.message}\n`);
      readFailed = true;
      continue;
    }
    if (src.kind === 'binary') {
      io.stderr(`warning: skipping ${named}: binary file (contains NUL bytes)\n`);
      continue;
    }
    if (src.lossy && (o.fix || o.diff || o.addNoqa)) io.stderr(`warning: ${named} is not valid UTF-8: checked with replacement characters, not fixed\n`);
    const read = programOf(abs, src.text);
    if ('error' in read) {
      // One unreadable notebook is an error for that file; the others are still checked.
      io.stderr(`error: cannot check ${named}: ${read.error}\n`);
      readFailed = true;
      continue;
    }
    const config = resolver.forDir(path.dirname(abs));
    const settings = { ...settingsFor(config, abs, { keras, pins }, io, o), ...(read.notebook ? { cells: [...read.notebook.cells.spans] } : {}) };
    const project = projectSpecFor(abs, config.values.src, rootsByFolder);
    items.push({ abs, display: shown, text: read.program, bom: src.bom, lossy: src.lossy, settings, project, ...(read.notebook ? { notebook: read.notebook } : {}) });
  }
  return { items, readFailed };
}

/**
 * The files of the checked files' projects (folders with a project marker) that import one of
 * them, directly or through each other (found by their import lines naming a checked module),
 * excluding checked files. Read
 * and filtered as discovery does (excludes, .gitignore); unreadable ones are skipped silently.
 */
function importerItems(items: CheckItem[], resolver: ConfigResolver, io: CliIo, o: CheckOptions): CheckItem[] {
  const checked = new Set(items.map((i) => i.abs));
  // Only real projects (a marker found above the file): a loose file in a big folder (a home
  // folder, Downloads) must not make the run walk everything beside it.
  // Per folder: the walk up for markers is the same for every file in it.
  const folders = new Set(items.map((i) => path.dirname(i.abs)));
  const roots = [...new Set([...folders].map(folderProjectRoot))].filter(isProjectRoot);
  if (roots.length === 0) return [];
  const found = discoverFiles(roots, { cwd: io.cwd, resolver, forceExclude: true, respectGitignore: o.respectGitignore });
  const candidates = found.files.filter((f) => !checked.has(f));
  if (candidates.length === 0) return [];
  const quiet: CliIo = { ...io, stderr: () => {} };
  // Most of a project imports none of the checked modules: each file's import lines are read
  // first, and only a file naming a wanted module is read as a check item (configured and placed
  // in its project). Reading every file as an item was a third of a one-file check in a
  // 600-file repository.
  let pending = candidates.flatMap((abs) => {
    const words = importWordsOf(abs);
    return words ? [{ abs, words }] : [];
  });
  const importers: CheckItem[] = [];
  let wanted = items.map((i) => i.project.moduleName).filter((n) => n);
  // Importers of importers, a bounded number of rounds. Whatever form an import of `a.b.c` takes
  // (`import a.b.c`, `from a.b import c`, `from .c import x`, `from . import c`), its line names
  // `c`; a file that reaches `c` only through its package (`import a.b`, whose `__init__` imports
  // `c`) is found a round later, as an importer of that `__init__`. Every part of the name would
  // also take each file importing `a` (in a package, nearly all).
  for (let round = 0; round < 8 && wanted.length && pending.length; round++) {
    const names = [...new Set(wanted.map((n) => n.slice(n.lastIndexOf('.') + 1)))];
    const hits = pending.filter((c) => names.some((n) => c.words.has(n)));
    const room = MAX_IMPORTERS - importers.length;
    const { items: read } = readItems(hits.slice(0, room).map((h) => h.abs), resolver, quiet, { fix: false, diff: false, addNoqa: false, overrides: o.overrides });
    importers.push(...read);
    if (hits.length > room) {
      if (!o.quiet && !o.silent) io.stderr(`note: more than ${MAX_IMPORTERS} files of the project import the checked files; the first ${MAX_IMPORTERS} (direct importers first) were analysed for the errors they cause in them. \`shapelint check\` on the whole project analyses every file.\n`);
      break;
    }
    pending = pending.filter((c) => !hits.includes(c));
    wanted = read.map((h) => h.project.moduleName).filter((n) => n);
  }
  return importers;
}

/**
 * Most importers analysed for one run. In a package whose `__init__` imports its modules, one
 * module's importers are most of the package, and each analysis follows the whole package: checking
 * one module of Keras 3's sources (a project) analysed 740 importers in 125 s. A pre-commit run on a
 * few files stays short; errors only the importers past this would find are missed, never guessed.
 */
const MAX_IMPORTERS = 32;

/** The words of a file's import lines as `readItems` would read its text (a notebook's code cells); null when it cannot be read. */
function importWordsOf(abs: string): Set<string> | null {
  const src = readSource(abs);
  if (src.kind !== 'text') return null;
  const read = programOf(abs, src.text);
  return 'error' in read ? null : importWords(read.program);
}

/** A warning line on stderr, each message once per run. */
export function cliWarn(io: CliIo): (message: string) => void {
  const said = new Set<string>();
  return (message) => {
    if (said.has(message)) return;
    said.add(message);
    io.stderr(`warning: ${printable(message)}\n`);
  };
}

function settingsFor(config: LoadedConfig, abs: string, finders: { keras: KerasConfigFinder; pins: KerasPinFinder }, io: CliIo, o: Pick<CheckOptions, "overrides">): LintSettings {
  const { keras, pins } = finders;
  const configured = config.values.kerasDataFormat
    ? { format: config.values.kerasDataFormat, source: o.overrides?.kerasDataFormat ? '--config' : `${config.file ? display(config.file, io.cwd) : 'configuration'} (keras-data-format)` }
    : undefined;
  const choice = keras.forDir(path.dirname(abs), configured);
  const versionSource = o.overrides?.kerasVersion ? '--config' : `${config.file ? display(config.file, io.cwd) : 'configuration'} (keras-version)`;
  const versions = pins.forDir(path.dirname(abs), config.values.kerasVersion, versionSource);
  return {
    ...lintSettingsFor(config, abs), kerasDataFormat: choice.format, kerasDataFormatSource: choice.source, kerasBackend: choice.backend,
    ...(versions.versions ? { kerasVersions: versions.versions, kerasVersionSource: versions.source } : {}),
  };
}

/** The code a result depends on: the compiled engine and host (out/), or the lint bundle beside this one (dist/). */
function engineCode(): string[] {
  return [path.join(__dirname, '..', 'engine'), path.join(__dirname, '..', 'host'), path.join(__dirname, 'lint-worker.bundle.js')];
}

/** Lints every item, from the cache when possible; fix runs always lint afresh. */
async function lintItems(items: CheckItem[], mode: FixMode | null, o: CheckOptions, io: CliIo, pool: LintPool, onDone?: (done: number, total: number) => void): Promise<LintJobResult[]> {
  const cacheDir = o.cache && !mode ? userCacheDir(io.env) : null;
  const cache = cacheDir ? new ResultCache(cacheDir, buildId(shapelintVersion(), engineCode())) : null;
  const results: LintJobResult[] = new Array(items.length);
  const jobs: LintJob[] = [];
  const keys: string[] = [];
  const resolvers = new Map<string, Resolve>();
  items.forEach((item, id) => {
    // A `port-of` directive makes the result depend on another file, which the cache does not track.
    const key = hasPortOf(item.text) ? undefined : cache?.key(item.text, item.settings, cacheScope(item.text, item.project));
    const hit = key ? cache!.get(key, item.text, resolverFor(item.project, resolvers)) : null;
    if (hit) results[id] = { ...hit, id };
    else {
      jobs.push({ id, text: item.text, settings: item.settings, fix: item.lossy ? null : mode, project: item.project, file: item.abs });
      if (key) keys[id] = key;
    }
  });
  const fresh = await pool.run(jobs, onDone);
  for (const r of fresh) {
    results[r.id] = r;
    if (cache && keys[r.id] && !r.internalError) cache.set(keys[r.id], r);
  }
  return results;
}

/** How a project's module names resolve now (one finder per set of import roots, for the cache's check). */
function resolverFor(project: ProjectSpec, resolvers: Map<string, Resolve>): Resolve {
  const key = project.roots.join('\0');
  let resolve = resolvers.get(key);
  if (!resolve) resolvers.set(key, (resolve = resolverOf(moduleFinder(project))));
  return resolve;
}

/** A notebook's cells in the text reported (a fix that added lines in a cell moves the later cells). */
function cellsAfter(item: CheckItem, text: string): CellMap | undefined {
  if (!item.notebook) return undefined;
  if (text === item.text) return item.notebook.cells;
  const read = programOf(item.abs, notebookJson(item, text));
  return 'notebook' in read && read.notebook && read.program === text ? read.notebook.cells : item.notebook.cells;
}

/** `--fix` on stdin: the whole text, fixed (a notebook's JSON, when it was one). */
function stdinOutput(item: CheckItem, program: string): string {
  return item.notebook ? notebookJson(item, program) : program;
}

function notebookJson(item: CheckItem, program: string): string {
  const out = notebookWithProgram(item.notebook!, program);
  return out.ok ? out.json : item.notebook!.json;
}

function writeFixed(item: CheckItem, text: string, io: CliIo): boolean {
  // Text from stdin is printed whole once the run is over (stdinOutput), fixed or not.
  if (item.stdin) return true;
  const outcome = writeProgram(item, text);
  if (!outcome.ok) io.stderr(`error: cannot fix ${printable(item.display)}: ${outcome.reason}\n`);
  return outcome.ok;
}

function describeFixes(shown: string, r: LintJobResult): string[] {
  const counts = new Map<string, number>();
  for (const a of r.applied) {
    const k = `${a.code} (${a.rule})`;
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return [`${printable(shown)}:\n`, ...[...counts].map(([k, n]) => `    ${n} × ${k}\n`)];
}
