/**
 * Axis arithmetic on known dims, with NumPy's semantics: transpose, expand_dims, squeeze,
 * swapaxes and the dims of a nested list literal. Used by the NumPy catalogue and by MXNet's
 * NDArray/Symbol ops, which follow NumPy here. Null whenever the result is not certain.
 */
import { isKnown } from '../../shapes';
import type { Dim } from '../../types';
import { normAxis } from '../args';
import { asDims, isTensor, type ArgValue } from '../types';

/** Dims of a nested list literal (`[[1, 2], [3, 4]]` → [2, 2]); null when ragged or unknown. */
export function nestedDims(v: ArgValue | undefined): Dim[] | null {
  if (typeof v === 'number' || typeof v === 'boolean') return [];
  if (isTensor(v)) return v.shape && !v.shape.open ? v.shape.dims : null;
  if (!Array.isArray(v)) return null;
  if (v.length === 0) return [0];
  const inner = v.map(nestedDims);
  const first = inner[0];
  if (!first || inner.some((d) => !d || d.length !== first.length || d.some((x, i) => x !== first[i]))) return null;
  return [v.length, ...first];
}

export function transposeDims(d: Dim[], axes: ArgValue | undefined): Dim[] | null {
  const ax = axes === null || axes === undefined || (Array.isArray(axes) && axes.length === 0) ? d.map((_, i) => d.length - 1 - i) : asDims(axes);
  if (!ax || ax.length !== d.length) return null;
  const norm = ax.map((a) => (isKnown(a) ? normAxis(a, d.length) : null));
  if (norm.some((a) => a === null) || new Set(norm).size !== d.length) return null;
  return (norm as number[]).map((a) => d[a]);
}

export function expandDims(d: Dim[], axis: number): Dim[] | null {
  const a = axis < 0 ? axis + d.length + 1 : axis;
  if (a < 0 || a > d.length) return null;
  return [...d.slice(0, a), 1, ...d.slice(a)];
}

export function squeezeDims(d: Dim[], axis: ArgValue | undefined): Dim[] | null {
  if (axis === null || axis === undefined) return d.some((x) => !isKnown(x)) ? null : d.filter((x) => x !== 1);
  const list = typeof axis === 'number' ? [axis] : asDims(axis);
  if (!list || list.some((a) => !isKnown(a))) return null;
  const idx = (list as number[]).map((a) => normAxis(a, d.length));
  if (idx.some((i) => i === null || d[i] !== 1)) return null;
  return d.filter((_, i) => !idx.includes(i));
}

export function swapDims(d: Dim[], a1: number, a2: number): Dim[] | null {
  const [i, j] = [normAxis(a1, d.length), normAxis(a2, d.length)];
  if (i === null || j === null) return null;
  const out = [...d];
  [out[i], out[j]] = [out[j], out[i]];
  return out;
}
