/**
 * Reads PyTorch layers, and the functional ops a forward applies (`F.relu(x)`, `x.view(...)`,
 * `torch.cat(...)`, recorded by the engine for ports), into port ops. Shapes arrive
 * channels-first; `read.ts` has already moved them to the neutral channels-last form.
 */
import type { PlainArg } from '../types';
import { callMentions, intsOf, isNum, neutralAxis, toChannelsLast, rnnOp, samePadding, spatialDropout, type ActivationName, type MergeFn, stub, type LayerView, type ReadResult } from './ir';

/** Activations by the name a module class or a function has (lower-cased), shared with Gluon. */
export const ACTIVATION_NAMES: Record<string, ActivationName> = {
  relu: 'relu', sigmoid: 'sigmoid', tanh: 'tanh', elu: 'elu', selu: 'selu', softplus: 'softplus', softrelu: 'softplus',
  softsign: 'softsign', gelu: 'gelu', silu: 'silu', swish: 'silu', relu6: 'relu6',
};


export function readTorchLayer(v: LayerView): ReadResult {
  if (v.app.type.includes('.')) return readTorchOp(v);
  const t = v.app.type;
  const a = v.args;
  const rank = Number(/([123])d$/.exec(t)?.[1] ?? 0);
  if (/^Conv[123]d$/.test(t)) return conv(v, rank);
  if (/^ConvTranspose[123]d$/.test(t)) return convTranspose(v, rank);
  if (t === 'Upsample') return upsample(v, a);
  if (t === 'LayerNorm') return layerNorm(v);
  if (t === 'GroupNorm') {
    return typeof a.num_groups === 'number' && typeof a.num_channels === 'number' && typeof a.eps === 'number'
      ? [{ kind: 'groupnorm', groups: a.num_groups, channels: a.num_channels, eps: a.eps, affine: a.affine !== false }] : [stub('its sizes are unknown')];
  }
  if (/^InstanceNorm[123]d$/.test(t)) return instanceNorm(v, rank);
  if (t === 'MultiheadAttention') return attention(v);
  if (t === 'PReLU') return prelu(v);
  if (t === 'Linear') {
    return typeof a.in_features === 'number' && typeof a.out_features === 'number' ? [{ kind: 'dense', units: a.out_features, inFeatures: a.in_features, bias: a.bias !== false }] : [stub('its sizes are unknown')];
  }
  if (/^(Max|Avg)Pool[123]d$/.test(t)) return pool(v, rank, t.startsWith('Max') ? 'max' : 'avg', a);
  if (/^Adaptive(Max|Avg)Pool[123]d$/.test(t)) return adaptivePool(v, rank, t.includes('Max') ? 'max' : 'avg');
  if (t === 'Flatten') return a.start_dim === 1 && a.end_dim === -1 ? flatten(v) : [stub('a Flatten over other axes than 1..-1')];
  if (t === 'Dropout') return typeof a.p === 'number' ? [{ kind: 'dropout', rate: a.p }] : [stub('its rate is unknown')];
  if (/^Dropout[123]d$/.test(t)) return spatialDropout(v, a.p, rank);
  if (/^BatchNorm[123]d$/.test(t)) return batchNorm(a);
  if (t === 'Embedding') {
    return typeof a.num_embeddings === 'number' && typeof a.embedding_dim === 'number' ? [{ kind: 'embedding', inputDim: a.num_embeddings, outputDim: a.embedding_dim }] : [stub('its sizes are unknown')];
  }
  if (t === 'LSTM' || t === 'GRU' || t === 'RNN') return recurrent(v, t === 'LSTM' ? 'lstm' : t === 'GRU' ? 'gru' : 'rnn');
  if (t === 'Softmax') return softmax(v, a.dim);
  if (t === 'LeakyReLU') return typeof a.negative_slope === 'number' ? [{ kind: 'act', fn: 'leaky_relu', alpha: a.negative_slope }] : [stub('its slope is unknown')];
  if (t === 'ELU' && a.alpha !== 1) return [stub('ELU with alpha != 1')];
  if (t === 'GELU' && a.approximate === 'tanh') return [stub("GELU(approximate='tanh')")];
  if (t === 'Identity') return [];
  const act = ACTIVATION_NAMES[t.toLowerCase()];
  if (act) return [{ kind: 'act', fn: act }];
  return [stub(`${t} is not in the port catalogue`)];
}

