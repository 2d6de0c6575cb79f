/** Reads Keras layers (Keras 1 to 3, tf.keras) into port ops. */
import type { Dim, PlainArg } from '../types';
import { callMentions, effectiveKernel, intsOf, isNum, neutralAxis, rnnOp, samePadding, type ActivationName, type MergeFn, type PortOp, type RnnOp, spatialDropout, stub, type LayerView, type ReadResult } from './ir';

const ACTIVATIONS: Record<string, ActivationName | 'linear'> = {
  relu: 'relu', sigmoid: 'sigmoid', tanh: 'tanh', softmax: 'softmax', elu: 'elu', selu: 'selu',
  softplus: 'softplus', softsign: 'softsign', gelu: 'gelu', swish: 'silu', silu: 'silu', relu6: 'relu6',
  leaky_relu: 'leaky_relu', linear: 'linear', log_softmax: 'log_softmax',
};

/** The activation op of an `activation=` argument: [] for none or 'linear', a stub for an unknown one. */
export function kerasActivation(v: PlainArg | undefined): PortOp[] {
  if (v === undefined) return [stub('its activation is not a name shapelint can read')];
  if (v === null) return [];
  const fn = typeof v === 'string' ? ACTIVATIONS[v] : undefined;
  if (!fn) return [stub(`activation ${JSON.stringify(v)} has no translation`)];
  return fn === 'linear' ? [] : [{ kind: 'act', fn, ...(fn === 'leaky_relu' ? { alpha: 0.2 } : {}) }];
}

export function readKerasLayer(v: LayerView): ReadResult {
  const t = v.app.type;
  const rankMatch = /([123])D$/.exec(t);
  const rank = rankMatch ? Number(rankMatch[1]) : 0;
  if (/^Conv[123]D$/.test(t)) return conv(v, rank);
  if (/^Conv[123]DTranspose$/.test(t)) return convTranspose(v, Number(/([123])D/.exec(t)![1]));
  if (/^DepthwiseConv[12]D$/.test(t)) return depthwise(v, rank);
  if (/^SeparableConv[12]D$/.test(t)) return separable(v, rank);
  if (/^UpSampling[123]D$/.test(t)) return upsample(v, rank);
  if (/^Cropping[123]D$/.test(t)) return crop(v, rank);
  if (t === 'LayerNormalization') return layerNorm(v);
  if (t === 'MultiHeadAttention') return attention(v);
  if (t === 'PReLU') return prelu(v);
  if (t === 'Dense') return dense(v);
  if (/^(Max|Average)Pooling[123]D$/.test(t)) return pool(v, rank, t.startsWith('Max') ? 'max' : 'avg');
  if (/^Global(Max|Average)Pooling[123]D$/.test(t)) {
    const op: PortOp = { kind: 'gpool', rank, mode: t.includes('Max') ? 'max' : 'avg' };
    const ch = v.output?.[v.output.length - 1];
    if (!v.args.keepdims) return [op];
    // keepdims=True keeps the pooled axes as 1s.
    return isNum(ch) ? [op, { kind: 'reshape', target: [...new Array(rank).fill(1), ch] }] : [stub('its channels are unknown')];
  }
  if (t === 'Flatten') return [{ kind: 'flatten', order: v.layout }];
  if (t === 'Dropout') return typeof v.args.rate === 'number' ? [{ kind: 'dropout', rate: v.args.rate }] : [stub('its rate is unknown')];
  if (t === 'RepeatVector') return typeof v.args.n === 'number' && v.inputs[0]?.length === 2 ? [{ kind: 'repeat', times: v.args.n }] : [stub('its count or input is unknown')];
  if (/^SpatialDropout[123]D$/.test(t)) return spatialDropout(v, v.args.rate, Number(t.slice(-2, -1)));
  if (t === 'BatchNormalization') return batchNorm(v);
  if (t === 'Activation') return kerasActivation(v.args.activation);
  if (t === 'ReLU') return v.args.max_value === null && !v.args.negative_slope && !v.args.threshold ? [{ kind: 'act', fn: 'relu' }] : [stub('ReLU with max_value/negative_slope/threshold has no translation yet')];
  if (t === 'LeakyReLU') return leaky(v);
  if (t === 'ELU') return v.args.alpha === 1 ? [{ kind: 'act', fn: 'elu' }] : [stub('ELU with alpha != 1')];
  if (t === 'Softmax') return v.args.axis === -1 ? [{ kind: 'act', fn: 'softmax' }] : [stub('Softmax on an axis other than the last')];
  if (/^ZeroPadding[123]D$/.test(t)) return zeroPad(v, rank);
  if (t === 'Reshape') return reshape(v);
  if (t === 'Permute') return intList(v.args.dims) ? [{ kind: 'permute', dims: v.args.dims as number[] }] : [stub('its dims are unknown')];
  if (t === 'Embedding') return embedding(v);
  if (RNN_CELLS[t]) return recurrent(v, RNN_CELLS[t], v.args);
  if (t === 'Bidirectional') return bidirectional(v);
  if (t === 'Concatenate') return concat(v);
  if (t === 'Add') return v.inputs.length >= 2 ? [{ kind: 'add' }] : [stub('Add needs two inputs')];
  const merge = KERAS_MERGES[t];
  if (merge) return v.inputs.length >= 2 ? [{ kind: 'merge', fn: merge }] : [stub(`${t} needs two inputs`)];
  if (t === 'GroupNormalization') return groupNorm(v);
  if (t === 'Lambda') return [stub('a Lambda layer runs arbitrary code')];
  return [stub(`${t} is not in the port catalogue`)];
}

