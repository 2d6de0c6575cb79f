/**
 * Max/Avg/Adaptive pooling, as modules and as torch.nn.functional ops. Check order and
 * messages follow aten/src/ATen/native/Pool.h (pooling_output_shape, pool2d/3d_shape_check)
 * as observed on torch 2.13: rank, then padding against the kernel, then output size.
 */
import { isKnown } from '../../shapes';
import type { AxisTrace, Dim } from '../../types';
import { asTuple, type ArgValue, type BoundArgs, type LayerDef, type LayerIssue, type LayerOutcome, type ParamSpec, type TensorValue } from '../types';
import {
  asBool,
  channelsFirstNames,
  dimRangeMessage,
  failed,
  inputShape,
  intsOrNone,
  issue,
  joinChannelsFirst,
  msgDim,
  msgSizes,
  out,
  showShape,
  SPATIAL_NAMES,
  splitChannelsFirst,
  type ChannelsFirst,
} from './common';
import { tensor } from '../types';

type PoolKind = 'max' | 'avg';

interface PoolArgs {
  k: number[] | null;
  s: number[] | null;
  p: number[] | null;
  d: number[] | null;
  ceil: boolean | null;
}

/** PyTorch's pooling_output_shape: the last window must start inside input or left padding. */
export function poolOutSize(n: number, k: number, s: number, p: number, d: number, ceil: boolean): number {
  let o = Math.floor((n + 2 * p - d * (k - 1) - 1 + (ceil ? s - 1 : 0)) / s) + 1;
  if (ceil && (o - 1) * s >= n + p) o--;
  return o;
}

function decode(args: BoundArgs, kind: PoolKind, nsp: number): PoolArgs {
  const k = asTuple(args.get('kernel_size'), nsp);
  const sv = args.get('stride');
  // stride=None (and an empty list, as F.max_pool2d allows) means the kernel size.
  const s = sv === null || (Array.isArray(sv) && sv.length === 0) ? k : asTuple(sv, nsp);
  return {
    k,
    s,
    p: asTuple(args.get('padding'), nsp),
    d: kind === 'max' ? asTuple(args.get('dilation'), nsp) : new Array(nsp).fill(1),
    ceil: asBool(args.get('ceil_mode')),
  };
}

function rankMessage(kind: PoolKind, nsp: number, dims: Dim[]): string {
  const r = dims.length;
  if (kind === 'max' && nsp === 1)
    return `max_pool1d: Expected 2D or 3D (batch mode) tensor with optional 0 dim batch size for input, but got:${msgSizes(dims)}`;
  if (kind === 'avg' && nsp === 1)
    return `Expected 2 to 3 dimensions, but got ${r}-dimensional tensor for argument #1 'self' (while checking arguments for avg_pool1d)`;
  if (kind === 'avg' && nsp === 2) {
    // avg_pool2d indexes dim -3 before checking the rank, so small ranks fail with an IndexError.
    if (r < 3) return dimRangeMessage(-3, r);
    return `Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, but got:${msgSizes(dims)}`;
  }
  return `non-empty ${nsp + 1}D or ${nsp + 2}D (batch mode) tensor expected for input`;
}

/**
 * Arguments no pooling accepts, in ATen's order: a zero stride and a negative pad
 * (pooling_output_shape), then pool2d/3d_shape_check's kernel, stride and dilation.
 * max_pool1d has its own checks and wording.
 */