function conv(v: LayerView, rank: number): ReadResult {
  const a = v.args;
  const kernel = intsOf(a.kernel_size, rank);
  const strides = intsOf(a.stride, rank);
  const dilation = intsOf(a.dilation, rank);
  const input = v.inputs[0];
  if (typeof a.out_channels !== 'number' || typeof a.in_channels !== 'number' || !kernel || !strides || !dilation || !input) return [stub('its arguments are unknown')];
  if (a.padding_mode !== 'zeros') return [stub(`padding_mode=${JSON.stringify(a.padding_mode)}`)];
  const pads = explicitPads(a.padding, rank, input.slice(1, -1), kernel, dilation);
  if (!pads) return [stub('its padding is unknown')];
  return [{
    kind: 'conv', rank, filters: a.out_channels, inChannels: a.in_channels, kernel, strides, dilation,
    padBefore: pads[0], padAfter: pads[1], bias: a.bias !== false, groups: typeof a.groups === 'number' ? a.groups : 1,
  }];
}

/** PyTorch's padding: ints (symmetric), 'valid', or 'same' (stride 1; the odd extra pixel after, like TensorFlow). */
function explicitPads(p: PlainArg | undefined, rank: number, spatial: (number | string | null)[], kernel: number[], dilation: number[]): [number[], number[]] | null {
  if (p === 'valid') return [kernel.map(() => 0), kernel.map(() => 0)];
  if (p === 'same') {
    const pairs = kernel.map((k, i) => (isNum(spatial[i]) ? samePadding(spatial[i] as number, k, 1, dilation[i]) : null));
    return pairs.every((q) => q) ? [pairs.map((q) => q![0]), pairs.map((q) => q![1])] : null;
  }
  const sym = intsOf(p, rank);
  return sym ? [sym, sym] : null;
}

function pool(v: LayerView, rank: number, mode: 'max' | 'avg', a: Record<string, PlainArg>): ReadResult {
  const kernel = intsOf(a.kernel_size, rank);
  const strides = a.stride === null || a.stride === undefined ? kernel : intsOf(a.stride, rank);
  const pad = intsOf(a.padding ?? 0, rank);
  if (!kernel || !strides || !pad) return [stub('its window is unknown')];
  if (a.ceil_mode === true || (a.dilation !== undefined && a.dilation !== 1)) return [stub('ceil_mode or dilation in pooling has no translation yet')];
  return [{ kind: 'pool', rank, mode, kernel, strides, padBefore: pad, padAfter: pad, ...(mode === 'avg' && a.count_include_pad === false ? { excludePad: true } : {}) }];
}

function flatten(v: LayerView): ReadResult {
  return [{ kind: 'flatten', order: v.layout }];
}

function batchNorm(a: Record<string, PlainArg>): ReadResult {
  if (typeof a.num_features !== 'number' || typeof a.momentum !== 'number' || typeof a.eps !== 'number') return [stub('BatchNorm with momentum=None or unknown sizes')];
  if (a.track_running_stats === false) return [stub('track_running_stats=False')];
  return [{ kind: 'bn', channels: a.num_features, eps: a.eps, momentum: Math.round((1 - a.momentum) * 1e9) / 1e9, affine: a.affine !== false }];
}

/**
 * Instance normalisation is group normalisation with one channel per group (statistics per
 * sample and channel over the spatial axes); Keras 3 has no InstanceNormalization layer but
 * GroupNormalization(groups=channels). Running statistics (used in eval) have no translation.
 */
function instanceNorm(v: LayerView, rank: number): ReadResult {
  const a = v.args;
  if (typeof a.num_features !== 'number' || typeof a.eps !== 'number' || v.inputs[0]?.length !== rank + 2) return [stub('its sizes are unknown, or the input has no batch axis')];
  if (a.track_running_stats === true) return [stub('track_running_stats=True: in eval mode it normalises with running statistics, which group normalisation has not')];
  return [{ kind: 'groupnorm', groups: a.num_features, channels: a.num_features, eps: a.eps, affine: a.affine === true }];
}