const KERAS_MERGES: Record<string, MergeFn> = { Multiply: 'mul', Subtract: 'sub', Average: 'avg', Maximum: 'max', Minimum: 'min' };

function groupNorm(v: LayerView): ReadResult {
  const input = v.inputs[0];
  const ch = input?.[input.length - 1];
  const a = v.args;
  if (!input || !isNum(ch) || (a.axis !== -1 && a.axis !== input.length - 1) || typeof a.groups !== 'number' || a.groups < 1) return [stub('GroupNormalization over another axis than the channels, or groups=-1')];
  if (a.center !== a.scale) return [stub('GroupNormalization with only one of center/scale')];
  return [{ kind: 'groupnorm', groups: a.groups, channels: ch, eps: typeof a.epsilon === 'number' ? a.epsilon : 0.001, affine: a.center !== false }];
}

function intList(v: PlainArg | undefined): boolean {
  return Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isInteger(x));
}

/** Explicit per-axis padding for Keras' 'valid' / 'same' on the layer's known input. */
function padsOf(padding: PlainArg | undefined, spatial: Dim[], kernel: number[], strides: number[], dilation: number[]): [number[], number[]] | string {
  if (padding === 'valid') return [kernel.map(() => 0), kernel.map(() => 0)];
  if (padding !== 'same') return `padding=${JSON.stringify(padding)} has no translation`;
  const before: number[] = [];
  const after: number[] = [];
  for (let i = 0; i < kernel.length; i++) {
    const size = spatial[i];
    if (!isNum(size)) return "'same' padding on an axis of unknown size";
    const [b, a] = samePadding(size, kernel[i], strides[i], dilation[i]);
    before.push(b);
    after.push(a);
  }
  return [before, after];
}