function argIssue(kind: PoolKind, nsp: number, a: PoolArgs): LayerIssue | null {
  const bad = (message: string, name: string, v: number[]) =>
    issue('invalid-argument', message, [`${name}=${v.length === 1 ? v[0] : `(${v.join(', ')})`} is not a size ${kind === 'max' ? 'MaxPool' : 'AvgPool'}${nsp}d accepts.`]);
  const { k, s, p, d } = a;
  if (kind === 'max' && nsp === 1) {
    if (k && k[0] <= 0) return bad(`max_pool1d() kernel_size must be greater than zero, but got ${k[0]}`, 'kernel_size', k);
    if (s && s[0] <= 0) return bad(`max_pool1d() stride must be greater than zero, but got ${s[0]}`, 'stride', s);
    if (p && p[0] < 0) return bad(`max_pool1d() padding must be non-negative, but got ${p[0]}`, 'padding', p);
    if (d && d[0] <= 0) return bad(`max_pool1d() dilation must be greater than zero, but got ${d[0]}`, 'dilation', d);
    return null;
  }
  if (s && s.some((x) => x === 0)) return bad('stride should not be zero', 'stride', s);
  if (p && p.some((x) => x < 0)) return bad(`pad must be non-negative, but got pad: ${p.find((x) => x < 0)}`, 'padding', p);
  // avg_pool1d runs as avg_pool2d with a height of 1; 3-D names the depth T.
  const axes = (v: number[], prefix: string) => {
    const names = nsp === 3 ? ['T', 'H', 'W'] : ['H', 'W'];
    return (nsp === 1 ? [1, ...v] : v).map((x, i) => `${prefix}${names[i]}: ${x}`).join(' ');
  };
  if (k && k.some((x) => x <= 0)) return bad(`kernel size should be greater than zero, but got ${axes(k, 'k')}`, 'kernel_size', k);
  if (s && s.some((x) => x < 0)) return bad(`stride should be greater than zero, but got ${axes(s, 'd')}`, 'stride', s);
  if (d && d.some((x) => x <= 0)) return bad(`dilation should be greater than zero, but got ${axes(d, 'dilation')}`, 'dilation', d);
  return null;
}

function padIssue(kind: PoolKind, nsp: number, a: PoolArgs): LayerIssue | null {
  if (!a.k || !a.p || !a.d) return null;
  const k = a.k, p = a.p, d = a.d;
  const why = (i: number) => [`padding ${p[i]} is more than half of the kernel ${k[i]} (dilation ${d[i]}).`];
  if (kind === 'max' && nsp === 1) {
    if (p[0] > Math.floor(k[0] / 2))
      return issue('invalid-argument', `max_pool1d() padding should be at most half of kernel size, but got padding=${p[0]} and kernel_size=${k[0]}`, why(0));
    return null;
  }
  // The dilated 2-D max pool runs max_pool2d_with_indices, which checks the plain kernel first.
  if (kind === 'max' && nsp === 2 && d.some((x) => x !== 1) && (Math.floor(k[1] / 2) < p[1] || Math.floor(k[0] / 2) < p[0]))
    return issue(
      'invalid-argument',
      `pad should be smaller than or equal to half of kernel size, but got padW = ${p[1]}, padH = ${p[0]}, kW = ${k[1]}, kH = ${k[0]}`,
      why(Math.floor(k[1] / 2) < p[1] ? 1 : 0),
    );
  for (let i = 0; i < nsp; i++) {
    if (p[i] > Math.floor((d[i] * (k[i] - 1) + 1) / 2))
      return issue('invalid-argument', `pad should be at most half of effective kernel size, but got pad=${p[i]}, kernel_size=${k[i]} and dilation=${d[i]}`, why(i));
  }
  return null;
}

/** avg_pool3d rejects an unpadded input smaller than the kernel before computing sizes. */
function avg3dInputIssue(a: PoolArgs, cf: ChannelsFirst): LayerIssue | null {
  if (!a.k) return null;
  const k = a.k;
  if (!cf.spatial.some((n, i) => isKnown(n) && n < k[i])) return null;
  const [t, h, w] = cf.spatial.map(msgDim);
  return issue(
    'kernel-exceeds-input',
    `input image (T: ${t} H: ${h} W: ${w}) smaller than kernel size (kT: ${k[0]} kH: ${k[1]} kW: ${k[2]})`,
    [`AvgPool3d's window (${k.join(', ')}) does not fit in the input's (${cf.spatial.map(msgDim).join(', ')}).`],
  );
}

function outSizes(a: PoolArgs, spatial: Dim[], names: string[]): { dims: Dim[]; trace: AxisTrace[] } {
  const trace: AxisTrace[] = [];
  const dims = spatial.map((n, i) => {
    if (!isKnown(n) || !a.k || !a.s || !a.p || !a.d || a.ceil === null) return null;
    const k = a.k[i], s = a.s[i], p = a.p[i], d = a.d[i];
    const o = poolOutSize(n, k, s, p, d, a.ceil);
    const f = a.ceil ? 'ceil' : 'floor';
    trace.push({ axis: names[i], formula: `${f}((${n} + 2·${p} − ${d}·(${k} − 1) − 1)/${s}) + 1 = ${o}` });
    return o;
  });
  return { dims, trace };
}

