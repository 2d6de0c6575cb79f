/**
 * Glob matching for `exclude` and `per-file-ignores`, Ruff-style: a pattern without `/`
 * matches any path component's name (`build` excludes `a/build/x.py`); a pattern with `/`
 * matches the path relative to the folder of the config that declared it.
 */
import * as path from 'node:path';
import picomatch from 'picomatch';
import type { AnchoredGlob } from './config-schema';

const compiled = new Map<string, (p: string) => boolean>();

function matcher(glob: string): (p: string) => boolean {
  let m = compiled.get(glob);
  if (!m) {
    m = picomatch(glob, { dot: true });
    compiled.set(glob, m);
  }
  return m;
}

/** Path of `abs` relative to `base` with `/` separators, or null when outside `base`. */
export function relativeTo(base: string, abs: string): string | null {
  const rel = path.relative(base, abs);
  if (rel.startsWith('..') || path.isAbsolute(rel)) return null;
  return rel.split(path.sep).join('/');
}

/**
 * Whether the file or folder `abs` (or, `withParents`, any of its parent folders below the base)
 * matches; `rel` is `abs` relative to the glob's base, for callers that match many globs of one base.
 */
export function globMatches(g: AnchoredGlob, abs: string, withParents = true, rel = relativeTo(g.base, abs)): boolean {
  if (rel === null || rel === '') return false;
  const glob = g.glob.replace(/^\.\//, '').replace(/\/$/, '');
  const m = matcher(glob);
  const parts = rel.split('/');
  for (let i = withParents ? 1 : parts.length; i <= parts.length; i++) {
    if (m(parts.slice(0, i).join('/'))) return true;
    if (!glob.includes('/') && m(parts[i - 1])) return true;
  }
  return false;
}