function conv(v: LayerView, rank: number): ReadResult {
  const a = v.args;
  const kernel = intsOf(a.kernel_size, rank);
  const strides = intsOf(a.strides, rank);
  const dilation = intsOf(a.dilation_rate, rank);
  const input = v.inputs[0];
  const inCh = input?.[input.length - 1];
  if (typeof a.filters !== 'number' || !kernel || !strides || !dilation || !isNum(inCh) || !input) return [stub('its arguments or input channels are unknown')];
  const pads = padsOf(a.padding, input.slice(1, -1), kernel, strides, dilation);
  if (typeof pads === 'string') return [stub(pads)];
  const groups = typeof a.groups === 'number' ? a.groups : 1;
  const op: PortOp = {
    kind: 'conv', rank, filters: a.filters, inChannels: inCh, kernel, strides, dilation,
    padBefore: pads[0], padAfter: pads[1], bias: a.use_bias !== false, groups,
  };
  return [op, ...kerasActivation(a.activation)];
}

function dense(v: LayerView): ReadResult {
  const input = v.inputs[0];
  const inF = input?.[input.length - 1];
  if (typeof v.args.units !== 'number' || !isNum(inF)) return [stub('its units or input features are unknown')];
  return [{ kind: 'dense', units: v.args.units, inFeatures: inF, bias: v.args.use_bias !== false }, ...kerasActivation(v.args.activation)];
}

function pool(v: LayerView, rank: number, mode: 'max' | 'avg'): ReadResult {
  const kernel = intsOf(v.args.pool_size, rank);
  const strides = v.args.strides === null ? kernel : intsOf(v.args.strides, rank);
  const input = v.inputs[0];
  if (!kernel || !strides || !input) return [stub('its pool size or strides are unknown')];
  const pads = padsOf(v.args.padding, input.slice(1, -1), kernel, strides, kernel.map(() => 1));
  if (typeof pads === 'string') return [stub(pads)];
  // Keras' 'same' average divides each window by its cells inside the input.
  return [{ kind: 'pool', rank, mode, kernel, strides, padBefore: pads[0], padAfter: pads[1], ...(mode === 'avg' ? { excludePad: true } : {}) }];
}

function batchNorm(v: LayerView): ReadResult {
  const input = v.inputs[0];
  const ch = input?.[input.length - 1];
  const axis = v.args.axis;
  const channelAxis = axis === -1 || (input && axis === input.length - 1) || (v.layout === 'cf' && axis === 1);
  if (!isNum(ch) || !channelAxis) return [stub('BatchNormalization over an axis other than the channels')];
  if (v.args.center !== v.args.scale) return [stub('BatchNormalization with only one of center/scale has no translation')];
  return [{
    kind: 'bn', channels: ch, eps: typeof v.args.epsilon === 'number' ? v.args.epsilon : 0.001,
    momentum: typeof v.args.momentum === 'number' ? v.args.momentum : 0.99, affine: v.args.center !== false,
  }];
}

function leaky(v: LayerView): ReadResult {
  const alpha = v.args.negative_slope ?? v.args.alpha;
  return typeof alpha === 'number' ? [{ kind: 'act', fn: 'leaky_relu', alpha }] : [stub('its slope is unknown')];
}

function zeroPad(v: LayerView, rank: number): ReadResult {
  const pairs = padPairs(v.args.padding, rank);
  if (!pairs) return [stub('its padding is unknown')];
  return [{ kind: 'zeropad', rank, before: pairs.map((q) => q[0]), after: pairs.map((q) => q[1]) }];
}

function crop(v: LayerView, rank: number): ReadResult {
  const pairs = padPairs(v.args.cropping, rank);
  if (!pairs) return [stub('its cropping is unknown')];
  return [{ kind: 'crop', rank, before: pairs.map((q) => q[0]), after: pairs.map((q) => q[1]) }];
}

/** Keras' padding/cropping argument: an int, one int or pair per axis, or for 1-D one pair. */
function padPairs(p: PlainArg | undefined, rank: number): number[][] | null {
  let pairs: number[][] | null = null;
  if (typeof p === 'number') pairs = new Array(rank).fill([p, p]);
  else if (Array.isArray(p) && p.length === rank) {
    pairs = p.map((x) => (typeof x === 'number' ? [x, x] : Array.isArray(x) && x.length === 2 ? (x as number[]) : [NaN, NaN]));
  }
  if (rank === 1 && Array.isArray(p) && p.length === 2 && p.every((x) => typeof x === 'number')) pairs = [p as number[]];
  if (!pairs || pairs.some((q) => q.some((x) => !Number.isInteger(x)))) return null;
  return pairs;
}