/**
 * Why proj_size stays a stub: Keras' LSTM has no projection (its port would be a custom cell), and
 * Gluon's rnn.LSTM(projection_size=) runs only on GPU: MXNet's CPU operator raises "hidden layer
 * projection is only supported for GPU with CuDNN later than 7.1.1".
 */
const PROJ_SIZE = "proj_size (an LSTM with a projected state, h = W_hr (o * tanh(c))): Keras' LSTM has no projection, and Gluon's rnn.LSTM(projection_size=) runs only on GPU (MXNet's CPU operator raises 'hidden layer projection is only supported for GPU with CuDNN later than 7.1.1')";

/**
 * The one axis a flip reverses: MXNet's `axis`, PyTorch's `x.flip(1)` / `torch.flip(x, [1])`
 * (recorded as the rest of the call's arguments), or `dims=[1]` read from the call's text.
 */
export function flipAxis(args: Record<string, PlainArg>, callText: string): PlainArg | undefined {
  const dims = /\bdims\s*=\s*[[(]?\s*(-?\d+)\s*,?\s*[\])]?\s*\)\s*$/.exec(callText);
  const given = args.axis ?? args.dims ?? (Array.isArray(args.rest) && args.rest.length ? args.rest : dims ? Number(dims[1]) : undefined);
  const one = Array.isArray(given) && given.length === 1 ? given[0] : given;
  return Array.isArray(one) && one.length === 1 ? one[0] : one;
}

/** A flip of the time axis of a (batch, time, features) tensor (axis 0 of a time-major model's (time, batch, features)). */
export function timeFlip(v: LayerView): ReadResult {
  const axis = flipAxis(v.args, v.callText);
  const rank = v.inputs[0]?.length ?? 0;
  const time = v.timeMajor ? 0 : 1;
  return rank === 3 && (axis === time || axis === time - rank) ? [{ kind: 'reverse' }] : [stub('a flip of another axis than the time axis of a sequence')];
}

function recurrent(v: LayerView, cell: 'lstm' | 'gru' | 'rnn'): ReadResult {
  const a = v.args;
  if (typeof a.input_size !== 'number' || typeof a.hidden_size !== 'number' || typeof a.num_layers !== 'number' || typeof a.dropout !== 'number') return [stub('its sizes are unknown')];
  if (v.inputs[0]?.length !== 3) return [stub('an unbatched (time, features) input: the port reads batches')];
  // read.ts made the whole graph time-major when any recurrent layer is; one batch-first layer among them reads other axes.
  if ((a.batch_first === true) === (v.timeMajor === true)) return [stub('a model mixing batch_first=True and batch_first=False recurrent layers is not ported')];
  if (cell === 'rnn' && a.nonlinearity !== 'tanh') return [stub("nonlinearity='relu' has no Keras SimpleRNN default; set activation='relu' by hand")];
  if (a.proj_size) return [stub(PROJ_SIZE)];
  return [rnnOp(cell, a.hidden_size, a.input_size, { bias: a.bias !== false, layers: a.num_layers, bidirectional: a.bidirectional === true, dropout: a.num_layers > 1 ? a.dropout : 0 })];
}

/** A softmax over `dim` of a PyTorch tensor: the channel axis (1) or the last. */
export function softmax(v: LayerView, dim: PlainArg | undefined): ReadResult {
  const rank = v.inputs[0]?.length ?? 0;
  if (typeof dim !== 'number') return [stub('softmax over an unknown axis')];
  const d = dim < 0 ? rank + dim : dim;
  if (rank === 2 ? d === 1 : d === 1 && v.layout === 'cf') return [{ kind: 'act', fn: 'softmax' }];
  if (rank >= 3 && d === rank - 1 && v.layout === 'cl') return [{ kind: 'act', fn: 'softmax' }];
  return [stub('softmax over an axis other than the channels')];
}

/** A functional activation, or a (log_)softmax over `axis` (PyTorch's and MXNet's alike); null for any other op. */
export function functionalActivation(v: LayerView, axis: PlainArg | undefined): ReadResult | null {
  const name = v.app.name;
  const act = ACTIVATION_NAMES[name];
  if (act) return [{ kind: 'act', fn: act }];
  if (name !== 'softmax' && name !== 'log_softmax') return null;
  const ops = softmax(v, axis);
  return name === 'log_softmax' && ops[0]?.kind === 'act' ? [{ kind: 'act', fn: 'log_softmax' }] : ops;
}

