/**
 * Which Keras versions a file may run on: the `keras-version` setting, else the `keras` and
 * `tensorflow` pins of the nearest project files (`requirements*.txt`, `pyproject.toml`,
 * `setup.cfg`) in the file's folder or its parents. The engine narrows these further with what
 * the code shows, and warns instead of erroring when the remaining versions disagree.
 */
import { readdirSync } from 'node:fs';
import { isSearchBoundary, isTrustedFolder, readSmallFile } from './safe-read';
import * as path from 'node:path';
import { KERAS_VERSIONS, type KerasVersion } from '../engine/index';
import { relativeTo } from './globs';

export type KerasVersionSetting = 'auto' | '1' | '2' | '3';

export const KERAS_VERSION_SETTINGS: readonly KerasVersionSetting[] = ['auto', '1', '2', '3'];

const BY_SETTING: Record<Exclude<KerasVersionSetting, 'auto'>, KerasVersion[]> = {
  1: ['keras1'],
  2: ['keras2.0-2.3', 'keras2.4+'],
  3: ['keras3'],
};

/** The versions a non-`auto` setting stands for (`2` is both 2.0–2.3 and 2.4+). */
export function kerasVersionsOf(setting: Exclude<KerasVersionSetting, 'auto'>): KerasVersion[] {
  return BY_SETTING[setting];
}

export interface KerasVersionChoice {
  versions?: KerasVersion[];
  source?: string;
}

/** Project files are small; anything bigger is not a requirements list. */
const MAX_BYTES = 256 * 1024;

/** Sample releases to test a specifier against, besides the versions the specifier names. */
const KERAS_RELEASES = ['1.0.0', '1.2.2', '2.0.0', '2.1.6', '2.2.4', '2.3.1', '2.4.0', '2.4.3', '2.6.0', '2.8.0',
  '2.10.0', '2.12.0', '2.13.1', '2.15.0', '3.0.0', '3.3.3', '3.6.0', '3.10.0', '3.15.0'];
const TF_RELEASES = ['1.15.0', '2.0.0', '2.4.0', '2.8.0', '2.12.0', '2.15.0', '2.16.1', '2.17.0', '2.20.0'];

/** The Keras generation of a `keras` release. */
function kerasGeneration(release: string): KerasVersion {
  if (compare(release, '2') < 0) return 'keras1';
  if (compare(release, '2.4') < 0) return 'keras2.0-2.3';
  return compare(release, '3') < 0 ? 'keras2.4+' : 'keras3';
}

/** The releases a specifier allows among the samples and the versions it names. */
function allowedReleases(spec: string, samples: string[]): string[] {
  // Each named version and one just above it (`>2.15.0` allows 2.15.1, still tf.keras 2).
  const named = [...spec.matchAll(/\d+(?:\.\d+)*/g)].flatMap((m) => [m[0], `${m[0]}.1`]);
  return [...samples, ...named].filter((r) => satisfies(r, spec));
}

