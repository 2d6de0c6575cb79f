/**
 * MXNet operators as functions: `mx.nd.X` / `F.X` imperatively (`mxnet.ndarray.X`, framework
 * 'gluon') and `mx.sym.X` / `F.X` after hybridize (`mxnet.symbol.X`, framework 'mxsym').
 * The same operator gives the same shapes and messages under both prefixes.
 */
import type { Dim, Framework, Shape } from '../../types';
import { dimAt, isKnown, product, ranked } from '../../shapes';
import type { ArgValue, BoundArgs, LayerDef, LayerIssue, LayerOutcome } from '../types';
import { UNKNOWN } from '../types';
import { ACT_TYPES, boolArg, checkMsg, checkOpMsg, defaultLayout, intArg, invalidActIssue, mkIssue, mxShape, parseLayout, shapeArg, shapeInconsistent, tupleArg } from './mxcore';
import { convShape, type ConvSpec, poolShape, type PoolSpec } from './mxops';
import { normAxis } from '../args';
import { expandDims, squeezeDims, swapDims, transposeDims } from '../numpy/dims';
import { fcShape } from './mxops';
import { symbolParams } from './params';
import { inferReshape } from './reshape';
import { concatAxisIssue, SHAPE_OPS } from './shape-ops';
import { closed, issueOut, mx, nodeName, type OpSpec, p, shapeOf, unknown } from './opspec';

export { mx } from './opspec';

export const ND = 'mxnet.ndarray.';
export const SYM = 'mxnet.symbol.';

// ---------------------------------------------------------------------------------------------
// Element-wise and activations

function same(args: BoundArgs): LayerOutcome {
  return { output: mx(shapeOf(args.get('data'))) };
}

function activation(args: BoundArgs): LayerOutcome {
  const act = args.get('act_type');
  if (typeof act === 'string' && !(ACT_TYPES as readonly string[]).includes(act)) {
    return issueOut(invalidActIssue(act, nodeName(args), `Activation(act_type='${act}')`));
  }
  return same(args);
}

// ---------------------------------------------------------------------------------------------
// Layout-changing ops

function flatten(args: BoundArgs): LayerOutcome {
  const d = closed(args.get('data'));
  if (!d || d.length === 0) return unknown();
  return { output: mx(ranked([d[0], product(d.slice(1))])) };
}

/** `ConcatShape`: every input must match the merged shape except along `dim`. */
function concat(args: BoundArgs): LayerOutcome {
  const data = args.get('data');
  const dim = intArg(args.get('dim'));
  if (!Array.isArray(data) || data.length === 0 || dim === null) return unknown();
  const shapes = data.map((v) => closed(v));
  if (shapes.some((s) => !s)) return unknown();
  const all = shapes as Dim[][];
  // `ConcatShape` checks the axis against each operand's rank, in order (src/operator/nn/concat.cc);
  // an operand of unknown rank has returned above, so an unknown never raises.
  const short = all.find((d) => normAxis(dim, d.length) === null);
  if (short) return concatAxisIssue(dim, short);
  const axis = normAxis(dim, all[0].length);
  if (axis === null) return unknown();
  const merged = all[0].map((d, i) => (i === axis ? null : d));
  for (const s of all.slice(1)) {
    if (s.length === merged.length) s.forEach((d, i) => i !== axis && merged[i] === null && (merged[i] = d));
  }
  for (const s of all) {
    const ok = s.length === merged.length && s.every((d, i) => i === axis || !isKnown(d) || !isKnown(merged[i]) || d === merged[i]);
    if (!ok) return issueOut(concatIssue(merged, s, axis));
  }
  const out = [...merged];
  const sizes = all.map((s) => s[axis]);
  out[axis] = sizes.every(isKnown) ? (sizes as number[]).reduce((a, b) => a + b, 0) : null;
  return { output: mx(ranked(out)) };
}

function concatIssue(expected: Dim[], got: Dim[], axis: number): LayerIssue {
  const msg = checkMsg('shape_assign(&(*in_shape)[i], dshape)', `Incompatible input shape: expected ${mxShape(expected)}, got ${mxShape(got)}`);
  return mkIssue('merge-mismatch', msg, [`concat joins along axis ${axis}; every other axis must match (-1 marks the concatenation axis).`]);
}

