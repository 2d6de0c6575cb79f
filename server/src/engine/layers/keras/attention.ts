/**
 * Keras attention and dot-product layers: Dot and `keras.layers.dot`, Attention,
 * AdditiveAttention and MultiHeadAttention. Shapes, weights and messages follow Keras 3.15
 * (`layers/merging/dot.py`, `layers/attention/*.py`).
 */
import type { Dim, Shape } from '../../types';
import type { ArgValue, BoundArgs, LayerDef, LayerIssue, LayerOutcome, TensorValue } from '../types';
import { isTensor } from '../types';
import { asBool, asPositiveInt, issue, kerasTensor, params, prodKnown, unknownOutcome } from './common';
import { pyList, pyShape } from './format';

/** The ranked shapes of a list of tensors, or null when any is missing, unknown or open. */
function rankedShapes(list: (ArgValue | TensorValue | undefined)[]): Shape[] | null {
  const out: Shape[] = [];
  for (const t of list) {
    if (!isTensor(t) || !t.shape || t.shape.open) return null;
    out.push(t.shape);
  }
  return out;
}

/** Python's `seq[i]` for a possibly negative index, undefined when out of range. */
function pyIndex<T>(seq: T[], i: number): T | undefined {
  return i < 0 ? seq[seq.length + i] : seq[i];
}

/** Dot's `axes` as the pair Keras uses: an int applies to both (negative ones modulo rank). */
function dotAxes(v: ArgValue | undefined, r1: number, r2: number): [number, number] | null {
  if (typeof v === 'number' && Number.isInteger(v)) {
    return v < 0 ? [((v % r1) + r1) % r1, ((v % r2) + r2) % r2] : [v, v];
  }
  if (Array.isArray(v) && v.length === 2 && v.every((a) => typeof a === 'number' && Number.isInteger(a))) {
    return [v[0] as number, v[1] as number];
  }
  return null;
}

function removeAt(dims: Dim[], i: number): Dim[] {
  const j = i < 0 ? dims.length + i : i;
  return dims.filter((_, k) => k !== j);
}

function applyDot(args: BoundArgs, list: ArgValue | TensorValue | undefined): LayerOutcome {
  if (!Array.isArray(list)) return unknownOutcome();
  const shapes = rankedShapes(list);
  if (!shapes) return unknownOutcome();
  if (shapes.length !== 2) {
    const msg = `A \`Dot\` layer should be called on a list of 2 inputs. Received: input_shape=${pyList(shapes.map((s) => pyShape(s.dims)))}`;
    return { output: kerasTensor(null), issue: issue('merge-mismatch', msg, [`Dot takes exactly two tensors, got ${shapes.length}`]) };
  }
  const [a, b] = shapes.map((s) => s.dims);
  const axes = dotAxes(args.get('axes'), a.length, b.length);
  if (!axes) return unknownOutcome();
  const da = pyIndex(a, axes[0]);
  const db = pyIndex(b, axes[1]);
  // An axis out of range fails with an IndexError in Keras: not a shape message to quote.
  if (da === undefined || db === undefined) return unknownOutcome();
  if (typeof da === 'number' && typeof db === 'number' && da !== db) {
    const msg = `Incompatible input shapes: axis values ${da} (at axis ${axes[0]}) != ${db} (at axis ${axes[1]}). ` +
      `Full input shapes: ${pyShape(a)}, ${pyShape(b)}`;
    return { output: kerasTensor(null), issue: issue('merge-mismatch', msg, [
      `Dot sums the products along axis ${axes[0]} of the first input and axis ${axes[1]} of the second: both need the same size`,
      `here ${da} and ${db}`,
    ]) };
  }
  const out = [...removeAt(a, axes[0]), ...removeAt(b, axes[1]).slice(1)];
  if (out.length === 1) out.push(1);
  return { output: kerasTensor({ dims: out, open: false }) };
}

const DOT_PARAMS = params('axes', ['normalize', false]);

