/**
 * Finding and loading configuration: `.shapelint.toml`, `shapelint.toml` or the
 * `[tool.shapelint]` table of `pyproject.toml`, the closest to each file winning, with
 * `extend` chains, `--config PATH`, inline `--config "KEY = VALUE"` and `--isolated`.
 */
import { statSync } from 'node:fs';
import * as path from 'node:path';
import { parseToml } from './toml';
import { ConfigError, isTable, parseConfigTable, type AnchoredGlob, type ConfigValues } from './config-schema';
import { globMatches, relativeTo } from './globs';
import { isSearchBoundary, mayReadIn, readSmallFile } from './safe-read';
import type { LintSettings } from './lint';

export { ConfigError } from './config-schema';

/** Config file names in order of precedence within one folder (Ruff's order). */
export const CONFIG_FILES = ['.shapelint.toml', 'shapelint.toml', 'pyproject.toml'] as const;

/** Folders nobody wants linted; `exclude` replaces this list, `extend-exclude` adds to it. */
export const DEFAULT_EXCLUDES = [
  '.bzr', '.direnv', '.eggs', '.git', '.hg', '.mypy_cache', '.nox', '.pytype', '.ruff_cache',
  '.shapelint_cache', '.svn', '.tox', '.venv', '__pypackages__', '_build', 'buck-out', 'build',
  'dist', 'node_modules', 'site-packages', 'venv',
];

export interface LoadedConfig {
  /** The config file, or null for defaults. */
  file: string | null;
  /** Folder that relative globs and paths start from. */
  root: string;
  values: ConfigValues;
}

/** Where warnings go: stderr in the CLI, the log in the language server. */
export type Warn = (message: string) => void;

/** Reads one config file (following `extend`). Null for a pyproject.toml without the table. */
export function loadConfigFile(file: string, seen: string[] = [], cwd = process.cwd(), warn: Warn = () => {}): LoadedConfig | null {
  const abs = path.resolve(file);
  const read = readSmallFile(abs);
  if (read.kind !== 'text') throw new ConfigError(`cannot read config file ${display(abs, cwd)}: ${read.kind === 'missing' ? 'no such file or directory' : read.reason}`);
  return parseConfigFile(abs, read.text, seen, cwd, warn);
}

function parseConfigFile(abs: string, source: string, seen: string[], cwd: string, warn: Warn): LoadedConfig | null {
  const shown = (f: string) => display(f, cwd);
  if (seen.includes(abs)) throw new ConfigError(`${shown(abs)}: \`extend\` cycle: ${[...seen, abs].map(shown).join(' -> ')}`);
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(source) as Record<string, unknown>;
  } catch (e) {
    throw new ConfigError(`${shown(abs)}: invalid TOML: ${(e as Error).message.split('\n')[0]}`);
  }
  const isPyproject = path.basename(abs) === 'pyproject.toml';
  const tool = isPyproject ? (doc.tool as Record<string, unknown> | undefined)?.shapelint : doc;
  if (tool === undefined) return null;
  const where = isPyproject ? `${shown(abs)} [tool.shapelint]` : shown(abs);
  if (!isTable(tool)) throw new ConfigError(`${where}: expected a table`);
  const root = path.dirname(abs);
  const values = parseConfigTable(tool, where, root);
  if (!values.extend) return { file: abs, root, values };
  const baseFile = path.resolve(root, expandHome(values.extend));
  const baseRead = readSmallFile(baseFile);
  if (baseRead.kind === 'skipped') {
    warn(`${where}: ignoring \`extend\` target ${shown(baseFile)}: ${baseRead.reason}`);
    return { file: abs, root, values: mergeValues({}, values) };
  }
  if (baseRead.kind !== 'text') throw new ConfigError(`cannot read config file ${shown(baseFile)}: ${baseRead.kind === 'missing' ? 'no such file or directory' : baseRead.reason}`);
  const base = parseConfigFile(baseFile, baseRead.text, [...seen, abs], cwd, warn);
  if (!base) throw new ConfigError(`${where}: \`extend\` points to ${shown(baseFile)}, which has no [tool.shapelint] table`);
  return { file: abs, root, values: mergeValues(base.values, values) };
}

/** `over` wins key by key; the `extend-*` lists accumulate. */
export function mergeValues(base: ConfigValues, over: ConfigValues): ConfigValues {
  const merged: ConfigValues = { ...base, ...over };
  merged.extendSelect = [...(base.extendSelect ?? []), ...(over.extendSelect ?? [])];
  merged.extendExclude = [...(base.extendExclude ?? []), ...(over.extendExclude ?? [])];
  merged.perFileIgnores = [...(base.perFileIgnores ?? []), ...(over.perFileIgnores ?? [])];
  delete merged.extend;
  return merged;
}

/** Parses an inline `--config "KEY = VALUE"` override. */
export function parseInlineConfig(text: string, cwd: string): ConfigValues {
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(text) as Record<string, unknown>;
  } catch (e) {
    throw new ConfigError(`--config "${text}": not a TOML \`KEY = VALUE\` pair: ${(e as Error).message.split('\n')[0]}`);
  }
  return parseConfigTable(doc, `--config "${text}"`, cwd);
}

/** Whether a `--config` argument is inline TOML rather than a path (Ruff's rule of thumb). */
export function looksInline(arg: string): boolean {
  return arg.includes('=') && !existsFile(arg);
}

function existsFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

export interface ResolverOptions {
  cwd: string;
  /** `--config PATH`: one config for every file. */
  configFile?: string;
  /** Inline overrides, applied last. */
  overrides?: ConfigValues;
  /** `--isolated`: ignore every configuration file. */
  isolated?: boolean;
  /** The user's home folder: the upward search stops there (as it does at a repository root). */
  home?: string;
  /** Config files skipped as unsafe (not regular, too large) are reported here. */
  warn?: Warn;
}