function reshapeWith(data: ArgValue | undefined, shape: ArgValue | undefined, reverse: ArgValue | undefined): LayerOutcome {
  const d = closed(data);
  const spec = shapeArg(shape);
  if (!d || !spec || spec.some((v) => !isKnown(v))) return unknown();
  const r = inferReshape(spec as number[], d, reverse === true);
  if (!r) return unknown();
  if ('dims' in r) return { output: mx(ranked(r.dims)) };
  const { target, source } = r.sizeMismatch;
  // MXNet separates Target and Source with a newline; a space keeps the message on one line.
  const msg = checkOpMsg('oshape.Size()', '==', 'dshape.Size()', product(target), product(source), `Target shape size is different to source. Target: ${mxShape(target)} Source: ${mxShape(source)}`);
  return issueOut(mkIssue('reshape-mismatch', msg, [`reshape${mxShape(spec)} asks for ${product(target)} elements; the input ${mxShape(source)} has ${product(source)}.`]));
}

function reshape(args: BoundArgs): LayerOutcome {
  return reshapeWith(args.get('data'), args.get('shape'), args.get('reverse'));
}

function transpose(args: BoundArgs): LayerOutcome {
  const d = closed(args.get('data'));
  const out = d && transposeDims(d, args.get('axes'));
  return { output: mx(out ? ranked(out) : null) };
}

function expand(args: BoundArgs): LayerOutcome {
  const d = closed(args.get('data'));
  const axis = intArg(args.get('axis'));
  const out = d && axis !== null ? expandDims(d, axis) : null;
  return { output: mx(out ? ranked(out) : null) };
}

function squeeze(args: BoundArgs): LayerOutcome {
  const d = closed(args.get('data'));
  const out = d && squeezeDims(d, args.get('axis'));
  return { output: mx(out ? ranked(out) : null) };
}

function swapaxes(args: BoundArgs): LayerOutcome {
  const d = closed(args.get('data'));
  const [a, b] = [intArg(args.get('dim1')), intArg(args.get('dim2'))];
  const out = d && a !== null && b !== null ? swapDims(d, a, b) : null;
  return { output: mx(out ? ranked(out) : null) };
}

// ---------------------------------------------------------------------------------------------
// Neural-network operators

function layoutFor(args: BoundArgs, nd: number) {
  const l = args.get('layout');
  return parseLayout(typeof l === 'string' ? l : defaultLayout(nd), nd);
}

function convolution(kind: 'conv' | 'deconv') {
  return (args: BoundArgs): LayerOutcome => {
    const x = shapeOf(args.get('data'));
    const kArg = args.get('kernel');
    const nd = Array.isArray(kArg) ? kArg.length : 0;
    const kernel = tupleArg(kArg, nd);
    const numFilter = intArg(args.get('num_filter'));
    const groups = intArg(args.get('num_group') ?? 1) ?? null;
    const layout = nd ? layoutFor(args, nd) : null;
    const ones = new Array<number>(nd).fill(1);
    const zeros = new Array<number>(nd).fill(0);
    const opt = (name: string, dflt: number[]) => (args.get(name) === undefined || args.get(name) === null ? dflt : tupleArg(args.get(name), nd));
    const [stride, dilate, pad, adj] = [opt('stride', ones), opt('dilate', ones), opt('pad', zeros), kind === 'deconv' ? opt('adj', zeros) : zeros];
    if (!x || !kernel || numFilter === null || groups === null || groups < 1 || !layout || !stride || !dilate || !pad || !adj) return unknown();
    const spec: ConvSpec = { kind, kernel, stride, pad, dilate, adj, numFilter, numGroup: groups, layout, providedC: null, label: kind === 'conv' ? 'Convolution' : 'Deconvolution' };
    spec.providedC = weightC(spec, args.get('weight'));
    const r = convShape(spec, x);
    if (r.issue) return issueOut(r.issue);
    return { output: mx(r.shape), trace: r.trace, notes: r.lines, axisNames: layout.layout.split(''), layout: layout.layout, layoutSource: args.explicit('layout') ? 'layout= argument' : 'MXNet default' };
  };
}

