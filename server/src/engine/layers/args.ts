/**
 * Small argument helpers shared by every catalogue (one copy each). Unknown in, null out:
 * none of them turns an unknown argument into a known value.
 */
import type { ArgValue } from './types';

/** Python truthiness of a flag argument; `dflt` when it was not given; null when unknown. */
export function asBool(v: ArgValue | undefined, dflt?: boolean): boolean | null {
  if (v === undefined) return dflt ?? null;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  if (v === null) return false;
  return null;
}

/** A list of ints (the sizes of `view`, `torch.randn`, ...), or one tuple passed as `*sizes`; null when any entry is unknown. */
export function intList(v: ArgValue | undefined): number[] | null {
  if (!Array.isArray(v)) return null;
  if (v.length === 1 && Array.isArray(v[0])) return intList(v[0]);
  return v.every((x) => typeof x === 'number' && Number.isInteger(x)) ? (v as number[]) : null;
}

/** Normalises a possibly negative axis against rank; null when out of range. */
export function normAxis(axis: number, rank: number): number | null {
  const a = axis < 0 ? axis + rank : axis;
  return a >= 0 && a < rank ? a : null;
}

/** Python's floor division for ints (rounds towards negative infinity). */
export function floorDiv(a: number, b: number): number {
  return Math.floor(a / b);
}