/** Resolves the effective config of each folder, caching the search per folder. */
export class ConfigResolver {
  private readonly byDir = new Map<string, LoadedConfig>();
  private readonly fixed: LoadedConfig | null;
  private readonly warn: Warn;

  constructor(private readonly options: ResolverOptions) {
    this.warn = options.warn ?? (() => {});
    if (options.isolated) this.fixed = { file: null, root: options.cwd, values: {} };
    else if (options.configFile) {
      const c = loadConfigFile(path.resolve(options.cwd, options.configFile), [], options.cwd, this.warn);
      if (!c) throw new ConfigError(`${display(path.resolve(options.cwd, options.configFile), options.cwd)}: no [tool.shapelint] table`);
      this.fixed = c;
    } else this.fixed = null;
  }

  /** The config governing files in `dir` (closest config file, or defaults). */
  forDir(dir: string): LoadedConfig {
    const base = this.fixed ?? this.search(path.resolve(dir));
    if (!this.options.overrides) return base;
    return { ...base, values: mergeValues(base.values, this.options.overrides) };
  }

  /**
   * The closest config in `dir` or its ancestors, up to the repository root or the home
   * folder; world-writable folders (like /tmp) are passed over, since anyone can write there.
   */
  private search(dir: string): LoadedConfig {
    const cached = this.byDir.get(dir);
    if (cached) return cached;
    const trusted = mayReadIn(dir, CONFIG_FILES, (f) => this.warn(`ignoring config file ${display(f, this.options.cwd)}: its folder is writable by every user`));
    const found = trusted ? this.configIn(dir) : null;
    const parent = path.dirname(dir);
    const last = parent === dir || isSearchBoundary(dir, this.options.home);
    const result = found ?? (last ? { file: null, root: this.options.cwd, values: {} } : this.search(parent));
    this.byDir.set(dir, result);
    return result;
  }

  private configIn(dir: string): LoadedConfig | null {
    for (const name of CONFIG_FILES) {
      const candidate = path.join(dir, name);
      const read = readSmallFile(candidate);
      if (read.kind === 'missing') continue;
      if (read.kind === 'skipped') {
        this.warn(`skipping config file ${display(candidate, this.options.cwd)}: ${read.reason}`);
        continue;
      }
      if (read.kind === 'error') throw new ConfigError(`cannot read config file ${display(candidate, this.options.cwd)}: ${read.reason}`);
      const found = parseConfigFile(candidate, read.text, [], this.options.cwd, this.warn);
      if (found) return found;
    }
    return null;
  }
}

/** Per config, whether a folder is excluded: the files of one folder share their parents' verdict. */
const excludedFolders = new WeakMap<LoadedConfig, Map<string, boolean>>();

/** Whether `abs` (a file or folder) is excluded by the config governing it. */
export function isExcluded(config: LoadedConfig, abs: string): boolean {
  const defaults: AnchoredGlob[] = DEFAULT_EXCLUDES.map((glob) => ({ glob, base: config.root }));
  const globs = [...(config.values.exclude ?? defaults), ...(config.values.extendExclude ?? [])];
  let folders = excludedFolders.get(config);
  if (!folders) excludedFolders.set(config, (folders = new Map()));
  const dir = path.dirname(abs);
  let folder = folders.get(dir);
  if (folder === undefined) folders.set(dir, (folder = globs.some((g) => globMatches(g, dir))));
  if (folder) return true;
  // The globs share one or two bases: `abs` is made relative to each base once.
  const rels = new Map<string, string | null>();
  return globs.some((g) => {
    if (!rels.has(g.base)) rels.set(g.base, relativeTo(g.base, abs));
    return globMatches(g, abs, false, rels.get(g.base)!);
  });
}

/** The lint settings for one file, except the Keras data format (see keras-config.ts). */
export function lintSettingsFor(config: LoadedConfig, file: string): LintSettings {
  const v = config.values;
  const select = v.select ? [...v.select, ...(v.extendSelect ?? [])] : undefined;
  const ignore = [...(v.ignore ?? [])];
  for (const p of v.perFileIgnores ?? []) if (globMatches(p.glob, file)) ignore.push(...p.codes);
  const settings: LintSettings = { ignore };
  if (select) settings.select = select;
  const shapes = inputShapesFor(v, file);
  if (shapes) settings.inputShapes = shapes;
  const budgets = { timeMs: v.timeBudgetMs, steps: v.stepBudget, maxItems: v.maxCollectionSize, maxChars: v.maxStringLength };
  if (Object.values(budgets).some((b) => b !== undefined)) settings.budgets = budgets;
  return settings;
}

function inputShapesFor(v: ConfigValues, file: string): Record<string, (number | null)[]> | undefined {
  const entries = (v.inputShapes ?? []).filter((e) => e.glob === null || globMatches(e.glob, file));
  if (entries.length === 0) return undefined;
  // A file-specific entry beats a bare model name.
  entries.sort((a, b) => (a.glob ? 1 : 0) - (b.glob ? 1 : 0));
  return Object.fromEntries(entries.map((e) => [e.model, e.dims]));
}

/** A path for messages: relative to the working folder when inside it. */
export function display(abs: string, cwd = process.cwd()): string {
  return relativeTo(cwd, abs) ?? abs;
}

function expandHome(p: string): string {
  return p.startsWith('~/') ? path.join(process.env.HOME ?? '', p.slice(2)) : p;
}
