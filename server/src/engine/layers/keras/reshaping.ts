/**
 * Keras reshaping layers: Reshape, Permute, RepeatVector, ZeroPadding, Cropping, UpSampling.
 * Reshape and Permute shapes exclude the batch dim, as in Keras.
 */
import type { AxisTrace, Dim } from '../../types';
import type { ArgValue, BoundArgs, LayerDef, LayerEnv, LayerOutcome } from '../types';
import { asInt, asTuple } from '../types';
import {
  axisNames,
  checkNdim,
  inputTensor,
  issue,
  kerasTensor,
  type Layout,
  outShape,
  params,
  prodKnown,
  rankView,
  resolveLayout,
  unknownOutcome,
} from './common';
import { pyShape, pyTuple } from './format';
import { intList } from '../args';

function keras(names: string[]): string[] {
  return names.map((n) => `keras.layers.${n}`);
}

/** An int or a list of ints (`Reshape(target_shape=8)`, `Permute((2, 1))`). */
function intOrList(v: ArgValue | undefined): number[] | null {
  return intList(typeof v === 'number' ? [v] : v);
}

const TWO_UNKNOWN = 'There must be at most one unknown dimension (-1) in `target_shape`. Received: target_shape=';

function applyReshape(args: BoundArgs, inputs: unknown[]): LayerOutcome {
  const x = inputTensor(inputs as ArgValue[]);
  const target = intOrList(args.get('target_shape'));
  if (!x || !target) return unknownOutcome();
  const neg = target.indexOf(-1);
  const outTarget: Dim[] = target.map((t) => (t === -1 ? null : t));
  if (!x.shape || x.shape.open) return { output: kerasTensor(outShape([null, ...outTarget], false)) };
  const [batch, ...rest] = x.shape.dims;
  const total = prodKnown(rest);
  const known = target.filter((t) => t !== -1).reduce((a, b) => a * b, 1);
  const text = `Received: input_shape=${pyShape(rest)}, target_shape=${pyTuple(target.map(String))}`;
  if (total === null || known <= 0) return { output: kerasTensor(outShape([batch, ...outTarget], false)) };
  if (neg >= 0 && total % known !== 0) {
    return { output: kerasTensor(null), issue: issue('reshape-mismatch',
      'The total size of the tensor must be unchanged, however, the input size cannot by divided by the ' +
      `specified dimensions in target_shape. ${text}`,
      [`the input holds ${rest.join(' × ')} = ${total} values per sample`,
        `${total} is not divisible by ${known}, the product of the given target dims`]) };
  }
  if (neg < 0 && known !== total) {
    return { output: kerasTensor(null), issue: issue('reshape-mismatch',
      `The total size of the tensor must be unchanged. ${text}`,
      [`the input holds ${rest.join(' × ')} = ${total} values per sample`,
        `target_shape ${pyTuple(target.map(String))} holds ${known}`]) };
  }
  if (neg >= 0) outTarget[neg] = total / known;
  const trace: AxisTrace[] = neg >= 0 ? [{ axis: `-1 (axis ${neg + 1})`, formula: `${total} / ${known} = ${total / known}` }] : [];
  return { output: kerasTensor(outShape([batch, ...outTarget], false)), trace };
}

const RESHAPE: LayerDef = {
  framework: 'keras',
  names: keras(['Reshape']),
  params: params('target_shape'),
  kind: 'layer',
  construct: (args) => {
    const target = intOrList(args.get('target_shape'));
    if (target && target.filter((t) => t === -1).length > 1) {
      return issue('invalid-argument', `${TWO_UNKNOWN}${pyTuple(target.map(String))}.`,
        ['only one entry of target_shape may be -1']);
    }
    return null;
  },
  apply: (args, inputs) => applyReshape(args, inputs),
};

function permuteValid(dims: number[]): boolean {
  const sorted = [...dims].sort((a, b) => a - b);
  return sorted.every((d, i) => d === i + 1);
}