/** In-channels implied by an explicit weight tensor, when its other dims agree with the op. */
function weightC(spec: ConvSpec, w: ArgValue | undefined): number | null {
  const d = closed(w);
  if (!d || d.length !== spec.kernel.length + 2) return null;
  const kIdx = spec.layout.c === 1 ? [2, d.length] : [1, d.length - 1];
  const ks = d.slice(kIdx[0], kIdx[1]);
  if (ks.some((k, i) => k !== spec.kernel[i])) return null;
  const second = spec.layout.c === 1 ? d[1] : d[d.length - 1];
  if (spec.kind === 'conv') return d[0] === spec.numFilter && isKnown(second) ? second * spec.numGroup : null;
  return isKnown(d[0]) ? d[0] : null;
}

function pooling(args: BoundArgs): LayerOutcome {
  const x = shapeOf(args.get('data'));
  const global = boolArg(args.get('global_pool'), false);
  if (!x || x.open || global === null) return unknown();
  const kArg = args.get('kernel');
  const nd = global ? x.dims.length - 2 : Array.isArray(kArg) ? kArg.length : 0;
  if (nd < 1 || nd > 3) return global ? poolRun(args, x, 1, true) : unknown();
  return poolRun(args, x, nd, global);
}

function poolRun(args: BoundArgs, x: Shape, nd: number, global: boolean): LayerOutcome {
  const ones = new Array<number>(nd).fill(1);
  const zeros = new Array<number>(nd).fill(0);
  const kernel = global ? ones : tupleArg(args.get('kernel'), nd);
  const opt = (name: string, dflt: number[]) => (args.get(name) === undefined || args.get(name) === null ? dflt : tupleArg(args.get(name), nd));
  const [stride, pad] = [opt('stride', ones), opt('pad', zeros)];
  const conv = args.get('pooling_convention') ?? 'valid';
  const layout = layoutFor(args, nd);
  if (!kernel || !stride || !pad || !layout || (conv !== 'valid' && conv !== 'full' && conv !== 'same')) return unknown();
  const spec: PoolSpec = { kernel, stride, pad, convention: conv, global, layout, label: 'Pooling' };
  const r = poolShape(spec, x);
  if (r.issue) return issueOut(r.issue);
  return { output: mx(r.shape), trace: r.trace, notes: r.lines };
}

function fullyConnected(args: BoundArgs): LayerOutcome {
  const x = shapeOf(args.get('data'));
  const units = intArg(args.get('num_hidden'));
  const flat = boolArg(args.get('flatten'), true);
  if (!x || units === null || flat === null) return unknown();
  const { inUnits, out } = fcShape(x, units, flat);
  const issue = fcWeightIssue(closed(args.get('weight')), units, inUnits);
  return issue ? issueOut(issue) : { output: mx(out) };
}

/**
 * A weight given by the user (`weight=mx.sym.Variable('w', shape=...)`) must be exactly
 * `(num_hidden, in_units)`: `SHAPE_ASSIGN_CHECK(*in_shape, fullc::kWeight, Shape2(num_hidden, num_input))`
 * in src/operator/nn/fully_connected.cc. An unknown entry of either side matches anything.
 */
function fcWeightIssue(w: Dim[] | null, units: number, inUnits: Dim): LayerIssue | null {
  if (!w) return null;
  const inferred: Dim[] = [units, inUnits];
  const differs = (a: Dim, b: Dim) => isKnown(a) && isKnown(b) && a !== b;
  if (w.length === 2 && !differs(w[0], units) && !differs(w[1], inUnits)) return null;
  if (w.length !== 2 && w.length !== 0) {
    const msg = shapeInconsistent(w, inferred);
    return mkIssue('features-mismatch', msg, [`FullyConnected: the weight must be 2-D, (num_hidden, in_units) = ${mxShape(inferred)}; it has shape ${mxShape(w)}.`]);
  }
  if (w.length !== 2) return null;
  const why = differs(w[0], units)
    ? `the weight has ${w[0]} rows but num_hidden=${units}`
    : `the weight has ${w[1]} input units, the input gives ${inUnits}`;
  return mkIssue('features-mismatch', shapeInconsistent(w, inferred), [`FullyConnected: ${why}; MXNet requires the weight to be (num_hidden, in_units) = ${mxShape(inferred)}.`]);
}