const TORCH_MERGES: Record<string, MergeFn> = { mul: 'mul', multiply: 'mul', maximum: 'max', minimum: 'min' };

/** Functional ops recorded in a forward. */
function readTorchOp(v: LayerView): ReadResult {
  const name = v.app.name;
  const a = v.args;
  const activation = functionalActivation(v, a.dim);
  if (activation) return activation;
  switch (name) {
    case 'leaky_relu':
      return typeof a.negative_slope === 'number' ? [{ kind: 'act', fn: 'leaky_relu', alpha: a.negative_slope }] : [stub('its slope is unknown')];
    case 'max_pool1d': case 'max_pool2d': case 'max_pool3d': case 'avg_pool1d': case 'avg_pool2d': case 'avg_pool3d':
      return pool(v, Number(name.slice(-2, -1)), name.startsWith('max') ? 'max' : 'avg', a);
    case 'flatten':
      return a.start_dim === 1 && (a.end_dim ?? -1) === -1 ? flatten(v) : [stub('a flatten over other axes than 1..-1')];
    case 'view': case 'reshape':
      return reshapeOp(v);
    case 'cat': case 'concat':
      return catOp(v, a.dim);
    case 'pad':
      return padOp(v, a);
    case 'add':
      return v.inputs.length === 2 && (a.alpha ?? 1) === 1 ? [{ kind: 'add' }] : [stub('add with a scalar or alpha')];
    case 'mul': case 'multiply': case 'maximum': case 'minimum':
      return v.inputs.length === 2 ? [{ kind: 'merge', fn: TORCH_MERGES[name] }] : [stub(`${name} with a scalar`)];
    case 'sub': case 'subtract':
      return v.inputs.length === 2 && (a.alpha ?? 1) === 1 ? [{ kind: 'merge', fn: 'sub' }] : [stub('sub with a scalar or alpha')];
    case 'dropout':
      return [stub('F.dropout depends on its training flag; use nn.Dropout')];
    case 'flip':
      return timeFlip(v);
    case 'interpolate': case 'upsample':
      return upsample(v, a);
    case 'getitem':
      return indexOps(v);
    case 'squeeze':
      return squeezeOp(v, a.dim);
    case 'unsqueeze':
      return unsqueezeOp(v, a.dim);
    case 'repeat': case 'expand':
      return repeatOp(v, a.sizes, name === 'expand' ? -1 : 1);
    case 'adaptive_avg_pool1d': case 'adaptive_avg_pool2d': case 'adaptive_avg_pool3d': case 'adaptive_max_pool1d': case 'adaptive_max_pool2d': case 'adaptive_max_pool3d':
      return adaptivePool(v, Number(name.slice(-2, -1)), name.includes('max') ? 'max' : 'avg');
    default:
      return [stub(`${name}() is not in the port catalogue`)];
  }
}

/** `x.view(N, -1)` of a feature map is a flatten; a reshape of a 2-D or channels-last tensor keeps its meaning; others are not ported. */
function reshapeOp(v: LayerView): ReadResult {
  const input = v.inputs[0];
  const out = v.output;
  if (!input || !out) return [stub('a reshape of unknown shape')];
  if (out.length === 2 && input.length >= 2) return [{ kind: 'flatten', order: v.layout }];
  // A 2-D input, or one already channels last in memory, reshapes the same in the neutral graph.
  if ((input.length <= 2 || v.layout === 'cl') && out.slice(1).every(isNum)) return [{ kind: 'reshape', target: out.slice(1) as number[] }];
  return [stub('a reshape of a multi-axis tensor depends on the memory layout')];
}