function reshape(v: LayerView): ReadResult {
  const out = v.output;
  if (!out || !out.slice(1).every(isNum)) return [stub('its target shape is unknown')];
  return [{ kind: 'reshape', target: out.slice(1) as number[] }];
}

function embedding(v: LayerView): ReadResult {
  const { input_dim: n, output_dim: d } = v.args;
  if (typeof n !== 'number' || typeof d !== 'number') return [stub('its sizes are unknown')];
  return [{ kind: 'embedding', inputDim: n, outputDim: d }];
}

const RNN_CELLS: Record<string, RnnOp['cell']> = { LSTM: 'lstm', GRU: 'gru', SimpleRNN: 'rnn' };

/** A recurrent layer from its arguments `a` (the layer's own, or a Bidirectional's wrapped layer's). */
function recurrent(v: LayerView, cell: RnnOp['cell'], a: Record<string, PlainArg>, more: Partial<RnnOp> = {}): ReadResult {
  const input = v.inputs[0];
  const inF = input?.[input.length - 1];
  if (typeof a.units !== 'number' || !isNum(inF) || input?.length !== 3) return [stub('its units or input features are unknown')];
  // Keras' Bidirectional runs its backward copy with go_backwards flipped and reverses that copy's output again: not the plain flip.
  if (a.go_backwards && more.bidirectional) return [stub('go_backwards=True inside a Bidirectional wrapper has no translation yet')];
  // The call's initial_state (or mask) is no layer input the port sees: dropping it would start from zeros.
  if (callMentions(v, /\b(initial_state|mask|constants)\s*=\s*(?!None\b)/)) return [stub('an initial_state= or mask= in the call has no translation yet')];
  // The states come out as extra outputs; a port can stand in only when nothing reads them.
  if (a.return_state && (v.uses !== 1 || more.bidirectional)) return [stub('return_state=True with the states used: pass them on by hand')];
  if (a.activation !== 'tanh' || (cell !== 'rnn' && a.recurrent_activation !== 'sigmoid')) return [stub('PyTorch and Gluon recurrent layers use tanh and sigmoid only')];
  const resetBefore = cell === 'gru' && a.reset_after === false;
  if (resetBefore && more.bidirectional) return [stub("GRU(reset_after=False) in a Bidirectional wrapper: the port's explicit reset-before cell runs one direction only")];
  const notes: string[] = [];
  if (a.stateful) notes.push("stateful=True: Keras carries each batch's final state into the next call until reset_states(); this port starts every call from zeros; to carry it, pass the state returned by the last call");
  if (a.return_state) notes.push('return_state=True: only the output is used, so the states are dropped');
  if ((typeof a.dropout === 'number' && a.dropout > 0) || (typeof a.recurrent_dropout === 'number' && a.recurrent_dropout > 0)) {
    notes.push('dropout=/recurrent_dropout= mask each step in training only; the target has no such argument, inference is the same');
  }
  if (resetBefore && a.use_bias === false) return [stub('GRU(reset_after=False, use_bias=False) has no translation yet')];
  return [rnnOp(cell, a.units, inF, { returnSequences: a.return_sequences === true, bias: a.use_bias !== false, notes, goBackwards: a.go_backwards === true, resetBefore, ...more })];
}