function upsampling(args: BoundArgs): LayerOutcome {
  const data = args.get('data');
  const scale = intArg(args.get('scale'));
  const first = Array.isArray(data) && data.length === 1 ? closed(data[0]) : null;
  if (!first || first.length !== 4 || scale === null) return unknown();
  const [n, c, h, w] = first;
  const mul = (d: Dim) => (isKnown(d) ? d * scale : null);
  return { output: mx(ranked([n, c, mul(h), mul(w)])) };
}

function embedding(args: BoundArgs): LayerOutcome {
  const x = shapeOf(args.get('data'));
  const outDim = intArg(args.get('output_dim'));
  if (!x || outDim === null) return unknown();
  return { output: mx({ dims: [...x.dims, outDim], open: x.open }) };
}

// ---------------------------------------------------------------------------------------------
// Binary ops, reductions, split

/** NumPy-style broadcasting as in `BinaryBroadcastShapeCompact`. */
export function broadcastDims(a: Dim[], b: Dim[]): Dim[] | 'error' {
  const n = Math.max(a.length, b.length);
  const pa = [...new Array<Dim>(n - a.length).fill(1), ...a];
  const pb = [...new Array<Dim>(n - b.length).fill(1), ...b];
  const out: Dim[] = [];
  for (let i = 0; i < n; i++) {
    const [l, r] = [pa[i], pb[i]];
    if (l === r) out.push(l);
    else if (l === 1) out.push(r);
    else if (r === 1) out.push(l);
    else if (!isKnown(l) || !isKnown(r)) out.push(null);
    else return 'error';
  }
  return out;
}

function broadcast(args: BoundArgs): LayerOutcome {
  const [a, b] = [closed(args.get('lhs')), closed(args.get('rhs'))];
  if (!a || !b) return unknown();
  const out = broadcastDims(a, b);
  if (out !== 'error') return { output: mx(ranked(out)) };
  const msg = checkMsg('l == 1 || r == 1', `operands could not be broadcast together with shapes ${mxShape(a)} ${mxShape(b)}`);
  return issueOut(mkIssue('merge-mismatch', msg, ['Broadcasting aligns the shapes from the right; each pair of sizes must be equal or contain a 1.']));
}

function sameShapes(shapes: Dim[][], name: string): LayerOutcome {
  const first = shapes[0];
  for (let i = 1; i < shapes.length; i++) {
    const s = shapes[i];
    const ok = s.length === first.length && s.every((d, j) => !isKnown(d) || !isKnown(first[j]) || d === first[j]);
    if (!ok) {
      const msg = `Incompatible attr in node ${name} at ${i}-th input: expected ${mxShape(first)}, got ${mxShape(s)}`;
      return issueOut(mkIssue('merge-mismatch', msg, ['Element-wise operators need identical shapes (no broadcasting).']));
    }
  }
  return { output: mx(ranked(first.map((d, j) => (isKnown(d) ? d : shapes.map((s) => s[j]).find(isKnown) ?? d)))) };
}

function elemwise(args: BoundArgs): LayerOutcome {
  const [a, b] = [closed(args.get('lhs')), closed(args.get('rhs'))];
  return a && b ? sameShapes([a, b], nodeName(args)) : unknown();
}

function addN(args: BoundArgs): LayerOutcome {
  const data = args.get('args');
  if (!Array.isArray(data) || data.length === 0) return unknown();
  const shapes = data.map((v) => closed(v));
  return shapes.every((s) => s) ? sameShapes(shapes as Dim[][], nodeName(args)) : unknown();
}

