/**
 * Helpers shared by the PyTorch layer defs: argument decoding, message formatting with
 * PyTorch's own number layout, and the channels-first input split used by conv and pool.
 */
import { dimAt } from '../../shapes';
import type { AxisTrace, Dim, Shape } from '../../types';
import {
  isTensor,
  tensor,
  type ArgValue,
  type BoundArgs,
  type LayerIssue,
  type LayerOutcome,
  type RuleName,
  type TensorValue,
} from '../types';

export { asBool, floorDiv, intList, normAxis } from '../args';
export { product as knownProduct } from '../../shapes';

/** A dim as PyTorch would print it; unknown dims print as `?`, the batch symbol as itself. */
export function msgDim(d: Dim): string {
  return d === null ? '?' : String(d);
}

/** `[2, 80, 12, 3]`, the way ATen prints sizes. */
export function msgSizes(dims: Dim[]): string {
  return `[${dims.map(msgDim).join(', ')}]`;
}

/** `(N, 3, 32, 32)`, for explanations. */
export function showShape(s: Shape): string {
  const parts = s.dims.map(msgDim);
  if (s.open) parts.unshift('…');
  return `(${parts.join(', ')}${parts.length === 1 && !s.open ? ',' : ''})`;
}

export function issue(rule: RuleName, message: string, explanation: string[], extra: Partial<LayerIssue> = {}): LayerIssue {
  return { rule, message, explanation, ...extra };
}

/** The outcome of a failed call: the output is unknown from here on. */
export function failed(err: LayerIssue, params?: number | null): LayerOutcome {
  return params === undefined ? { output: tensor(null, 'torch'), issue: err } : { output: tensor(null, 'torch'), issue: err, params };
}

export function out(shape: Shape | null, extra: Partial<LayerOutcome> = {}): LayerOutcome {
  return { output: tensor(shape, 'torch'), ...extra };
}

/** The first tensor input (the forward call's `input`), or null when it is not a tensor. */
export function firstTensor(inputs: (TensorValue | ArgValue)[]): TensorValue | null {
  const v = inputs[0];
  return isTensor(v) ? v : null;
}

/** The tensor bound to `name` (ops receive their tensors through args). */
export function tensorArg(args: BoundArgs, name: string): TensorValue | null {
  const v = args.get(name);
  return isTensor(v) ? v : null;
}

/** Shape of the op's tensor argument `name`, falling back to the first input. */
export function inputShape(args: BoundArgs, inputs: (TensorValue | ArgValue)[], name: string): Shape | null {
  return (tensorArg(args, name) ?? firstTensor(inputs))?.shape ?? null;
}

/** An int-or-tuple argument expanded to n ints; `None` entries allowed when `allowNone`. */
export function intsOrNone(v: ArgValue | undefined, n: number): (number | null)[] | null {
  if (v === null) return new Array(n).fill(null);
  if (typeof v === 'number') return Number.isInteger(v) ? new Array(n).fill(v) : null;
  if (Array.isArray(v) && v.length === n && v.every((x) => x === null || (typeof x === 'number' && Number.isInteger(x)))) {
    return v as (number | null)[];
  }
  return null;
}

/** Like intList but keeps unknown entries as null (the dims of a created tensor). */
export function dimList(v: ArgValue | undefined): Dim[] | null {
  if (typeof v === 'number') return Number.isInteger(v) ? [v] : null;
  if (!Array.isArray(v)) return null;
  if (v.length === 1 && Array.isArray(v[0])) return dimList(v[0]);
  return v.map((x) => (typeof x === 'number' && Number.isInteger(x) ? x : null));
}

export const SPATIAL_NAMES: Record<number, string[]> = { 1: ['L'], 2: ['H', 'W'], 3: ['D', 'H', 'W'] };

/** A channels-first input split into leading dims, C and the spatial dims. */
export interface ChannelsFirst {
  lead: Dim[];
  c: Dim;
  spatial: Dim[];
  open: boolean;
  /** Unbatched input (rank = spatial + 1); PyTorch reports it with a batch of 1. */
  unbatched: boolean;
}

/**
 * Splits `s` for an op with `nsp` spatial axes. Returns `'rank'` when a closed shape has a
 * rank other than nsp+1 (unbatched) or nsp+2. Open shapes never produce a rank error.
 */
export function splitChannelsFirst(s: Shape, nsp: number): ChannelsFirst | 'rank' {
  if (s.open) {
    const spatial: Dim[] = [];
    for (let k = nsp; k >= 1; k--) spatial.push(dimAt(s, -k) ?? null);
    return { lead: [], c: dimAt(s, -nsp - 1) ?? null, spatial, open: true, unbatched: false };
  }
  const r = s.dims.length;
  if (r !== nsp + 1 && r !== nsp + 2) return 'rank';
  const lead = s.dims.slice(0, r - nsp - 1);
  return { lead, c: s.dims[r - nsp - 1], spatial: s.dims.slice(r - nsp), open: false, unbatched: r === nsp + 1 };
}

export function joinChannelsFirst(cf: ChannelsFirst, c: Dim, spatial: Dim[]): Shape {
  return { dims: [...cf.lead, c, ...spatial], open: cf.open };
}

/** Axis names for a channels-first result, trimmed to the dims present. */
export function channelsFirstNames(cf: ChannelsFirst, nsp: number): string[] {
  const names = [...(cf.unbatched ? [] : ['N']), 'C', ...SPATIAL_NAMES[nsp]];
  return cf.open ? names.slice(-(nsp + 1)) : names.slice(-(cf.lead.length + 1 + nsp));
}

/** The input as ATen sees it after `batchify` (unbatched gets a batch of 1). */
export function batchedDims(cf: ChannelsFirst): Dim[] {
  const lead = cf.open ? ['N'] : cf.unbatched ? [1] : cf.lead;
  return [...lead, cf.c, ...cf.spatial];
}

export function traceAxis(axis: string, formula: string): AxisTrace {
  return { axis, formula };
}

/** PyTorch's IndexError text for a bad dim (a rank-0 tensor counts as rank 1 here). */
export function dimRangeMessage(axis: number, rank: number): string {
  const r = Math.max(rank, 1);
  return `Dimension out of range (expected to be in range of [${-r}, ${r - 1}], but got ${axis})`;
}

/** `x` as Python source for fixes: ints and tuples. */
export function pySource(v: number | number[]): string {
  if (typeof v === 'number') return String(v);
  return v.length === 1 ? `(${v[0]},)` : `(${v.join(', ')})`;
}

/**
 * torch.empty's check when a module allocates its weight: a negative size (from a negative
 * in/out size or kernel) raises at construction, naming the first negative entry.
 */
export function negativeWeightIssue(weight: (number | null)[], argText: string): LayerIssue | null {
  const neg = weight.find((d) => d !== null && d < 0);
  if (neg === undefined || weight.some((d) => d === null)) return null;
  return issue('invalid-argument', `Trying to create tensor with negative dimension ${neg}: ${msgSizes(weight)}`,
    [`${argText} gives the weight ${msgSizes(weight)}, with a negative size.`]);
}