/** Bidirectional(LSTM(...)): the wrapped layer's arguments arrive as `layer.units` and so on. */
function bidirectional(v: LayerView): ReadResult {
  const inner = typeof v.args.layer === 'string' ? RNN_CELLS[v.args.layer] : undefined;
  if (!inner) return [stub('a Bidirectional wrapper around an unknown layer')];
  if (v.args.backward_layer !== null) return [stub('a separate backward_layer has no translation')];
  const merge = v.args.merge_mode;
  if (merge !== 'concat' && merge !== 'sum' && merge !== 'mul' && merge !== 'ave' && merge !== null) return [stub(`merge_mode=${JSON.stringify(merge)} has no translation`)];
  const a: Record<string, PlainArg> = {};
  for (const [k, x] of Object.entries(v.args)) if (k.startsWith('layer.')) a[k.slice(6)] = x;
  // merge_mode=None returns [forward, backward]; read.ts joins them with the merge that reads both.
  return recurrent(v, inner, a, { bidirectional: true, merge: merge ?? 'none' });
}

function concat(v: LayerView): ReadResult {
  const rank = v.output?.length;
  const axis = v.args.axis;
  if (typeof axis !== 'number' || !rank) return [stub('its axis is unknown')];
  return [{ kind: 'concat', axis: neutralAxis(axis, rank, v.layout) }];
}

/** Conv*DTranspose: the crops of the full output follow from the known input and output sizes. */
function convTranspose(v: LayerView, rank: number): ReadResult {
  const a = v.args;
  const kernel = intsOf(a.kernel_size, rank);
  const strides = intsOf(a.strides, rank);
  const input = v.inputs[0];
  const out = v.output;
  const inCh = input?.[input.length - 1];
  if (typeof a.filters !== 'number' || !kernel || !strides || !isNum(inCh) || !input || !out) return [stub('its arguments or input channels are unknown')];
  const dilation = intsOf(a.dilation_rate, rank);
  if (!dilation) return [stub('its dilation_rate is unknown')];
  const crops = transposeCrops(input.slice(1, -1), out.slice(1, -1), kernel.map((k, i) => effectiveKernel(k, dilation[i])), strides, a.padding === 'same');
  if (!crops) return [stub('its sizes are unknown')];
  return [{ kind: 'convT', rank, filters: a.filters, inChannels: inCh, kernel, strides, dilation, groups: 1, cropBefore: crops[0], cropAfter: crops[1], bias: a.use_bias !== false }, ...kerasActivation(a.activation)];
}

/** What TensorFlow crops from a transposed convolution's full output (kernels: the span a dilated one covers): 'valid' nothing at the start, 'same' half the excess (the odd one after). */
function transposeCrops(inSizes: Dim[], outSizes: Dim[], kernel: number[], strides: number[], same: boolean): [number[], number[]] | null {
  const before: number[] = [];
  const after: number[] = [];
  for (let i = 0; i < kernel.length; i++) {
    const [n, o] = [inSizes[i], outSizes[i]];
    if (!isNum(n) || !isNum(o)) return null;
    const total = (n - 1) * strides[i] + kernel[i] - o;
    const b = same ? Math.floor(Math.max(total, 0) / 2) : 0;
    before.push(b);
    after.push(total - b);
  }
  return [before, after];
}

/** DepthwiseConv: a convolution with one group per input channel and depth_multiplier filters each. */
function depthwise(v: LayerView, rank: number): ReadResult {
  const ops = conv({ ...v, args: { ...v.args, filters: depthFilters(v) } }, rank);
  return ops[0].kind === 'conv' ? [{ ...ops[0], groups: ops[0].inChannels }, ...ops.slice(1)] : ops;
}

function depthFilters(v: LayerView): PlainArg {
  const input = v.inputs[0];
  const inCh = input?.[input.length - 1];
  return isNum(inCh) && typeof v.args.depth_multiplier === 'number' ? inCh * v.args.depth_multiplier : null;
}