function tooSmallIssue(kind: PoolKind, nsp: number, cf: ChannelsFirst, outDims: Dim[], a: PoolArgs): LayerIssue | null {
  if (!outDims.some((o) => isKnown(o) && o < 1)) return null;
  const names = SPATIAL_NAMES[nsp];
  const explanation = [
    `${kind === 'max' ? 'MaxPool' : 'AvgPool'}${nsp}d leaves no room for a window on the input ${showShape(joinChannelsFirst(cf, cf.c, cf.spatial))}:`,
    ...outDims.map((o, i) => `${names[i]}: ${msgDim(cf.spatial[i])} → ${msgDim(o)}${a.k ? ` (window ${a.k[i]})` : ''}`),
  ];
  if (kind === 'max' && nsp === 1)
    return issue('kernel-exceeds-input', `max_pool1d() Invalid computed output size: ${msgDim(outDims[0])}`, explanation);
  // avg_pool1d runs as avg_pool2d over an inserted height of 1.
  const inDims = kind === 'avg' && nsp === 1 ? [cf.c, 1, ...cf.spatial] : [cf.c, ...cf.spatial];
  const oDims = kind === 'avg' && nsp === 1 ? [cf.c, 1, ...outDims] : [cf.c, ...outDims];
  return issue(
    'kernel-exceeds-input',
    `Given input size: (${inDims.map(msgDim).join('x')}). Calculated output size: (${oDims.map(msgDim).join('x')}). Output size is too small`,
    explanation,
  );
}

function applyPool(kind: PoolKind, nsp: number, args: BoundArgs, inputs: (TensorValue | ArgValue)[]): LayerOutcome {
  const shape = inputShape(args, inputs, 'input');
  if (!shape) return out(null);
  const cf = splitChannelsFirst(shape, nsp);
  if (cf === 'rank') {
    const msg = rankMessage(kind, nsp, shape.dims);
    return failed(issue('rank-mismatch', msg, [`${kind === 'max' ? 'MaxPool' : 'AvgPool'}${nsp}d takes a ${nsp + 1}-D or ${nsp + 2}-D input, got ${shape.dims.length}-D ${showShape(shape)}.`]));
  }
  const a = decode(args, kind, nsp);
  const invalid = argIssue(kind, nsp, a);
  if (invalid) return failed(invalid);
  const pad = padIssue(kind, nsp, a);
  if (pad) return failed(pad);
  if (kind === 'avg' && nsp === 3) {
    const small = avg3dInputIssue(a, cf);
    if (small) return failed(small);
  }
  const { dims, trace } = outSizes(a, cf.spatial, SPATIAL_NAMES[nsp]);
  const small = tooSmallIssue(kind, nsp, cf, dims, a);
  if (small) return failed(small);
  const result = joinChannelsFirst(cf, cf.c, dims);
  const outcome = out(result, { trace, axisNames: channelsFirstNames(cf, nsp) });
  if (asBool(args.get('return_indices')) === true) outcome.output = [tensor(result, 'torch'), tensor(result, 'torch')];
  return outcome;
}

const MAX_MODULE: ParamSpec[] = [
  { name: 'kernel_size' },
  { name: 'stride', default: null },
  { name: 'padding', default: 0 },
  { name: 'dilation', default: 1 },
  { name: 'return_indices', default: false },
  { name: 'ceil_mode', default: false },
];
const AVG_MODULE: ParamSpec[] = [
  { name: 'kernel_size' },
  { name: 'stride', default: null },
  { name: 'padding', default: 0 },
  { name: 'ceil_mode', default: false },
  { name: 'count_include_pad', default: true },
  { name: 'divisor_override', default: null },
];
const MAX_FN: ParamSpec[] = [
  { name: 'input' },
  { name: 'kernel_size' },
  { name: 'stride', default: null },
  { name: 'padding', default: 0 },
  { name: 'dilation', default: 1 },
  { name: 'ceil_mode', default: false },
  { name: 'return_indices', default: false },
];
const AVG_FN: ParamSpec[] = [{ name: 'input' }, ...AVG_MODULE];