/** Attention / AdditiveAttention: output is query[:-1] + value[-1:]. */
function applyAttention(additive: boolean, args: BoundArgs, list: ArgValue | TensorValue | undefined): LayerOutcome {
  const useScale = asBool(args.get('use_scale'), additive);
  const concat = additive ? false : args.get('score_mode') === 'concat';
  const scoreMode = args.get('score_mode');
  let p: number | null = null;
  if (!Array.isArray(list) || list.length < 2 || list.length > 3) return unknownOutcome(null);
  const [q, v] = list;
  if (!isTensor(q) || !isTensor(v) || !q.shape || !v.shape) return unknownOutcome(null);
  const qLast = q.shape.dims.length ? q.shape.dims[q.shape.dims.length - 1] : null;
  if (additive) p = useScale === null ? null : useScale ? (typeof qLast === 'number' ? qLast : null) : 0;
  else if (useScale !== null && (scoreMode === 'dot' || scoreMode === 'concat')) p = (useScale ? 1 : 0) + (concat ? 1 : 0);
  const vLast = v.shape.dims.length ? v.shape.dims[v.shape.dims.length - 1] : null;
  if (q.shape.open && q.shape.dims.length === 0) return { output: kerasTensor({ dims: [vLast], open: true }), params: p };
  return { output: kerasTensor({ dims: [...q.shape.dims.slice(0, -1), vLast], open: q.shape.open }), params: p };
}

/** The EinsumDense projections of MultiHeadAttention: query, key, value and output. */
function mhaParams(args: BoundArgs, q: Dim, k: Dim, v: Dim, outSize: number | null): number | null {
  const heads = asPositiveInt(args.get('num_heads'));
  const keyDim = asPositiveInt(args.get('key_dim'));
  const vd = args.get('value_dim');
  const valueDim = vd === null || vd === undefined ? keyDim : asPositiveInt(vd);
  const bias = asBool(args.get('use_bias'), true);
  const o = outSize ?? (typeof q === 'number' ? q : null);
  if (heads === null || keyDim === null || valueDim === null || bias === null || o === null) return null;
  if (typeof q !== 'number' || typeof k !== 'number' || typeof v !== 'number') return null;
  const b = bias ? 1 : 0;
  const hk = heads * keyDim;
  const hv = heads * valueDim;
  return (q * hk + b * hk) + (k * hk + b * hk) + (v * hv + b * hv) + (hv * o + b * o);
}

function lastDim(s: Shape): Dim {
  return s.dims.length ? s.dims[s.dims.length - 1] : null;
}

/** MultiHeadAttention and GroupQueryAttention: keys pair with values position by position. */
function checkKeyValue(v: Shape, key: Shape | null): LayerOutcome | null {
  if (!key || key.open || v.open) return null;
  const vMid = v.dims.slice(1, -1);
  const kMid = key.dims.slice(1, -1);
  const known = [...vMid, ...kMid].every((d) => typeof d === 'number');
  const differ = vMid.length !== kMid.length || vMid.some((d, i) => d !== kMid[i]);
  if (!known || !differ) return null;
  const msg = 'All dimensions of `value` and `key`, except the last one, must be equal. ' +
    `Received: value_shape=${pyShape(v.dims)} and key_shape=${pyShape(key.dims)}`;
  return { output: kerasTensor(null), params: null, issue: issue('merge-mismatch', msg, [
    'each key position must pair with a value position: only the feature (last) axis may differ',
  ]) };
}

/** GroupQueryAttention's projections: query and output over all heads, key and value over the shared ones. */
function gqaParams(args: BoundArgs, q: Dim, k: Dim, v: Dim): number | null {
  const d = asPositiveInt(args.get('head_dim'));
  const hq = asPositiveInt(args.get('num_query_heads'));
  const hkv = asPositiveInt(args.get('num_key_value_heads'));
  const bias = asBool(args.get('use_bias'), true);
  if (d === null || hq === null || hkv === null || bias === null || args.get('use_gate') !== false) return null;
  if (typeof q !== 'number' || typeof k !== 'number' || typeof v !== 'number') return null;
  const b = bias ? 1 : 0;
  return (q * hq * d + b * hq * d) + (k * hkv * d + b * hkv * d) + (v * hkv * d + b * hkv * d) + (hq * d * q + b * q);
}

function applyGqa(args: BoundArgs, inputs: (ArgValue | TensorValue)[]): LayerOutcome {
  const [q, v, k] = inputs;
  if (!isTensor(q) || !isTensor(v) || !q.shape || !v.shape) return unknownOutcome(null);
  const key = isTensor(k) ? k : v;
  const ql = lastDim(q.shape);
  const vl = lastDim(v.shape);
  if (!q.shape.open && !v.shape.open && typeof ql === 'number' && typeof vl === 'number' && ql !== vl) {
    const msg = `The last dimension of \`query_shape\` and \`value_shape\` must be equal, but are ${ql}, ${vl}. ` +
      `Received: query_shape=${pyShape(q.shape.dims)}, value_shape=${pyShape(v.shape.dims)}`;
    return { output: kerasTensor(null), params: null, issue: issue('merge-mismatch', msg, [
      'GroupQueryAttention adds its output back in the query space: query and value need the same feature size',
    ]) };
  }
  const kvIssue = checkKeyValue(v.shape, key === v ? null : key.shape);
  if (kvIssue) return kvIssue;
  // Weight shapes are verified for (batch, length, features) inputs only.
  const rank3 = !q.shape.open && q.shape.dims.length === 3;
  const p = rank3 && key.shape ? gqaParams(args, ql, lastDim(key.shape), vl) : null;
  return { output: kerasTensor(q.shape), params: p };
}