const PERMUTE: LayerDef = {
  framework: 'keras',
  names: keras(['Permute']),
  params: params('dims'),
  kind: 'layer',
  construct: (args) => {
    const dims = intOrList(args.get('dims'));
    if (dims && !permuteValid(dims)) {
      return issue('invalid-argument',
        'Invalid permutation argument `dims` for Permute Layer. The set of indices in `dims` must be consecutive ' +
        `and start from 1. Received dims=${pyTuple(dims.map(String))}`,
        ['Permute takes 1-based axis indices that exclude the batch axis']);
    }
    return null;
  },
  apply: (args, inputs, env) => {
    const x = inputTensor(inputs as ArgValue[]);
    const dims = intOrList(args.get('dims'));
    if (!x || !x.shape || !dims || !permuteValid(dims)) return unknownOutcome();
    const rankIssue = checkNdim(x.shape, { ndim: dims.length + 1 }, env);
    if (rankIssue) return { output: kerasTensor(null), issue: rankIssue };
    const view = rankView(x.shape, dims.length + 1);
    if (!view) return unknownOutcome();
    return { output: kerasTensor(outShape([view[0], ...dims.map((d) => view[d])], x.shape.open)) };
  },
};

const REPEAT: LayerDef = {
  framework: 'keras',
  names: keras(['RepeatVector']),
  params: params('n'),
  kind: 'layer',
  apply: (args, inputs, env) => {
    const x = inputTensor(inputs as ArgValue[]);
    if (!x || !x.shape) return unknownOutcome();
    const rankIssue = checkNdim(x.shape, { ndim: 2 }, env);
    if (rankIssue) return { output: kerasTensor(null), issue: rankIssue };
    const view = rankView(x.shape, 2) as Dim[];
    return { output: kerasTensor(outShape([view[0], asInt(args.get('n')), view[1]], x.shape.open)) };
  },
};

type Rank = 1 | 2 | 3;

/** Per-axis (before, after) pairs from Keras' int / per-axis / nested padding forms. */
function pairs(v: ArgValue | undefined, rank: number): [number, number][] | null {
  if (typeof v === 'number') return Number.isInteger(v) ? new Array(rank).fill([v, v]) : null;
  if (!Array.isArray(v)) return null;
  if (rank === 1) {
    const t = asTuple(v, 2);
    return t ? [[t[0], t[1]]] : null;
  }
  if (v.length !== rank) return null;
  const out: [number, number][] = [];
  for (const item of v) {
    if (typeof item === 'number' && Number.isInteger(item)) out.push([item, item]);
    else {
      const t = asTuple(item, 2);
      if (!t) return null;
      out.push([t[0], t[1]]);
    }
  }
  return out;
}

type AxisEdit = (n: number, i: number) => { out: number; formula: string };

interface SpatialCtx {
  rank: Rank;
  /** Layers without data_format (Cropping1D, UpSampling1D) are always channels_last. */
  layout: Layout;
  source: string;
}

function spatialApply(
  ctx: SpatialCtx, inputs: unknown[], env: LayerEnv, edit: AxisEdit,
  check?: (dims: Dim[], first: number) => LayerOutcome | null,
): LayerOutcome {
  const x = inputTensor(inputs as ArgValue[]);
  if (!x || !x.shape) return unknownOutcome();
  const rankIssue = checkNdim(x.shape, { ndim: ctx.rank + 2 }, env);
  if (rankIssue) return { output: kerasTensor(null), issue: rankIssue };
  const dims = rankView(x.shape, ctx.rank + 2) as Dim[];
  const first = ctx.layout === 'channels_last' ? 1 : 2;
  if (check && !x.shape.open) {
    const bad = check(dims, first);
    if (bad) return bad;
  }
  const names = axisNames(ctx.rank, ctx.layout);
  const trace: AxisTrace[] = [];
  const out = [...dims];
  for (let i = 0; i < ctx.rank; i++) {
    const n = dims[first + i];
    if (typeof n !== 'number') continue;
    const r = edit(n, i);
    out[first + i] = r.out;
    trace.push({ axis: names[first + i], formula: r.formula });
  }
  return {
    output: kerasTensor(outShape(out, x.shape.open)), trace, axisNames: names, layout: ctx.layout, layoutSource: ctx.source,
  };
}

function ctxOf(rank: Rank, args: BoundArgs, env: LayerEnv, hasFormat: boolean): SpatialCtx | null {
  if (!hasFormat) return { rank, layout: 'channels_last', source: 'this layer is always channels_last' };
  const l = resolveLayout(args, env);
  return l ? { rank, layout: l.layout, source: l.source } : null;
}