function adaptiveRankMessage(kind: PoolKind, nsp: number, dims: Dim[]): string {
  const fn = `adaptive_${kind}_pool${nsp}d`;
  if (nsp === 1) return `Expected 2 to 3 dimensions, but got ${dims.length}-dimensional tensor for argument #1 'self' (while checking arguments for ${fn})`;
  return `${fn}(): Expected ${nsp + 1}D or ${nsp + 2}D tensor, but got${kind === 'max' ? ':' : ''} ${msgSizes(dims)}`;
}

function applyAdaptive(kind: PoolKind, nsp: number, args: BoundArgs, inputs: (TensorValue | ArgValue)[]): LayerOutcome {
  const shape = inputShape(args, inputs, 'input');
  if (!shape) return out(null);
  const cf = splitChannelsFirst(shape, nsp);
  if (cf === 'rank')
    return failed(issue('rank-mismatch', adaptiveRankMessage(kind, nsp, shape.dims), [`Adaptive${kind === 'max' ? 'Max' : 'Avg'}Pool${nsp}d takes a ${nsp + 1}-D or ${nsp + 2}-D input, got ${showShape(shape)}.`]));
  const size = intsOrNone(args.get('output_size'), nsp);
  // A None entry keeps that input dim.
  const dims = cf.spatial.map((n, i) => (size === null ? null : size[i] === null ? n : size[i]));
  const result = joinChannelsFirst(cf, cf.c, dims);
  const outcome = out(result, { axisNames: channelsFirstNames(cf, nsp) });
  if (asBool(args.get('return_indices')) === true) outcome.output = [tensor(result, 'torch'), tensor(result, 'torch')];
  return outcome;
}

function def(names: string[], params: ParamSpec[], kind: 'layer' | 'op', apply: LayerDef['apply']): LayerDef {
  return { framework: 'torch', names, params, kind, apply };
}

export const poolLayers: LayerDef[] = [];
for (const nsp of [1, 2, 3]) {
  const max = (a: BoundArgs, i: (TensorValue | ArgValue)[]) => applyPool('max', nsp, a, i);
  const avg = (a: BoundArgs, i: (TensorValue | ArgValue)[]) => applyPool('avg', nsp, a, i);
  poolLayers.push(def([`torch.nn.MaxPool${nsp}d`], MAX_MODULE, 'layer', max));
  poolLayers.push(def([`torch.nn.AvgPool${nsp}d`], nsp === 1 ? AVG_MODULE.slice(0, 5) : AVG_MODULE, 'layer', avg));
  poolLayers.push(def([`torch.nn.functional.max_pool${nsp}d`, `torch.max_pool${nsp}d`], MAX_FN, 'op', max));
  poolLayers.push(def([`torch.nn.functional.avg_pool${nsp}d`, `torch.avg_pool${nsp}d`], nsp === 1 ? AVG_FN.slice(0, 6) : AVG_FN, 'op', avg));
  for (const kind of ['max', 'avg'] as const) {
    const cls = `torch.nn.Adaptive${kind === 'max' ? 'Max' : 'Avg'}Pool${nsp}d`;
    const apply = (a: BoundArgs, i: (TensorValue | ArgValue)[]) => applyAdaptive(kind, nsp, a, i);
    const extra: ParamSpec[] = kind === 'max' ? [{ name: 'return_indices', default: false }] : [];
    poolLayers.push(def([cls], [{ name: 'output_size' }, ...extra], 'layer', apply));
    poolLayers.push(def([`torch.nn.functional.adaptive_${kind}_pool${nsp}d`], [{ name: 'input' }, { name: 'output_size' }, ...extra], 'op', apply));
  }
}

/** LPPool: avg_pool of x^p without padding (so avg_pool's checks and messages), then a root. */
function applyLpPool(nsp: number, args: BoundArgs, inputs: (TensorValue | ArgValue)[]): LayerOutcome {
  const shape = inputShape(args, inputs, 'input');
  if (!shape || (!shape.open && splitChannelsFirst(shape, nsp) === 'rank')) return out(null);
  const avg: BoundArgs = { get: (n) => (n === 'padding' ? 0 : args.get(n)), explicit: (n) => args.explicit(n), extraKeywords: args.extraKeywords };
  return applyPool('avg', nsp, avg, [tensor(shape, 'torch')]);
}

