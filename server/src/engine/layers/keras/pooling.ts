/**
 * Keras pooling: Max/AveragePooling1D/2D/3D, global pooling and (Keras 3.13+) adaptive pooling.
 * The zero-size check is Keras 3.15's `compute_pooling_output_shape`; 3.0–3.14 let a size of 0
 * through, so that case is explained as version-dependent.
 */
import { sizeTupleIssue } from './arguments';
import type { AxisTrace, Dim, Shape } from '../../types';
import type { ArgValue, BoundArgs, LayerDef, LayerEnv, LayerIssue, LayerOutcome } from '../types';
import { asTuple } from '../types';
import {
  axisNames,
  checkNdim,
  inputTensor,
  issue,
  kerasTensor,
  type LayoutInfo,
  outShape,
  params,
  rankView,
  resolveLayout,
  unknownOutcome,
} from './common';
import { layoutLine } from './conv';
import { npArray, pyTuple } from './format';
import { windowLength } from './spatial';

type Rank = 1 | 2 | 3;

interface PoolHyper {
  pool: number[] | null;
  strides: number[] | null;
  padding: string | null;
}

function readPool(rank: Rank, args: BoundArgs): PoolHyper {
  const pool = asTuple(args.get('pool_size'), rank);
  const s = args.get('strides');
  const pad = args.get('padding');
  return {
    pool,
    strides: s === null || s === undefined ? pool : asTuple(s, rank),
    padding: typeof pad === 'string' ? pad.toLowerCase() : null,
  };
}

/** Layout, rank check and rank view shared by every pooling flavour. */
function prelude(rank: Rank, args: BoundArgs, inputs: unknown[], env: LayerEnv):
  { outcome: LayerOutcome } | { shape: Shape; dims: Dim[]; layout: LayoutInfo } {
  const x = inputTensor(inputs as ArgValue[]);
  const layout = resolveLayout(args, env);
  if (!x || !x.shape || !layout) return { outcome: unknownOutcome() };
  const rankIssue = checkNdim(x.shape, { ndim: rank + 2 }, env);
  if (rankIssue) return { outcome: { output: kerasTensor(null), issue: rankIssue } };
  const dims = rankView(x.shape, rank + 2);
  if (!dims) return { outcome: unknownOutcome() };
  return { shape: x.shape, dims, layout };
}

function applyPool(rank: Rank, args: BoundArgs, inputs: unknown[], env: LayerEnv, className = 'Pooling'): LayerOutcome {
  const pre = prelude(rank, args, inputs, env);
  if ('outcome' in pre) return pre.outcome;
  const { shape, dims, layout } = pre;
  const h = readPool(rank, args);
  // strides=0 passes the constructor (zero allowed) and divides by zero in every call, known dims or not.
  if (h.strides?.includes(0)) {
    return { output: kerasTensor(null), issue: issue('invalid-argument',
      `Exception encountered when calling ${className}.call(). division by zero`,
      [`strides=${pyTuple(h.strides.map(String))}: the output size divides by each stride.`]) };
  }
  const names = axisNames(rank, layout.layout);
  const first = layout.layout === 'channels_last' ? 1 : 2;
  const outs: Dim[] = [];
  const trace: AxisTrace[] = [];
  for (let i = 0; i < rank; i++) {
    const k = h.pool?.[i];
    const s = h.strides?.[i];
    if (k === undefined || s === undefined || s <= 0 || (h.padding !== 'valid' && h.padding !== 'same')) {
      outs.push(null);
      continue;
    }
    const res = windowLength(dims[first + i], k, s, h.padding);
    outs.push(res.out);
    trace.push({ axis: names[first + i], formula: res.formula });
  }
  const outDims = [...dims];
  outs.forEach((o, i) => (outDims[first + i] = o));
  const outcome: LayerOutcome = {
    output: kerasTensor(outShape(outDims, shape.open)), axisNames: names, layout: layout.layout,
    layoutSource: layout.source, trace,
  };
  const bad = outs.findIndex((o) => typeof o === 'number' && o <= 0);
  if (bad >= 0 && !shape.open && h.padding === 'valid' && h.pool && h.strides) {
    outcome.output = kerasTensor(null);
    const t = trace.find((tr) => tr.axis === names[first + bad]) as AxisTrace;
    outcome.issue = poolTooSmall(h, shape, layout, names, t, first, outs[bad] as number);
    if (env.kerasBackend === 'mxnet') outcome.issue = mxnetPoolIssue(outcome.issue, h, dims[first + bad], bad, rank);
  }
  return outcome;
}

/** `inputs.shape` as numpy prints it; unknown spatial dims were replaced by -1 in Keras. */
function npInputShape(shape: Shape, first: number, rank: number): string {
  const vals = shape.dims.map((d, i) => {
    if (typeof d === 'number') return d;
    return i >= first && i < first + rank ? -1 : null;
  });
  // The array is an object array (no alignment) as soon as the original shape held a None.
  const hadNone = shape.dims.some((d) => typeof d !== 'number');
  return hadNone ? `[${vals.map((v) => (v === null ? 'None' : String(v))).join(' ')}]` : npArray(vals);
}

function poolTooSmall(
  h: PoolHyper, shape: Shape, layout: LayoutInfo, names: string[], bad: AxisTrace, first: number, out: number,
): LayerIssue {
  const pool = h.pool as number[];
  const strides = h.strides as number[];
  const msg = 'Computed output size would be zero or negative. Received: ' +
    `\`inputs.shape=${npInputShape(shape, first, pool.length)}\`, \`pool_size=${npArray(pool)}\`, ` +
    `\`strides=${pyTuple(strides.map(String))}\`, \`padding=valid\`.`;
  const versions = out === 0
    ? 'Keras 3.0–3.14 accept this and give a size-0 axis (the next window layer then fails); 3.15+ raise here'
    : 'Keras 3.0–3.14 raise "Computed output size would be negative" here';
  return issue('kernel-exceeds-input', msg, [
    layoutLine(layout, shape, names),
    `${bad.axis}: ${bad.formula} ≤ 0 with padding='valid'`,
    versions,
    'tf.keras 2 raises "Negative dimension size caused by subtracting … from …" in the TF graph instead',
  ]);
}