/** `mean`/`sum`: a full reduction gives shape (1,) in the legacy NDArray API. */
function reduce(args: BoundArgs): LayerOutcome {
  const d = closed(args.get('data'));
  const keep = boolArg(args.get('keepdims'), false);
  const exclude = boolArg(args.get('exclude'), false);
  const axis = args.get('axis');
  if (!d || keep === null || exclude === null) return unknown();
  let idx: number[];
  if (axis === null || axis === undefined || (Array.isArray(axis) && axis.length === 0)) idx = d.map((_, i) => i);
  else {
    const list = typeof axis === 'number' ? [axis] : shapeArg(axis);
    if (!list || list.some((a) => !isKnown(a))) return unknown();
    const norm = (list as number[]).map((a) => normAxis(a, d.length));
    if (norm.some((a) => a === null)) return unknown();
    idx = norm as number[];
  }
  if (exclude) idx = d.map((_, i) => i).filter((i) => !idx.includes(i));
  const out = keep ? d.map((x, i) => (idx.includes(i) ? 1 : x)) : d.filter((_, i) => !idx.includes(i));
  return { output: mx(ranked(out.length ? out : [1])) };
}

/** More outputs than this are left as one unknown value. */
const MAX_OUTPUTS = 1024;

function split(args: BoundArgs): LayerOutcome {
  const d = closed(args.get('data'));
  const n = intArg(args.get('num_outputs'));
  const axis = intArg(args.get('axis'));
  const sq = boolArg(args.get('squeeze_axis'), false);
  if (n === null || n < 1 || n > MAX_OUTPUTS) return { output: UNKNOWN };
  // The number of outputs is known from num_outputs alone (a symbol is split before it is bound).
  if (!d || axis === null || sq === null) return { output: n === 1 ? mx(null) : Array.from({ length: n }, () => mx(null)) };
  const a = normAxis(axis, d.length);
  const size = a === null ? undefined : dimAt(ranked(d), a);
  if (a === null || size === undefined || (isKnown(size) && size % n !== 0)) return { output: UNKNOWN };
  const part = isKnown(size) ? size / n : null;
  const dims = sq && part === 1 ? d.filter((_, i) => i !== a) : d.map((x, i) => (i === a ? part : x));
  const outs = Array.from({ length: n }, () => mx(ranked(dims)));
  return { output: n === 1 ? outs[0] : outs };
}

function variable(args: BoundArgs): LayerOutcome {
  const s = shapeArg(args.get('shape'));
  // A Variable's shape is unknown until bound, unless declared here.
  return { output: mx(s ? ranked(s) : null) };
}

// ---------------------------------------------------------------------------------------------
// Registry