/** FractionalMaxPool: output_size, or floor(n · output_ratio). */
function applyFractional(nsp: number, args: BoundArgs, inputs: (TensorValue | ArgValue)[]): LayerOutcome {
  const shape = inputShape(args, inputs, 'input');
  if (!shape) return out(null);
  const cf = splitChannelsFirst(shape, nsp);
  if (cf === 'rank') return out(null);
  const size = intsOrNone(args.get('output_size'), nsp);
  const rv = args.get('output_ratio');
  const ratio = typeof rv === 'number' ? new Array(nsp).fill(rv) : Array.isArray(rv) && rv.length === nsp && rv.every((x) => typeof x === 'number') ? (rv as number[]) : null;
  const dims = cf.spatial.map((n, i) => (size && size[i] !== null ? size[i] : ratio && isKnown(n) ? Math.floor(n * ratio[i]) : null));
  const k = asTuple(args.get('kernel_size'), nsp);
  // fractional_max_pool*d: each output plus the window must fit in the input.
  const axes = nsp === 3 ? ['time', 'height', 'width'] : ['height', 'width'];
  for (let i = 0; k && i < nsp; i++) {
    const n = cf.spatial[i], o = dims[i];
    if (isKnown(n) && isKnown(o) && o + k[i] - 1 > n)
      return failed(issue('kernel-exceeds-input', `fractional_max_pool${nsp}d${nsp === 3 ? '_out' : ''}(): pool ${axes[i]} ${k[i]} too large relative to input ${axes[i]} ${n}`, [
        `an output of ${o} windows of ${k[i]} needs ${o + k[i] - 1} input positions; the ${axes[i]} axis has ${n}.`,
      ]));
  }
  const result = joinChannelsFirst(cf, cf.c, dims);
  const outcome = out(result, { axisNames: channelsFirstNames(cf, nsp) });
  if (asBool(args.get('return_indices')) === true) outcome.output = [tensor(result, 'torch'), tensor(result, 'torch')];
  return outcome;
}

/** The `*_with_indices` functions always return (output, indices). */
function withIndices(apply: (a: BoundArgs, i: (TensorValue | ArgValue)[]) => LayerOutcome): LayerDef['apply'] {
  return (args, inputs) => {
    const o = apply(args, inputs);
    return isTensorOutcome(o) ? { ...o, output: [o.output as ArgValue, o.output as ArgValue] } : o;
  };
}

function isTensorOutcome(o: LayerOutcome): boolean {
  return !o.issue && !Array.isArray(o.output);
}

const LP_MODULE: ParamSpec[] = [{ name: 'norm_type' }, { name: 'kernel_size' }, { name: 'stride', default: null }, { name: 'ceil_mode', default: false }];
const FRACTIONAL: ParamSpec[] = [{ name: 'kernel_size' }, { name: 'output_size', default: null }, { name: 'output_ratio', default: null }, { name: 'return_indices', default: false }, { name: '_random_samples', default: null }];

for (const nsp of [1, 2, 3]) {
  const lp = (a: BoundArgs, i: (TensorValue | ArgValue)[]) => applyLpPool(nsp, a, i);
  poolLayers.push(def([`torch.nn.LPPool${nsp}d`], LP_MODULE, 'layer', lp));
  poolLayers.push(def([`torch.nn.functional.lp_pool${nsp}d`], [{ name: 'input' }, ...LP_MODULE], 'op', lp));
  poolLayers.push(def([`torch.nn.functional.max_pool${nsp}d_with_indices`], MAX_FN, 'op', withIndices((a, i) => applyPool('max', nsp, a, i))));
  poolLayers.push(
    def([`torch.nn.functional.adaptive_max_pool${nsp}d_with_indices`], [{ name: 'input' }, { name: 'output_size' }, { name: 'return_indices', default: false }], 'op', withIndices((a, i) => applyAdaptive('max', nsp, a, i))),
  );
  if (nsp === 1) continue;
  const frac = (a: BoundArgs, i: (TensorValue | ArgValue)[]) => applyFractional(nsp, a, i);
  poolLayers.push(def([`torch.nn.FractionalMaxPool${nsp}d`], FRACTIONAL, 'layer', frac));
  poolLayers.push(def([`torch.nn.functional.fractional_max_pool${nsp}d`, `torch.nn.functional.fractional_max_pool${nsp}d_with_indices`], [{ name: 'input' }, ...FRACTIONAL], 'op', frac));
}
