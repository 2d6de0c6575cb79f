/**
 * Which files a run checks: the paths given (files as they are, folders walked for `*.py`,
 * `*.pyi` and `*.ipynb`), minus what `exclude` and `.gitignore` rule out. Problems with the paths
 * themselves are collected, not thrown, so one bad argument does not hide the others.
 */
import { readdirSync, realpathSync, statSync, type Dirent, type Stats } from 'node:fs';
import * as path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { isExcluded, type ConfigResolver } from './config';
import { readSmallFile } from './safe-read';

export interface DiscoverOptions {
  cwd: string;
  resolver: ConfigResolver;
  /** Apply `exclude` to files named on the command line too (pre-commit passes every file). */
  forceExclude?: boolean;
  respectGitignore?: boolean;
}

export interface Discovery {
  /** Absolute paths, sorted, each once. */
  files: string[];
  /** Fatal path problems (missing paths): exit 2. */
  errors: string[];
  /** Worth telling, not fatal (symlink loops, duplicates, no Python found). */
  warnings: string[];
}

const PYTHON = /\.(pyi?|ipynb)$/;

interface GitignoreLayer {
  dir: string;
  rules: Ignore;
}

export function discoverFiles(paths: string[], options: DiscoverOptions): Discovery {
  const out: Discovery = { files: [], errors: [], warnings: [] };
  const seen = new Set<string>();
  const given = new Set<string>();
  for (const p of paths.length ? paths : ['.']) {
    const abs = path.resolve(options.cwd, p);
    if (given.has(abs)) {
      out.warnings.push(`\`${p}\` was given more than once; checking it once`);
      continue;
    }
    given.add(abs);
    let st: Stats;
    try {
      st = statSync(abs);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      out.errors.push(code === 'ELOOP' ? `\`${p}\`: too many levels of symbolic links` : `\`${p}\`: no such file or directory`);
      continue;
    }
    const before = out.files.length;
    if (st.isDirectory()) walk(abs, options, out, seen, gitignoresAbove(abs, options, out), new Set());
    else if (!(options.forceExclude && isExcluded(options.resolver.forDir(path.dirname(abs)), abs))) add(abs, out, seen);
    if (st.isDirectory() && out.files.length === before && !out.errors.length) {
      out.warnings.push(`no Python files found under \`${p}\``);
    }
  }
  out.files.sort();
  return out;
}

function add(abs: string, out: Discovery, seen: Set<string>): void {
  if (seen.has(abs)) return;
  seen.add(abs);
  out.files.push(abs);
}

function walk(dir: string, o: DiscoverOptions, out: Discovery, seen: Set<string>, layers: GitignoreLayer[], visiting: Set<string>): void {
  let real: string;
  try {
    real = realpathSync.native(dir);
  } catch {
    return;
  }
  if (visiting.has(real)) {
    out.warnings.push(`skipping \`${path.relative(o.cwd, dir) || '.'}\`: symbolic link loop`);
    return;
  }
  visiting.add(real);
  const here = o.respectGitignore === false ? layers : [...layers, ...readGitignore(dir, o, out)];
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } catch (e) {
    out.warnings.push(`cannot read folder \`${path.relative(o.cwd, dir)}\`: ${(e as NodeJS.ErrnoException).code}`);
    visiting.delete(real);
    return;
  }
  const config = o.resolver.forDir(dir);
  for (const entry of entries) {
    const abs = path.join(dir, entry.name);
    const st = kindOf(entry, abs);
    if (!st) continue; // dangling symlink
    if (isExcluded(config, abs) || gitignored(here, abs, st.isDirectory())) continue;
    if (st.isDirectory()) walk(abs, o, out, seen, here, visiting);
    else if (st.isFile() && PYTHON.test(entry.name)) add(abs, out, seen);
  }
  visiting.delete(real);
}

/**
 * What an entry is, following a symbolic link (null: a dangling one). The folder listing says it
 * for every other entry: one `stat` per entry was a third of walking a 600-file repository.
 */
function kindOf(entry: Dirent, abs: string): Pick<Stats, 'isDirectory' | 'isFile'> | null {
  if (!entry.isSymbolicLink() && (entry.isDirectory() || entry.isFile())) return entry;
  try {
    return statSync(abs);
  } catch {
    return null;
  }
}

/** A folder's `.gitignore`; one that is not a small regular file is skipped with a warning. */
function readGitignore(dir: string, o: DiscoverOptions, out: Discovery): GitignoreLayer[] {
  const file = path.join(dir, '.gitignore');
  const read = readSmallFile(file);
  if (read.kind === 'skipped') out.warnings.push(`skipping \`${path.relative(o.cwd, file)}\`: ${read.reason}`);
  return read.kind === 'text' ? [{ dir, rules: ignore().add(read.text) }] : [];
}

/** `.gitignore` files of the folders above `dir`, up to the repository root. */
function gitignoresAbove(dir: string, o: DiscoverOptions, out: Discovery): GitignoreLayer[] {
  if (o.respectGitignore === false) return [];
  const chain: string[] = [];
  for (let cur = dir; !isDir(path.join(cur, '.git')); ) {
    const parent = path.dirname(cur);
    if (parent === cur) return []; // not in a repository: no .gitignore applies above
    chain.unshift(parent);
    cur = parent;
  }
  return chain.flatMap((d) => readGitignore(d, o, out));
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function gitignored(layers: GitignoreLayer[], abs: string, isDirectory: boolean): boolean {
  for (const l of layers) {
    const rel = path.relative(l.dir, abs).split(path.sep).join('/');
    if (!rel || rel.startsWith('..')) continue;
    if (l.rules.ignores(isDirectory ? `${rel}/` : rel)) return true;
  }
  return false;
}