const OPS: OpSpec[] = [
  { names: ['softmax', 'log_softmax'], params: p('data', ['axis', -1], ['temperature', null]), apply: same },
  { names: ['SoftmaxActivation'], params: p('data', ['mode', 'instance']), apply: same },
  { names: ['Activation'], params: p('data', 'act_type'), apply: activation },
  { names: ['LeakyReLU'], params: p('data', ['gamma', null], ['act_type', 'leaky'], ['slope', 0.25]), apply: same },
  { names: ['Dropout'], params: p('data', ['p', 0.5], ['mode', 'training'], ['axes', []]), apply: same },
  { names: ['BatchNorm', 'BatchNorm_v1'], params: p('data', ['gamma', null], ['beta', null], ['moving_mean', null], ['moving_var', null], ['eps', 0.001], ['momentum', 0.9], ['fix_gamma', true], ['use_global_stats', false], ['output_mean_var', false], ['axis', 1]), apply: same },
  { names: ['flatten', 'Flatten'], params: p('data'), apply: flatten },
  { names: ['concat', 'Concat'], params: p(['*', 'data'], ['dim', 1], ['num_args', null]), apply: concat },
  { names: ['reshape', 'Reshape'], params: p('data', ['shape', null], ['reverse', false]), apply: reshape },
  { names: ['transpose'], params: p('data', ['axes', []]), apply: transpose },
  { names: ['expand_dims'], params: p('data', 'axis'), apply: expand },
  { names: ['squeeze'], params: p('data', ['axis', null]), apply: squeeze },
  { names: ['swapaxes', 'SwapAxis'], params: p('data', ['dim1', 0], ['dim2', 0]), apply: swapaxes },
  { names: ['Pooling', 'Pooling_v1'], params: p('data', ['kernel', null], ['pool_type', 'max'], ['global_pool', false], ['cudnn_off', false], ['pooling_convention', 'valid'], ['stride', null], ['pad', null], ['p_value', null], ['count_include_pad', null], ['layout', null]), apply: pooling },
  { names: ['Convolution', 'Convolution_v1'], params: p('data', ['weight', null], ['bias', null], ['kernel', null], ['stride', null], ['dilate', null], ['pad', null], ['num_filter', null], ['num_group', 1], ['workspace', 1024], ['no_bias', false], ['cudnn_tune', null], ['cudnn_off', false], ['layout', null]), apply: convolution('conv') },
  { names: ['Deconvolution'], params: p('data', ['weight', null], ['bias', null], ['kernel', null], ['stride', null], ['dilate', null], ['pad', null], ['adj', null], ['target_shape', null], ['num_filter', null], ['num_group', 1], ['workspace', 512], ['no_bias', true], ['cudnn_tune', null], ['cudnn_off', false], ['layout', null]), apply: convolution('deconv') },
  { names: ['FullyConnected'], params: p('data', ['weight', null], ['bias', null], ['num_hidden', null], ['no_bias', false], ['flatten', true]), apply: fullyConnected },
  { names: ['UpSampling'], params: p(['*', 'data'], ['scale', null], ['num_filter', 0], ['sample_type', 'nearest'], ['multi_input_mode', 'concat'], ['num_args', 1]), apply: upsampling },
  { names: ['Embedding'], params: p('data', ['weight', null], ['input_dim', null], ['output_dim', null]), apply: embedding },
  {
    names: ['add', 'subtract', 'multiply', 'divide', 'modulo', 'power', 'maximum', 'minimum', 'hypot', 'equal', 'not_equal', 'greater', 'greater_equal', 'lesser', 'lesser_equal', 'logical_and', 'logical_or', 'logical_xor']
      .map((n) => `broadcast_${n}`)
      .concat(['broadcast_plus', 'broadcast_minus', 'broadcast_sub', 'broadcast_mul', 'broadcast_div', 'broadcast_mod']),
    params: p('lhs', 'rhs'),
    apply: broadcast,
  },
  { names: ['elemwise_add', 'elemwise_sub', 'elemwise_mul', 'elemwise_div'], params: p('lhs', 'rhs'), apply: elemwise },
  // The Python-level maximum(lhs, rhs) / minimum of ndarray.py and symbol.py: two arrays go to
  // broadcast_maximum/minimum; a scalar operand (another op) leaves the shape unknown here.
  { names: ['maximum', 'minimum'], params: p('lhs', 'rhs'), apply: broadcast },
  { names: ['add_n', 'ElementWiseSum'], params: p(['*', 'args']), apply: addN },
  { names: ['mean', 'sum', 'max', 'min', 'prod', 'sum_axis', 'max_axis', 'min_axis'], params: p('data', ['axis', null], ['keepdims', false], ['exclude', false]), apply: reduce },
  { names: ['SliceChannel', 'split'], params: p('data', 'num_outputs', ['axis', 1], ['squeeze_axis', false]), apply: split },
  { names: ['nansum', 'nanprod', 'norm'], params: p('data', ['axis', null], ['keepdims', false], ['exclude', false]), apply: reduce },
  ...SHAPE_OPS,
];

function toDefs(prefix: string, framework: Framework): LayerDef[] {
  return OPS.map((o) => ({
    framework,
    names: o.names.map((n) => prefix + n),
    params: o.params,
    kind: 'op' as const,
    apply: (args: BoundArgs) => {
      const out = o.apply(args);
      // Symbol ops own implicit weights; NDArray ops take them as arguments.
      return framework === 'mxsym' && out.params === undefined ? { ...out, params: symbolParams(o.names[0], args) } : out;
    },
  }));
}

const VARIABLE: LayerDef = {
  framework: 'mxsym',
  names: [SYM + 'Variable', SYM + 'var'],
  params: [{ name: 'name' }, { name: 'attr', default: null }, { name: 'shape', default: null }],
  kind: 'op',
  apply: (args: BoundArgs) => variable(args),
};

export const opLayers: LayerDef[] = [...toDefs(ND, 'gluon'), ...toDefs(SYM, 'mxsym'), VARIABLE];

/** Used by the NDArray methods, which share the operators' semantics. */
export const opImpl = { reshapeWith, flatten, same };
