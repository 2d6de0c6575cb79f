/**
 * The `[tool.shapelint]` keys, their validation and their meaning. Every error names the
 * file, the key and the value expected, so a user can fix the config without the docs.
 */
import * as path from 'node:path';
import { RULES } from '../engine/index';
import { KERAS_VERSION_SETTINGS, type KerasVersionSetting } from './keras-pins';

/** A glob with the folder it is relative to (the folder of the config that declared it). */
export interface AnchoredGlob {
  glob: string;
  base: string;
}

export interface ConfigValues {
  select?: string[];
  ignore?: string[];
  extendSelect?: string[];
  perFileIgnores?: { glob: AnchoredGlob; codes: string[] }[];
  exclude?: AnchoredGlob[];
  extendExclude?: AnchoredGlob[];
  kerasDataFormat?: 'channels_last' | 'channels_first';
  /** The Keras major version the code runs on; `auto` reads the project's pins. */
  kerasVersion?: KerasVersionSetting;
  /** Keys are `model` (any file) or `path/glob.py:model`, relative to the config's folder. */
  inputShapes?: { glob: AnchoredGlob | null; model: string; dims: (number | null)[] }[];
  extend?: string;
  /** Per-file analysis budgets (`time-budget` is in seconds in the file, milliseconds here). */
  timeBudgetMs?: number;
  stepBudget?: number;
  maxCollectionSize?: number;
  maxStringLength?: number;
  /** Folders absolute imports resolve from (like Ruff's `src`), absolute. */
  src?: string[];
}

export class ConfigError extends Error {}

export const CONFIG_KEYS = [
  'select',
  'ignore',
  'extend-select',
  'per-file-ignores',
  'exclude',
  'extend-exclude',
  'keras-data-format',
  'keras-version',
  'input-shapes',
  'extend',
  'time-budget',
  'step-budget',
  'max-collection-size',
  'max-string-length',
  'src',
] as const;

/** Validates one `[tool.shapelint]` table. `where` names the source for messages. */
export function parseConfigTable(table: Record<string, unknown>, where: string, base: string): ConfigValues {
  const out: ConfigValues = {};
  for (const [key, value] of Object.entries(table)) {
    const ctx = { where, key };
    switch (key) {
      case 'select':
        out.select = selectors(value, ctx);
        break;
      case 'ignore':
        out.ignore = selectors(value, ctx);
        break;
      case 'extend-select':
        out.extendSelect = selectors(value, ctx);
        break;
      case 'per-file-ignores':
        out.perFileIgnores = perFileIgnores(value, ctx, base);
        break;
      case 'exclude':
        out.exclude = strings(value, ctx, 'an array of glob strings').map((glob) => ({ glob, base }));
        break;
      case 'extend-exclude':
        out.extendExclude = strings(value, ctx, 'an array of glob strings').map((glob) => ({ glob, base }));
        break;
      case 'keras-data-format':
        if (value !== 'channels_last' && value !== 'channels_first') fail(ctx, '"channels_last" or "channels_first"', value);
        out.kerasDataFormat = value;
        break;
      case 'keras-version': {
        const v = typeof value === 'number' ? String(value) : value;
        if (!KERAS_VERSION_SETTINGS.includes(v as KerasVersionSetting)) fail(ctx, '"auto", 1, 2 or 3', value);
        out.kerasVersion = v as KerasVersionSetting;
        break;
      }
      case 'input-shapes':
        out.inputShapes = inputShapes(value, ctx, base);
        break;
      case 'extend':
        if (typeof value !== 'string' || value === '') fail(ctx, 'a path to another config file', value);
        out.extend = value;
        break;
      case 'time-budget':
        out.timeBudgetMs = positive(value, ctx, 'a positive number of seconds (e.g. 5 or 0.5)', false) * 1000;
        break;
      case 'step-budget':
        out.stepBudget = positive(value, ctx, 'a positive integer number of steps (e.g. 2000000)', true);
        break;
      case 'max-collection-size':
        out.maxCollectionSize = positive(value, ctx, 'a positive integer number of items (e.g. 10000)', true);
        break;
      case 'max-string-length':
        out.maxStringLength = positive(value, ctx, 'a positive integer number of characters (e.g. 10000)', true);
        break;
      case 'src':
        out.src = strings(value, ctx, 'an array of folder paths (e.g. ["src", "."])').map((p) => path.resolve(base, p));
        break;
      default:
        throw new ConfigError(`${where}: unknown key \`${key}\`; expected one of: ${CONFIG_KEYS.join(', ')}`);
    }
  }
  return out;
}

interface Ctx {
  where: string;
  key: string;
}

function fail(ctx: Ctx, expected: string, got: unknown): never {
  throw new ConfigError(`${ctx.where}: invalid value for \`${ctx.key}\`: expected ${expected}, got ${show(got)}`);
}

function show(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

function positive(value: unknown, ctx: Ctx, expected: string, integer: boolean): number {
  // TOML integers may arrive as bigint.
  const n = typeof value === 'bigint' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) fail(ctx, expected, value);
  return n;
}

function strings(value: unknown, ctx: Ctx, expected: string): string[] {
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) fail(ctx, expected, value);
  return value as string[];
}

/** Known codes, names, `SL` code prefixes, or `ALL`. */
export function isValidSelector(s: string): boolean {
  if (s.toUpperCase() === 'ALL') return true;
  if (/^SL\d*$/i.test(s)) return RULES.some((r) => r.code.startsWith(s.toUpperCase()));
  return RULES.some((r) => r.name === s);
}

function selectors(value: unknown, ctx: Ctx): string[] {
  const list = strings(value, ctx, 'an array of rule codes or names (e.g. ["SL001", "channel-mismatch"])');
  for (const s of list) {
    if (!isValidSelector(s)) fail(ctx, `rule codes or names (one of ${RULES.map((r) => r.code).join(', ')} or their names)`, s);
  }
  return list;
}

function perFileIgnores(value: unknown, ctx: Ctx, base: string): ConfigValues['perFileIgnores'] {
  if (!isTable(value)) fail(ctx, 'a table of glob = ["SL001", ...]', value);
  return Object.entries(value).map(([glob, codes]) => ({
    glob: { glob, base },
    codes: selectors(codes, { ...ctx, key: `${ctx.key}."${glob}"` }),
  }));
}

function inputShapes(value: unknown, ctx: Ctx, base: string): ConfigValues['inputShapes'] {
  if (!isTable(value)) fail(ctx, 'a table of "file.py:model" = [dims...]', value);
  return Object.entries(value).map(([key, dims]) => {
    const sub = { ...ctx, key: `${ctx.key}."${key}"` };
    const expected = 'an array of positive integers or "?" for an unknown dim (batch included)';
    if (!Array.isArray(dims) || dims.length === 0) fail(sub, expected, dims);
    const parsed = dims.map((d) => {
      if (typeof d === 'number' && Number.isInteger(d) && d > 0) return d;
      if (d === '?' || d === 'N' || d === -1) return null;
      return fail(sub, expected, d);
    });
    const colon = key.lastIndexOf(':');
    const model = colon >= 0 ? key.slice(colon + 1) : key;
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(model)) fail(sub, 'a key "path.py:model" or "model" naming a Python variable', key);
    return { glob: colon >= 0 ? { glob: key.slice(0, colon), base } : null, model, dims: parsed };
  });
}

export function isTable(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}