/**
 * keras-mxnet (keras.json `"backend": "mxnet"`) runs pooling through MXNet's Pooling op, which
 * rejects a window larger than the padded input (Keras' valid padding is pad 0) with its own
 * message, checking H before W as Keras does here.
 */
function mxnetPoolIssue(keras: LayerIssue, h: PoolHyper, n: Dim, axis: number, rank: Rank): LayerIssue {
  const k = (h.pool as number[])[axis];
  if (typeof n !== 'number' || n >= k) return keras;
  const core = `kernel size (${k}) exceeds input (${n} padded to ${n})`;
  const message = rank === 3
    ? `Check failed: param.kernel[${axis}] <= dshape_ncdhw[${axis + 2}] + 2 * param.pad[${axis}] (${k} vs. ${n}) : kernel size exceeds input`
    : `Check failed: param.kernel[${axis}] <= dshape[${axis + 2}] + 2 * param.pad[${axis}]: ${core}`;
  return {
    ...keras,
    message,
    explanation: [
      'keras.json selects the mxnet backend (keras-mxnet): MXNet\'s Pooling op raises this.',
      ...keras.explanation,
      `With the TensorFlow backend, Keras 3.15 says: ${keras.message}`,
    ],
  };
}

function poolDef(rank: Rank, names: string[], maxPool: boolean): LayerDef {
  const dflt: ArgValue = rank === 1 ? 2 : new Array(rank).fill(2);
  return {
    framework: 'keras',
    names: names.map((n) => `keras.layers.${n}`),
    // Keras 3 AveragePooling has no pool_size default; Keras 1/2's default lives in versions.ts.
    params: params(maxPool ? ['pool_size', dflt] : 'pool_size', ['strides', null], ['padding', 'valid'],
      ['data_format', null]),
    kind: 'layer',
    // Keras 3 checks pool_size > 0 and strides >= 0 here; strides=0 fails at call (division by zero).
    construct: (args) => sizeTupleIssue('pool_size', args.get('pool_size'), rank) ?? sizeTupleIssue('strides', args.get('strides'), rank, true),
    apply: (args, inputs, env) => applyPool(rank, args, inputs, env, names[0]),
  };
}

function applyGlobal(rank: Rank, args: BoundArgs, inputs: unknown[], env: LayerEnv): LayerOutcome {
  const pre = prelude(rank, args, inputs, env);
  if ('outcome' in pre) return pre.outcome;
  const { shape, dims, layout } = pre;
  const keep = args.get('keepdims');
  if (typeof keep !== 'boolean') return unknownOutcome();
  const cl = layout.layout === 'channels_last';
  const c = cl ? dims[rank + 1] : dims[1];
  const ones: Dim[] = new Array(rank).fill(1);
  const outDims = !keep ? [dims[0], c] : cl ? [dims[0], ...ones, c] : [dims[0], c, ...ones];
  return {
    output: kerasTensor(outShape(outDims, shape.open)), layout: layout.layout, layoutSource: layout.source,
    axisNames: keep ? axisNames(rank, layout.layout) : ['N', 'C'],
  };
}

function globalDef(rank: Rank, names: string[]): LayerDef {
  return {
    framework: 'keras',
    names: names.map((n) => `keras.layers.${n}`),
    params: params(['data_format', null], ['keepdims', false]),
    kind: 'layer',
    apply: (args, inputs, env) => applyGlobal(rank, args, inputs, env),
  };
}

function applyAdaptive(rank: Rank, args: BoundArgs, inputs: unknown[], env: LayerEnv): LayerOutcome {
  const pre = prelude(rank, args, inputs, env);
  if ('outcome' in pre) return pre.outcome;
  const { shape, dims, layout } = pre;
  const size = asTuple(args.get('output_size'), rank);
  if (!size) return unknownOutcome();
  const first = layout.layout === 'channels_last' ? 1 : 2;
  const outDims = [...dims];
  size.forEach((s, i) => (outDims[first + i] = s));
  return {
    output: kerasTensor(outShape(outDims, shape.open)), layout: layout.layout, layoutSource: layout.source,
    axisNames: axisNames(rank, layout.layout),
  };
}

function adaptiveDef(rank: Rank, names: string[]): LayerDef {
  return {
    framework: 'keras',
    names: names.map((n) => `keras.layers.${n}`),
    params: params('output_size', ['data_format', null]),
    kind: 'layer',
    apply: (args, inputs, env) => applyAdaptive(rank, args, inputs, env),
  };
}

const RANKS: Rank[] = [1, 2, 3];

export const poolingLayers: LayerDef[] = RANKS.flatMap((r) => [
  poolDef(r, [`MaxPooling${r}D`, `MaxPool${r}D`], true),
  poolDef(r, [`AveragePooling${r}D`, `AvgPool${r}D`], false),
  globalDef(r, [`GlobalMaxPooling${r}D`, `GlobalMaxPool${r}D`]),
  globalDef(r, [`GlobalAveragePooling${r}D`, `GlobalAvgPool${r}D`]),
  adaptiveDef(r, [`AdaptiveAveragePooling${r}D`]),
  adaptiveDef(r, [`AdaptiveMaxPooling${r}D`]),
]);