/** SeparableConv: a depthwise convolution without bias, then a 1x1 convolution with the layer's bias and activation. */
function separable(v: LayerView, rank: number): ReadResult {
  const dw = depthwise({ ...v, args: { ...v.args, use_bias: false, activation: null } }, rank);
  const first = dw[0];
  if (first.kind !== 'conv' || typeof v.args.filters !== 'number') return [stub('its arguments or input channels are unknown')];
  const ones = first.kernel.map(() => 1);
  const zeros = first.kernel.map(() => 0);
  return [first, {
    kind: 'conv', rank, filters: v.args.filters, inChannels: first.filters, kernel: ones, strides: ones, dilation: ones,
    padBefore: zeros, padAfter: zeros, bias: v.args.use_bias !== false, groups: 1,
  }, ...kerasActivation(v.args.activation)];
}

function upsample(v: LayerView, rank: number): ReadResult {
  const scale = intsOf(v.args.size, rank);
  const mode = rank === 2 ? v.args.interpolation : 'nearest';
  if (!scale) return [stub('its size is unknown')];
  if (mode !== 'nearest' && mode !== 'bilinear') return [stub(`interpolation=${JSON.stringify(mode)} has no translation`)];
  return [{ kind: 'upsample', rank, scale, mode }];
}

function layerNorm(v: LayerView): ReadResult {
  const input = v.inputs[0];
  const size = input?.[input.length - 1];
  const axis = Array.isArray(v.args.axis) && v.args.axis.length === 1 ? v.args.axis[0] : v.args.axis;
  if (!isNum(size) || !input || (axis !== -1 && axis !== input.length - 1)) return [stub('LayerNormalization over other axes than the last')];
  if (v.args.center !== v.args.scale || v.args.rms_scaling === true) return [stub('LayerNormalization with only one of center/scale, or rms_scaling')];
  return [{ kind: 'layernorm', size, eps: typeof v.args.epsilon === 'number' ? v.args.epsilon : 0.001, affine: v.args.center !== false }];
}

/** MultiHeadAttention whose heads split the features evenly (PyTorch's only kind) over (batch, time, features). */
function attention(v: LayerView): ReadResult {
  const a = v.args;
  const q = v.inputs[0];
  const embed = q?.[2];
  if (typeof a.num_heads !== 'number' || typeof a.key_dim !== 'number' || !q || q.length !== 3 || !isNum(embed)) return [stub('its sizes are unknown, or its inputs are not (batch, time, features)')];
  if (a.num_heads * a.key_dim !== embed || (a.value_dim !== null && a.value_dim !== a.key_dim) || a.output_shape !== null || (a.attention_axes !== null && a.attention_axes !== undefined)) {
    return [stub('only attention with num_heads * key_dim = the query features (and the default value_dim, output_shape and attention_axes) has a PyTorch equivalent')];
  }
  if (v.inputs.length < 2 || v.inputs.some((s) => !s || s.length !== 3 || s[2] !== embed) || callMentions(v, /mask|causal|return_attention_scores/)) {
    return [stub('attention masks, attention scores and key/value features other than the query\'s have no translation yet')];
  }
  return [{ kind: 'mha', heads: a.num_heads, embed, bias: a.use_bias !== false, dropout: typeof a.dropout === 'number' ? a.dropout : 0 }];
}

/** PReLU with one slope per channel (or one for all): the slopes shared over every other axis. */
function prelu(v: LayerView): ReadResult {
  const input = v.inputs[0];
  const ch = input?.[input.length - 1];
  if (!input || !isNum(ch)) return [stub('its input is unknown')];
  const shared = v.args.shared_axes === null ? [] : Array.isArray(v.args.shared_axes) ? v.args.shared_axes : [v.args.shared_axes];
  const others = Array.from({ length: input.length - 2 }, (_, i) => i + 1);
  const has = (axes: number[]) => axes.length === shared.length && axes.every((x) => shared.includes(x));
  if (has(others)) return [{ kind: 'prelu', channels: ch }];
  if (has([...others, input.length - 1])) return [{ kind: 'prelu', channels: 1 }];
  return [stub('PReLU with a slope per position (shared_axes other than all but the channels) has no PyTorch or Gluon equivalent')];
}