/** F.pad with zeros on the spatial axes of a feature map: positive widths pad, negative ones crop. */
function padOp(v: LayerView, a: Record<string, PlainArg>): ReadResult {
  const rank = (v.inputs[0]?.length ?? 0) - 2;
  const widths = Array.isArray(a.pad) && a.pad.every((x) => typeof x === 'number' && Number.isInteger(x)) ? (a.pad as number[]) : null;
  if (rank < 1 || v.layout !== 'cf' || !widths || widths.length > 2 * rank || widths.length % 2 || (a.mode ?? 'constant') !== 'constant' || ![null, 0, undefined].includes(a.value as null)) {
    return [stub('F.pad other than zeros on the spatial axes of a feature map')];
  }
  // F.pad lists (before, after) from the last axis backwards.
  const before = new Array(rank).fill(0);
  const after = new Array(rank).fill(0);
  for (let k = 0; k < widths.length / 2; k++) {
    before[rank - 1 - k] = widths[2 * k];
    after[rank - 1 - k] = widths[2 * k + 1];
  }
  const all = [...before, ...after];
  if (all.every((x) => x >= 0)) return [{ kind: 'zeropad', rank, before, after }];
  if (all.every((x) => x <= 0)) return [{ kind: 'crop', rank, before: before.map((x) => -x), after: after.map((x) => -x) }];
  return [stub('F.pad that pads one side and crops another')];
}

function catOp(v: LayerView, dim: PlainArg | undefined): ReadResult {
  const rank = v.output?.length ?? 0;
  if (typeof dim !== 'number' || !rank || v.inputs.length < 2) return [stub('a concatenation of unknown axis')];
  return [{ kind: 'concat', axis: neutralAxis(dim, rank, v.layout) }];
}

/** ConvTranspose: padding crops both ends of the full output, output_padding gives some back at the end. */
function convTranspose(v: LayerView, rank: number): ReadResult {
  const a = v.args;
  const kernel = intsOf(a.kernel_size, rank);
  const strides = intsOf(a.stride, rank);
  const pad = intsOf(a.padding, rank);
  const extra = intsOf(a.output_padding, rank);
  if (typeof a.out_channels !== 'number' || typeof a.in_channels !== 'number' || !kernel || !strides || !pad || !extra) return [stub('its arguments are unknown')];
  const dilation = intsOf(a.dilation, rank);
  if (typeof a.groups !== 'number' || !dilation || a.padding_mode !== 'zeros') return [stub("its groups or dilation are unknown, or padding_mode is not 'zeros'")];
  return [{
    kind: 'convT', rank, filters: a.out_channels, inChannels: a.in_channels, kernel, strides, dilation, groups: a.groups,
    cropBefore: pad, cropAfter: pad.map((p, i) => p - extra[i]), bias: a.bias !== false,
  }];
}

/** nn.Upsample / F.interpolate by a whole factor, read from the shapes; nearest, or bilinear without align_corners. */
export function upsample(v: LayerView, a: Record<string, PlainArg>): ReadResult {
  const scale = wholeScale(v);
  const mode = a.mode === 'nearest-exact' ? 'nearest' : a.mode;
  if (!scale) return [stub('upsampling by a factor that is not a whole number on every axis')];
  if (mode === 'bilinear' && scale.length === 2 && a.antialias !== true) return [{ kind: 'upsample', rank: 2, scale, mode: 'bilinear', ...(a.align_corners === true ? { alignCorners: true } : {}) }];
  if (mode === 'nearest') return [{ kind: 'upsample', rank: scale.length, scale, mode: 'nearest' }];
  return [stub(`mode=${JSON.stringify(a.mode)}${a.align_corners === true ? ' with align_corners=True' : ''} has no translation`)];
}

/** The whole factor each spatial axis grows by (channels-last shapes), or null. */
export function wholeScale(v: LayerView): number[] | null {
  const input = v.inputs[0];
  const out = v.output;
  if (!input || !out || input.length < 3 || out.length !== input.length || input[input.length - 1] !== out[out.length - 1]) return null;
  const scale = input.slice(1, -1).map((d, i) => (isNum(d) && isNum(out[i + 1]) && (out[i + 1] as number) % d === 0 ? (out[i + 1] as number) / d : null));
  return scale.every((s): s is number => s !== null && s >= 1) ? scale : null;
}

function layerNorm(v: LayerView): ReadResult {
  const a = v.args;
  const ns = Array.isArray(a.normalized_shape) && a.normalized_shape.length === 1 ? a.normalized_shape[0] : a.normalized_shape;
  if (typeof ns !== 'number' || typeof a.eps !== 'number') return [stub('LayerNorm over more than the last axis')];
  if (a.elementwise_affine !== false && a.bias === false) return [stub('LayerNorm with a scale but no bias')];
  return [{ kind: 'layernorm', size: ns, eps: a.eps, affine: a.elementwise_affine !== false }];
}

