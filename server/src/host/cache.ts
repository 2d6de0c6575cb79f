/**
 * The content-hash cache (`.shapelint_cache/`): a result is keyed by the file's text, its
 * settings and the shapelint build, so a hit is exactly what a fresh run would report.
 * The cache is an optimisation: every failure to read or write it is silently ignored.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync, renameSync } from 'node:fs';
import * as path from 'node:path';
import type { LintSettings } from './lint';
import type { LintJobResult } from './lint-job';

export class ResultCache {
  private readonly dir: string;
  private prepared = false;

  constructor(root: string, private readonly buildId: string) {
    this.dir = path.join(root, '.shapelint_cache', buildId.slice(0, 16));
  }

  key(text: string, settings: LintSettings): string {
    return createHash('sha256').update(this.buildId).update('\0').update(stableJson(settings)).update('\0').update(text).digest('hex');
  }

  get(key: string): LintJobResult | null {
    try {
      return JSON.parse(readFileSync(path.join(this.dir, `${key}.json`), 'utf8')) as LintJobResult;
    } catch {
      return null;
    }
  }

  set(key: string, result: LintJobResult): void {
    try {
      this.prepare();
      const file = path.join(this.dir, `${key}.json`);
      const tmp = `${file}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify({ ...result, id: 0 }));
      renameSync(tmp, file);
    } catch {
      /* a read-only checkout still lints, just without a cache */
    }
  }

  private prepare(): void {
    if (this.prepared) return;
    mkdirSync(this.dir, { recursive: true });
    // Like Ruff's cache: never committed by accident.
    writeFileSync(path.join(path.dirname(this.dir), '.gitignore'), '# Automatically created by shapelint.\n*\n');
    this.prepared = true;
  }
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
  const h = createHash('sha256').update(version);
  for (const root of roots) {
    for (const f of listJs(root)) {
      h.update(`${path.relative(root, f)}\0`).update(readFileSync(f)).update('\0');
    }
  }
  return h.digest('hex');
}

function listJs(dir: string): string[] {
  let names: string[];
  try {
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
