/** Shape helpers shared by the layer catalogue and the interpreter. */
import type { Dim, Shape } from './types';

export const BATCH = 'N';

export function ranked(dims: Dim[]): Shape {
  return { dims, open: false };
}

/** A tensor about which only the trailing dims are known (rank unknown). */
export function openShape(trailing: Dim[] = []): Shape {
  return { dims: trailing, open: true };
}

export function isKnown(d: Dim): d is number {
  return typeof d === 'number';
}

export function rankOf(s: Shape): number | null {
  return s.open ? null : s.dims.length;
}

/**
 * The dim at `axis` (negative counts from the end). Undefined when the axis cannot be
 * located (positive axis on an open shape, or out of range); null when located but unknown.
 */
export function dimAt(s: Shape, axis: number): Dim | undefined {
  if (axis < 0) {
    const i = s.dims.length + axis;
    if (i >= 0) return s.dims[i];
    return s.open ? null : undefined;
  }
  if (s.open) return undefined;
  return axis < s.dims.length ? s.dims[axis] : undefined;
}

/** Product of dims, null when any is not a known number. */
export function product(dims: Dim[]): number | null {
  let p = 1;
  for (const d of dims) {
    if (!isKnown(d)) return null;
    p *= d;
  }
  return p;
}

export function formatDim(d: Dim): string {
  if (d === null) return '?';
  return String(d);
}

/** `(N, 128, 118, 1)` style; open shapes print a leading `…`. */
export function formatShape(s: Shape | null): string {
  if (!s) return '?';
  const parts = s.dims.map(formatDim);
  if (s.open) parts.unshift('…');
  if (parts.length === 1 && !s.open) return `(${parts[0]},)`;
  return `(${parts.join(', ')})`;
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  return a.open === b.open && a.dims.length === b.dims.length && a.dims.every((d, i) => d === b.dims[i]);
}

/** Dim arithmetic that keeps unknowns unknown. */
export function mapDim(d: Dim, f: (n: number) => number): Dim {
  return isKnown(d) ? f(d) : null;
}

/**
 * The dim `k` places from the right (k ≥ 1). Past the front of a closed shape it is an absent
 * axis (undefined); past the front of an open shape it exists but is unknown (null).
 */
export function dimFromRight(s: Shape, k: number): Dim | undefined {
  if (k <= s.dims.length) return s.dims[s.dims.length - k];
  return s.open ? null : undefined;
}

/**
 * NumPy-style broadcasting of two shapes, assuming the op does not raise (callers check for
 * clashes first). An unknown dim against 1 stays unknown; an axis an open shape may have is
 * unknown, never 1; the result is open when either operand's rank is unknown.
 */
export function broadcastShapes(a: Shape | null, b: Shape | null): Shape | null {
  if (!a || !b) return null;
  const n = Math.max(a.dims.length, b.dims.length);
  const dims: Dim[] = [];
  for (let k = n; k >= 1; k--) dims.push(broadcastDim(dimFromRight(a, k), dimFromRight(b, k)));
  return { dims, open: a.open || b.open };
}

function broadcastDim(x: Dim | undefined, y: Dim | undefined): Dim {
  if (x === undefined) return y ?? null;
  if (y === undefined || x === y || y === 1) return x;
  if (x === 1) return y;
  // A known size other than 1 wins: the other side must be 1 or equal, or the op raises.
  if (isKnown(x) && x !== 1 && !isKnown(y)) return x;
  if (isKnown(y) && y !== 1 && !isKnown(x)) return y;
  return null;
}

/** A size a framework can hold: a finite, non-negative integer. */
export function isSize(d: Dim): d is number {
  return typeof d === 'number' && Number.isInteger(d) && d >= 0;
}

/**
 * A layer's output shape as the interpreter keeps it: a number that is no size (Infinity,
 * NaN, a fraction or a negative from arithmetic on an argument the framework would have
 * rejected) becomes unknown rather than travel on into later layers and fixes.
 */
export function saneShape(s: Shape | null): Shape | null {
  const insane = (d: Dim) => typeof d === 'number' && !isSize(d);
  if (!s || !s.dims.some(insane)) return s;
  return { dims: s.dims.map((d) => (insane(d) ? null : d)), open: s.open };
}

/**
 * A shape given to MXNet's symbol API (`infer_shape`, `bind`, `print_summary`): there, in
 * MXNet 1.x's legacy shape semantics, a 0 means "unknown", not an empty axis.
 */
export function mxLegacyShape(s: Shape | null): Shape | null {
  if (!s || !s.dims.includes(0)) return s;
  return { dims: s.dims.map((d) => (d === 0 ? null : d)), open: s.open };
}