/** nn.MultiheadAttention(batch_first=True) called as attn(query, key, value): the neutral op takes query, value, key. */
function attention(v: LayerView): ReadResult {
  const a = v.args;
  if (typeof a.embed_dim !== 'number' || typeof a.num_heads !== 'number' || a.batch_first !== true) return [stub('only batch_first=True attention is ported (the neutral layout is batch, time, features)')];
  if (a.add_bias_kv === true || a.add_zero_attn === true || (a.kdim !== null && a.kdim !== a.embed_dim) || (a.vdim !== null && a.vdim !== a.embed_dim)) {
    return [stub('add_bias_kv, add_zero_attn and kdim/vdim other than embed_dim have no translation yet')];
  }
  if (v.inputs.length !== 3 || callMentions(v, /mask|causal/)) return [stub('attention masks have no translation yet')];
  return [{ kind: 'mha', heads: a.num_heads, embed: a.embed_dim, bias: a.bias !== false, dropout: typeof a.dropout === 'number' ? a.dropout : 0 }];
}

function prelu(v: LayerView): ReadResult {
  const n = v.args.num_parameters;
  const input = v.inputs[0];
  if (typeof n !== 'number' || !input) return [stub('its size is unknown')];
  // PyTorch's slopes run along dim 1: the channels of a feature map, the features of (N, F).
  const channelAxis = input.length >= 3 ? v.layout === 'cf' : true;
  if (n !== 1 && !channelAxis) return [stub('PReLU slopes along an axis that is not the channels')];
  return [{ kind: 'prelu', channels: n }];
}

/**
 * Adaptive pooling to an output that divides the input: to 1 on every axis it is global pooling
 * that keeps the axes; otherwise a plain pooling with window and stride input / output.
 */
function adaptivePool(v: LayerView, rank: number, mode: 'max' | 'avg'): ReadResult {
  const input = v.inputs[0];
  const out = v.output;
  if (!input || !out || input.length !== rank + 2) return [stub('its input is unknown')];
  const ins = input.slice(1, -1);
  const outs = out.slice(1, -1);
  const ch = out[out.length - 1];
  if (!isNum(ch) || !ins.every(isNum) || !outs.every(isNum)) return [stub('its sizes are unknown')];
  if (outs.every((o) => o === 1)) return [{ kind: 'gpool', rank, mode }, { kind: 'reshape', target: [...outs as number[], ch] }];
  const kernel = ins.map((n, i) => ((n as number) % (outs[i] as number) === 0 ? (n as number) / (outs[i] as number) : 0));
  if (kernel.some((k) => k === 0)) return [stub('adaptive pooling to a size that does not divide the input has uneven windows')];
  const zeros = kernel.map(() => 0);
  return [{ kind: 'pool', rank, mode, kernel, strides: kernel, padBefore: zeros, padAfter: zeros }];
}

/** `x.squeeze(axis)` (PyTorch's dim, MXNet's axis) of an axis of size 1 is the index x[:, ..., 0] on it. */
export function squeezeOp(v: LayerView, axis: PlainArg | undefined): ReadResult {
  const dims = v.app.inputShapes[0]?.dims ?? [];
  const d = typeof axis === 'number' && axis < 0 ? axis + dims.length : axis;
  if (typeof d !== 'number' || dims[d] !== 1) return [stub('a squeeze of other than one axis of size 1')];
  return indexOps({ ...v, args: { index: [...new Array(d).fill([null, null, null]), 0] } });
}

/** `x.unsqueeze(1)` of a (batch, features) tensor: a reshape to (batch, 1, features), the first half of the repeat idiom. */
export function unsqueezeOp(v: LayerView, dim: PlainArg | undefined): ReadResult {
  const input = v.inputs[0];
  const f = input?.[1];
  if (input?.length !== 2 || (dim !== 1 && dim !== -2) || !isNum(f)) return [stub('unsqueeze other than a new axis 1 of a (batch, features) tensor')];
  return [{ kind: 'reshape', target: [1, f] }];
}

/**
 * `x.repeat(1, n, 1)` (or `x.expand(-1, n, -1)`, whose -1 keeps a size) of a (batch, 1, features)
 * tensor: n copies along axis 1, Keras' RepeatVector(n) of the (batch, features) tensor. After
 * `unsqueeze(1)` the two reshapes cancel (read.ts folds them), leaving RepeatVector alone.
 */
