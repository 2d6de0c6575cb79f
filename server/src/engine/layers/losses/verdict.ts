/**
 * What a loss does with a prediction and a target of given shapes (and dtypes): passes, warns,
 * raises (with the framework's own message), or cannot be told (something it needs is unknown).
 * Pure functions of shapes, so the loss oracle can compare them with the real frameworks case by
 * case; the `target-mismatch` sinks (`interp/models/sinks.ts`) apply them where the code calls a loss.
 */
import type { Dim, Shape } from '../../types';

/**
 * A certain fix: append to the target expression, rename the loss, set a loss argument, or wrap
 * the target in `to_categorical(target, classes)` (the sink spells the function as the file imports it).
 */
export type LossFix =
  | { title: string; on: 'target'; append: string }
  | { title: string; on: 'loss-name'; name: string }
  | { title: string; on: 'loss-arg'; name: string; value: string }
  | { title: string; on: 'to-categorical'; classes: number };

export interface LossFinding {
  outcome: 'raise' | 'warn';
  /** The framework's own message. */
  message: string;
  explanation: string[];
  fixes?: LossFix[];
}

export type LossVerdict = { outcome: 'pass' } | { outcome: 'unknown' } | LossFinding;

export const PASS: LossVerdict = { outcome: 'pass' };
export const UNKNOWN_VERDICT: LossVerdict = { outcome: 'unknown' };

export function raise(message: string, explanation: string[], fix?: LossFix | LossFix[]): LossFinding {
  return finding('raise', message, explanation, fix);
}

export function warn(message: string, explanation: string[], fix?: LossFix | LossFix[]): LossFinding {
  return finding('warn', message, explanation, fix);
}

function finding(outcome: LossFinding['outcome'], message: string, explanation: string[], fix: LossFix | LossFix[] | undefined): LossFinding {
  const fixes = fix === undefined ? [] : Array.isArray(fix) ? fix : [fix];
  return fixes.length ? { outcome, message, explanation, fixes } : { outcome, message, explanation };
}

export function isFloatDtype(d: string): boolean {
  return d.startsWith('float') || d === 'bfloat16';
}

/** Two dims are equal (true), differ (false), or cannot be told (null). The same symbol is the same size. */
export function dimEq(a: Dim, b: Dim): boolean | null {
  if (typeof a === 'number' && typeof b === 'number') return a === b;
  if (typeof a === 'string' && a === b) return true;
  return null;
}

/** Two closed shapes are equal, differ, or cannot be told. */
export function shapeEq(a: Shape, b: Shape): boolean | null {
  if (a.dims.length !== b.dims.length) return false;
  let all: boolean | null = true;
  for (let i = 0; i < a.dims.length; i++) {
    const e = dimEq(a.dims[i], b.dims[i]);
    if (e === false) return false;
    if (e === null) all = null;
  }
  return all;
}

/**
 * Broadcasting two closed shapes (aligned from the right): 'same', 'broadcast' (different but
 * compatible), the first clashing axis from the right (as the result's axis index), or null when
 * an unknown dim could decide it.
 */
export function broadcastVerdict(a: Shape, b: Shape): 'same' | 'broadcast' | { axis: number; x: number; y: number } | null {
  const eq = shapeEq(a, b);
  if (eq === true) return 'same';
  const n = Math.max(a.dims.length, b.dims.length);
  let unknown = false;
  for (let i = n - 1; i >= 0; i--) {
    const x = i - (n - a.dims.length) >= 0 ? a.dims[i - (n - a.dims.length)] : 1;
    const y = i - (n - b.dims.length) >= 0 ? b.dims[i - (n - b.dims.length)] : 1;
    if (x === 1 || y === 1 || dimEq(x, y) === true) continue;
    if (typeof x !== 'number' || typeof y !== 'number') {
      unknown = true;
      continue;
    }
    return unknown ? null : { axis: i, x, y };
  }
  return unknown || eq === null ? null : 'broadcast';
}

/** A dim as the framework prints it (a symbol stays its name). */
export function dimText(d: Dim, none = 'None'): string {
  return d === null ? none : String(d);
}

/** `(32, 10)` / `(32,)` as Python prints a shape tuple (`None` for the batch when `batchNone`). */
export function pyTuple(s: Shape, batchNone = false): string {
  const parts = s.dims.map((d, i) => (batchNone && i === 0 && typeof d !== 'number' ? 'None' : dimText(d)));
  return parts.length === 1 ? `(${parts[0]},)` : `(${parts.join(', ')})`;
}

/** `[32, 10]` as torch prints a size list. */
export function listText(s: Shape | Dim[]): string {
  const dims = Array.isArray(s) ? s : s.dims;
  return `[${dims.map((d) => dimText(d, '?')).join(', ')}]`;
}