const PIN = /(?:^|[\s"',[])(keras|tensorflow(?:-cpu|-gpu|-macos|-intel)?)\s*(?:\[[^\]\n]*\])?\s*((?:(?:===?|>=|<=|!=|~=|<|>)\s*\d[\w.*]*\s*,?\s*)+)/gim;

export class KerasPinFinder {
  private readonly byDir = new Map<string, KerasVersionChoice>();

  /** `home` bounds the upward search like the config search (`safe-read.ts`). */
  constructor(
    private readonly cwd: string,
    private readonly home?: string,
  ) {}

  /** The candidate versions for files in `dir`; the setting wins over the pins. */
  forDir(dir: string, setting: KerasVersionSetting = 'auto', settingSource = 'keras-version setting'): KerasVersionChoice {
    if (setting !== 'auto') return { versions: kerasVersionsOf(setting), source: settingSource };
    return this.pins(path.resolve(dir));
  }

  private pins(dir: string): KerasVersionChoice {
    const cached = this.byDir.get(dir);
    if (cached) return cached;
    const parent = path.dirname(dir);
    // Pins in a world-writable folder could be planted by anyone; the search ends at the project root.
    const found = isTrustedFolder(dir) ? pinsIn(dir, this.cwd) : null;
    const result = found ?? (parent === dir || isSearchBoundary(dir, this.home) ? {} : this.pins(parent));
    this.byDir.set(dir, result);
    return result;
  }
}

function pinsIn(dir: string, cwd: string): KerasVersionChoice | null {
  for (const file of projectFiles(dir)) {
    const text = readSmall(file);
    if (text === null) continue;
    const versions = versionsFromPins(text);
    if (versions) return { versions: versions.allowed, source: `${relativeTo(cwd, file) ?? file} (${versions.pins.join(', ')})` };
  }
  return null;
}

function projectFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const reqs = names.filter((n) => /^requirements.*\.txt$/i.test(n)).sort();
  return [...reqs, ...['pyproject.toml', 'setup.cfg'].filter((n) => names.includes(n))].map((n) => path.join(dir, n));
}

/** A regular file's text, or null when it is missing, not a regular file or too big. */
function readSmall(file: string): string | null {
  const read = readSmallFile(file, { maxBytes: MAX_BYTES, timeoutMs: 2000 });
  return read.kind === 'text' ? read.text : null;
}

/** The versions the `keras`/`tensorflow` pins of a requirements text allow, or null without pins. */
export function versionsFromPins(text: string): { allowed: KerasVersion[]; pins: string[] } | null {
  const pins: string[] = [];
  let allowed = [...KERAS_VERSIONS];
  for (const m of text.matchAll(PIN)) {
    const name = m[1].toLowerCase();
    const spec = m[2].trim().replace(/,\s*$/, '');
    pins.push(`${name}${spec}`);
    if (name === 'keras') {
      const generations = allowedReleases(spec, KERAS_RELEASES).map(kerasGeneration);
      allowed = allowed.filter((v) => generations.includes(v));
    } else {
      // TensorFlow 2.16 made tf.keras Keras 3.
      const tf = allowedReleases(spec, TF_RELEASES);
      if (!tf.some((r) => compare(r, '2.16') >= 0)) allowed = allowed.filter((v) => v !== 'keras3');
      if (!tf.some((r) => compare(r, '2.16') < 0)) allowed = allowed.filter((v) => v === 'keras3');
    }
  }
  // Pins that allow nothing (or that we misread) say nothing.
  return pins.length > 0 && allowed.length > 0 ? { allowed, pins } : null;
}

/** Whether a release satisfies a PEP 440 specifier list like `>=2.4,<3` or `==2.*`. */
export function satisfies(release: string, spec: string): boolean {
  return spec.split(',').map((s) => s.trim()).filter(Boolean).every((clause) => {
    const m = /^(===?|>=|<=|!=|~=|<|>)\s*(.+)$/.exec(clause);
    if (!m) return true;
    const [, op, ver] = m;
    if (ver.endsWith('.*')) {
      const prefix = ver.slice(0, -2);
      const match = release === prefix || release.startsWith(`${prefix}.`);
      return op === '!=' ? !match : match;
    }
    const c = compare(release, ver);
    switch (op) {
      case '==': case '===': return c === 0;
      case '!=': return c !== 0;
      case '>=': return c >= 0;
      case '<=': return c <= 0;
      case '>': return c > 0;
      case '<': return c < 0;
      default: {
        // ~=X.Y.Z means >=X.Y.Z and ==X.Y.*
        const parts = ver.split('.');
        const prefix = parts.slice(0, Math.max(1, parts.length - 1)).join('.');
        return c >= 0 && (release === prefix || release.startsWith(`${prefix}.`));
      }
    }
  });
}

function compare(a: string, b: string): number {
  const pa = a.split('.').map((x) => parseInt(x, 10) || 0);
  const pb = b.split('.').map((x) => parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