function repeatOp(v: LayerView, sizes: PlainArg | undefined, keep: number): ReadResult {
  const input = v.inputs[0];
  const out = v.output;
  const ok = Array.isArray(sizes) && sizes.length === 3 && input?.length === 3 && input[1] === 1 && out?.length === 3 && isNum(out[1]) && isNum(input[2])
    && [0, 2].every((i) => sizes[i] === keep || (keep === -1 && sizes[i] === input[i]));
  if (!ok || !input || !out) return [stub(`${v.app.name} other than n copies along axis 1 of a (batch, 1, features) tensor`)];
  return repeatVector(input[2] as number, out[1] as number);
}

/** n copies along axis 1 of a (batch, 1, features) tensor: its (batch, features) reshape, then RepeatVector(n). */
export function repeatVector(features: number, times: number): ReadResult {
  return [{ kind: 'reshape', target: [features] }, { kind: 'repeat', times }];
}

type Pick = { axis: number; begin: number; end: number; index: boolean };

/** The axes an index `x[...]` of constant ints and slices picks from (source axes, normalised bounds), or why it is not ported. */
function indexPicks(index: PlainArg | undefined, dims: (number | string | null)[]): Pick[] | string {
  if (!Array.isArray(index)) return 'an index of other than constant ints and slices';
  if (index.includes('None')) return 'an index that adds an axis (None)';
  const consumed = index.filter((p) => p !== '...').length;
  const picks: Pick[] = [];
  let axis = 0;
  for (const p of index) {
    if (p === '...') {
      axis += dims.length - consumed;
      continue;
    }
    const size = dims[axis];
    if (!isNum(size)) return 'an index of an axis of unknown size';
    if (typeof p === 'number') {
      const i = p < 0 ? p + size : p;
      if (i < 0 || i >= size) return 'an index out of range';
      picks.push({ axis, begin: i, end: i + 1, index: true });
    } else if (Array.isArray(p) && p.length === 3) {
      const [lo, hi, step] = p;
      if (step !== null && step !== 1) return 'a slice with a step';
      const clamp = (x: PlainArg, dflt: number) => (typeof x !== 'number' ? dflt : x < 0 ? Math.max(0, x + size) : Math.min(x, size));
      const [begin, end] = [clamp(lo, 0), clamp(hi, size)];
      if (end <= begin) return 'an empty slice';
      if (begin > 0 || end < size) picks.push({ axis, begin, end, index: false });
    } else return 'an index of other than constant ints and slices';
    axis++;
  }
  return picks;
}

/**
 * `x[...]` in a forward (recorded as getitem): on a channels-first feature map, slices of the
 * spatial axes are a crop (Cropping*D, F.pad, F.slice_axis); other slices and int indices are
 * slice ops on the neutral axes, the highest first so dropping an axis leaves the others in place.
 */
export function indexOps(v: LayerView): ReadResult {
  const dims = v.app.inputShapes[0]?.dims;
  if (!dims || v.app.inputShapes[0]?.open) return [stub('an index of a tensor of unknown rank')];
  const picks = indexPicks(v.args.index, dims);
  if (typeof picks === 'string') return [stub(picks)];
  const rank = dims.length;
  if (picks.some((p) => p.axis === 0)) return [stub('an index of the batch axis')];
  const neutral = picks.map((p) => ({ ...p, axis: neutralAxis(p.axis, rank, v.layout) }));
  const featureMap = v.layout === 'cf' && rank >= 3;
  if (featureMap && neutral.some((p) => p.index && p.axis === rank - 1)) return [stub('an index that drops the channel axis of a feature map')];
  if (featureMap && neutral.every((p) => !p.index && p.axis < rank - 1) && neutral.length) {
    const before = Array.from({ length: rank - 2 }, () => 0);
    const after = [...before];
    for (const p of neutral) {
      before[p.axis - 1] = p.begin;
      after[p.axis - 1] = (toChannelsLast(dims)[p.axis] as number) - p.end;
    }
    return [{ kind: 'crop', rank: rank - 2, before, after }];
  }
  return neutral.sort((x, y) => y.axis - x.axis).map((p) => ({ kind: 'slice', axis: p.axis, begin: p.begin, end: p.end, ...(p.index ? { index: true } : {}) }));
}