function checkGqaHeads(args: BoundArgs): LayerIssue | null {
  const hq = asPositiveInt(args.get('num_query_heads'));
  const hkv = asPositiveInt(args.get('num_key_value_heads'));
  if (hq === null || hkv === null || hq % hkv === 0) return null;
  return issue('invalid-argument', '`num_query_heads` must be divisible by `num_key_value_heads`.',
    [`${hq} query heads cannot be shared evenly by ${hkv} key/value heads`]);
}

function applyMha(args: BoundArgs, inputs: (ArgValue | TensorValue)[]): LayerOutcome {
  const [q, v, k] = inputs;
  if (!isTensor(q) || !isTensor(v) || !q.shape || !v.shape) return unknownOutcome(null);
  const key = isTensor(k) ? k : v;
  const outArg = args.get('output_shape');
  const outDims = outArg === null || outArg === undefined ? null : typeof outArg === 'number' ? [outArg] : outArg;
  if (outDims !== null && !(Array.isArray(outDims) && outDims.every((d) => typeof d === 'number'))) return unknownOutcome(null);
  const outTail = outDims as number[] | null;
  const p = mhaParams(args, lastDim(q.shape), key.shape ? lastDim(key.shape) : null, lastDim(v.shape),
    outTail ? prodKnown(outTail) : null);
  const kvIssue = checkKeyValue(v.shape, key === v ? null : key.shape);
  if (kvIssue) return kvIssue;
  if (q.shape.open && q.shape.dims.length === 0) return unknownOutcome(p);
  const tail = outTail ?? [lastDim(q.shape)];
  return { output: kerasTensor({ dims: [...q.shape.dims.slice(0, -1), ...tail], open: q.shape.open }), params: p };
}

export const attentionLayers: LayerDef[] = [
  {
    framework: 'keras', names: ['keras.layers.Dot'], params: DOT_PARAMS, kind: 'layer',
    apply: (args, inputs) => applyDot(args, inputs[0]),
  },
  {
    framework: 'keras', names: ['keras.layers.dot'], params: params('inputs', 'axes', ['normalize', false]), kind: 'op',
    apply: (args, inputs) => applyDot(args, args.get('inputs') ?? inputs[0]),
  },
  {
    framework: 'keras', names: ['keras.layers.Attention'], kind: 'layer',
    params: params(['use_scale', false], ['score_mode', 'dot'], ['dropout', 0], ['seed', null]),
    apply: (args, inputs) => applyAttention(false, args, inputs[0]),
  },
  {
    framework: 'keras', names: ['keras.layers.AdditiveAttention'], kind: 'layer',
    params: params(['use_scale', true], ['dropout', 0]),
    apply: (args, inputs) => applyAttention(true, args, inputs[0]),
  },
  {
    framework: 'keras', names: ['keras.layers.MultiHeadAttention'], kind: 'layer',
    params: params('num_heads', 'key_dim', ['value_dim', null], ['dropout', 0], ['use_bias', true],
      ['output_shape', null], ['attention_axes', null], ['flash_attention', null], ['kernel_initializer', null],
      ['bias_initializer', null], ['kernel_regularizer', null], ['bias_regularizer', null],
      ['activity_regularizer', null], ['kernel_constraint', null], ['bias_constraint', null], ['seed', null]),
    apply: (args, inputs) => applyMha(args, inputs),
  },
  {
    // The class is GroupedQueryAttention (its default name and summary type); Keras exports it as
    // GroupQueryAttention.
    framework: 'keras', names: ['keras.layers.GroupedQueryAttention', 'keras.layers.GroupQueryAttention'], kind: 'layer',
    params: params('head_dim', 'num_query_heads', 'num_key_value_heads', ['dropout', 0], ['use_bias', true],
      ['sliding_window', null], ['flash_attention', null], ['kernel_initializer', null], ['bias_initializer', null],
      ['kernel_regularizer', null], ['bias_regularizer', null], ['activity_regularizer', null],
      ['kernel_constraint', null], ['bias_constraint', null], ['use_gate', false], ['seed', null]),
    construct: (args) => checkGqaHeads(args),
    apply: (args, inputs) => applyGqa(args, inputs),
  },
];