function zeroPadDef(rank: Rank): LayerDef {
  const dflt: ArgValue = rank === 1 ? 1 : rank === 2 ? [1, 1] : [[1, 1], [1, 1], [1, 1]];
  return {
    framework: 'keras',
    names: keras([`ZeroPadding${rank}D`]),
    params: params(['padding', dflt], ['data_format', null]),
    kind: 'layer',
    apply: (args, inputs, env) => {
      const ctx = ctxOf(rank, args, env, true);
      const p = pairs(args.get('padding'), rank);
      if (!ctx || !p) return unknownOutcome();
      return spatialApply(ctx, inputs, env, (n, i) => {
        const out = n + p[i][0] + p[i][1];
        return { out, formula: `${n} + ${p[i][0]} + ${p[i][1]} = ${out}` };
      });
    },
  };
}

function croppingText(p: [number, number][], rank: Rank): string {
  const inner = p.map(([a, b]) => pyTuple([String(a), String(b)]));
  return rank === 1 ? inner[0] : pyTuple(inner);
}

function croppingDef(rank: Rank): LayerDef {
  const dflt: ArgValue = rank === 1 ? [1, 1] : rank === 2 ? [[0, 0], [0, 0]] : [[1, 1], [1, 1], [1, 1]];
  const hasFormat = rank !== 1;
  return {
    framework: 'keras',
    names: keras([`Cropping${rank}D`]),
    params: hasFormat ? params(['cropping', dflt], ['data_format', null]) : params(['cropping', dflt]),
    kind: 'layer',
    apply: (args, inputs, env) => {
      const ctx = ctxOf(rank, args, env, hasFormat);
      const p = pairs(args.get('cropping'), rank);
      if (!ctx || !p) return unknownOutcome();
      const check = (dims: Dim[], first: number): LayerOutcome | null => {
        const i = p.findIndex(([a, b], k) => {
          const n = dims[first + k];
          return typeof n === 'number' && a + b >= n;
        });
        if (i < 0) return null;
        const shape = pyShape(dims);
        const msg = rank === 1
          ? '`cropping` parameter of `Cropping1D` layer must be smaller than the input length. ' +
            `Received: input_shape=${shape}, cropping=${croppingText(p, rank)}`
          : 'Values in `cropping` argument should be smaller than the corresponding spatial dimension of the input. ' +
            `Received: input_shape=${shape}, cropping=${croppingText(p, rank)}`;
        const axis = axisNames(rank, ctx.layout)[first + i];
        return { output: kerasTensor(null), issue: issue('invalid-argument', msg, [
          `${axis}: cropping ${p[i][0]} + ${p[i][1]} leaves nothing of ${dims[first + i]}`,
        ]) };
      };
      return spatialApply(ctx, inputs, env, (n, i) => {
        const out = n - p[i][0] - p[i][1];
        return { out, formula: `${n} − ${p[i][0]} − ${p[i][1]} = ${out}` };
      }, check);
    },
  };
}

function upSamplingDef(rank: Rank): LayerDef {
  const dflt: ArgValue = rank === 1 ? 2 : new Array(rank).fill(2);
  const hasFormat = rank !== 1;
  const extra: [string, ArgValue][] = rank === 2 ? [['interpolation', 'nearest']] : [];
  return {
    framework: 'keras',
    names: keras([`UpSampling${rank}D`]),
    params: hasFormat ? params(['size', dflt], ['data_format', null], ...extra) : params(['size', dflt]),
    kind: 'layer',
    apply: (args, inputs, env) => {
      const ctx = ctxOf(rank, args, env, hasFormat);
      const size = asTuple(args.get('size'), rank);
      if (!ctx || !size) return unknownOutcome();
      return spatialApply(ctx, inputs, env, (n, i) => ({ out: n * size[i], formula: `${n} × ${size[i]} = ${n * size[i]}` }));
    },
  };
}

const RANKS: Rank[] = [1, 2, 3];

export const reshapingLayers: LayerDef[] = [
  RESHAPE,
  PERMUTE,
  REPEAT,
  ...RANKS.flatMap((r) => [zeroPadDef(r), croppingDef(r), upSamplingDef(r)]),
];
