/**
 * Reads Gluon blocks (mxnet.gluon.nn / rnn), and the `F.*` ops a `hybrid_forward` applies, into
 * port ops. Shapes arrive channels-first (NCHW, Gluon's default); `read.ts` has already moved
 * them to the neutral channels-last form.
 */
import type { PlainArg } from '../types';
import { intsOf, neutralAxis, rnnOp, spatialDropout, type PortOp, stub, type LayerView, type ReadResult } from './ir';
import { ACTIVATION_NAMES, functionalActivation, indexOps, repeatVector, squeezeOp, timeFlip, unsqueezeOp, upsample } from './read-torch';

export function readGluonLayer(v: LayerView): ReadResult {
  if (v.app.type.includes('.')) return readGluonOp(v);
  const t = v.app.type;
  const a = v.args;
  const rank = Number(/([123])D$/.exec(t)?.[1] ?? 0);
  if (a.layout !== undefined && a.layout !== null && !/^NC/.test(String(a.layout)) && a.layout !== 'NTC' && a.layout !== 'TNC') return [stub(`layout=${JSON.stringify(a.layout)} has no translation yet`)];
  if (/^Conv[123]D$/.test(t)) return conv(v, rank);
  if (/^Conv[123]DTranspose$/.test(t)) return convTranspose(v, Number(/([123])D/.exec(t)![1]));
  if (t === 'LayerNorm') return layerNorm(v);
  if (t === 'PReLU') return prelu(v);
  if (t === 'InstanceNorm' || t === 'GroupNorm') return groupNorm(v, t === 'InstanceNorm');
  if (t === 'Dense') return dense(v);
  if (/^(Max|Avg)Pool[123]D$/.test(t)) return pool(v, rank, t.startsWith('Max') ? 'max' : 'avg');
  if (/^Global(Max|Avg)Pool[123]D$/.test(t)) {
    // Gluon keeps the pooled axes as 1s: (N, C, 1, 1).
    const ch = v.output?.[v.output.length - 1];
    return typeof ch === 'number' ? [{ kind: 'gpool', rank, mode: t.includes('Max') ? 'max' : 'avg' }, { kind: 'reshape', target: [...new Array(rank).fill(1), ch] }] : [stub('its channels are unknown')];
  }
  if (t === 'Flatten') return [{ kind: 'flatten', order: v.layout }];
  if (t === 'Dropout') return typeof a.rate === 'number' && (!Array.isArray(a.axes) || a.axes.length === 0) ? [{ kind: 'dropout', rate: a.rate }] : gluonSpatialDropout(v);
  if (t === 'BatchNorm') return batchNorm(v);
  if (t === 'Activation') return activation(a.activation);
  if (t === 'LeakyReLU') return typeof a.alpha === 'number' ? [{ kind: 'act', fn: 'leaky_relu', alpha: a.alpha }] : [stub('its slope is unknown')];
  if (t === 'ELU') return a.alpha === 1 ? [{ kind: 'act', fn: 'elu' }] : [stub('ELU with alpha != 1')];
  if (t === 'SELU' || t === 'GELU') return [{ kind: 'act', fn: t === 'SELU' ? 'selu' : 'gelu' }];
  if (t === 'Swish') return a.beta === 1 ? [{ kind: 'act', fn: 'silu' }] : [stub('Swish with beta != 1')];
  if (t === 'Embedding') {
    return typeof a.input_dim === 'number' && typeof a.output_dim === 'number' ? [{ kind: 'embedding', inputDim: a.input_dim, outputDim: a.output_dim }] : [stub('its sizes are unknown')];
  }
  if (t === 'LSTM' || t === 'GRU' || t === 'RNN') return recurrent(v, t === 'LSTM' ? 'lstm' : t === 'GRU' ? 'gru' : 'rnn');
  if (t === 'Identity') return [];
  return [stub(`${t} is not in the port catalogue`)];
}

/** Gluon's Dropout with `axes` = the spatial axes of an (N, C, ...) feature map shares its mask over them: whole channels drop. */
function gluonSpatialDropout(v: LayerView): ReadResult {
  const rank = (v.inputs[0]?.length ?? 0) - 2;
  const axes = v.args.axes;
  const spatial = Array.isArray(axes) && rank >= 1 && axes.length === rank && axes.every((x, i) => x === i + 2);
  return spatial && v.layout === 'cf' ? spatialDropout(v, v.args.rate, rank) : [stub('its rate or axes are unknown, or the axes are not the spatial ones of a feature map')];
}

function activation(name: PlainArg | undefined): ReadResult {
  if (name === null) return [];
  const fn = typeof name === 'string' ? ACTIVATION_NAMES[name] : undefined;
  return fn ? [{ kind: 'act', fn }] : [stub(`activation ${JSON.stringify(name)} has no translation`)];
}

function inChannels(v: LayerView): number | null {
  const input = v.inputs[0];
  const c = input?.[input.length - 1];
  return typeof c === 'number' ? c : null;
}

function conv(v: LayerView, rank: number): ReadResult {
  const a = v.args;
  const kernel = intsOf(a.kernel_size, rank);
  const strides = intsOf(a.strides, rank);
  const pad = intsOf(a.padding, rank);
  const dilation = intsOf(a.dilation, rank);
  const inCh = inChannels(v);
  if (typeof a.channels !== 'number' || !kernel || !strides || !pad || !dilation || inCh === null) return [stub('its arguments or input channels are unknown')];
  const op: PortOp = {
    kind: 'conv', rank, filters: a.channels, inChannels: inCh, kernel, strides, dilation, padBefore: pad, padAfter: pad,
    bias: a.use_bias !== false, groups: typeof a.groups === 'number' ? a.groups : 1,
  };
  return [op, ...activation(a.activation)];
}

function dense(v: LayerView): ReadResult {
  const a = v.args;
  const input = v.inputs[0];
  if (typeof a.units !== 'number' || !input) return [stub('its units are unknown')];
  // Gluon's Dense flattens every axis after the batch unless flatten=False.
  const flattens = a.flatten !== false && input.length > 2;
  const last = flattens ? input.slice(1).reduce<number | null>((p, d) => (p !== null && typeof d === 'number' ? p * d : null), 1) : input[input.length - 1];
  if (typeof last !== 'number') return [stub('its input features are unknown')];
  const ops: PortOp[] = flattens ? [{ kind: 'flatten', order: v.layout }] : [];
  return [...ops, { kind: 'dense', units: a.units, inFeatures: last, bias: a.use_bias !== false }, ...activation(a.activation)];
}

function pool(v: LayerView, rank: number, mode: 'max' | 'avg'): ReadResult {
  const a = v.args;
  const kernel = intsOf(a.pool_size, rank);
  const strides = a.strides === null ? kernel : intsOf(a.strides, rank);
  const pad = intsOf(a.padding, rank);
  if (!kernel || !strides || !pad) return [stub('its window is unknown')];
  if (a.ceil_mode === true) return [stub('ceil_mode=True pooling has no translation yet')];
  return [{ kind: 'pool', rank, mode, kernel, strides, padBefore: pad, padAfter: pad, ...(mode === 'avg' && a.count_include_pad === false ? { excludePad: true } : {}) }];
}

function batchNorm(v: LayerView): ReadResult {
  const a = v.args;
  const ch = inChannels(v);
  if (a.axis !== 1 || ch === null || typeof a.momentum !== 'number' || typeof a.epsilon !== 'number') return [stub('BatchNorm over another axis than the channels, or unknown sizes')];
  if (a.center !== a.scale) return [stub('BatchNorm with only one of center/scale')];
  return [{ kind: 'bn', channels: ch, eps: a.epsilon, momentum: a.momentum, affine: a.center !== false }];
}

function recurrent(v: LayerView, cell: 'lstm' | 'gru' | 'rnn'): ReadResult {
  const a = v.args;
  const input = v.inputs[0];
  const inF = input?.[input.length - 1];
  if (typeof a.hidden_size !== 'number' || typeof inF !== 'number' || typeof a.num_layers !== 'number' || typeof a.dropout !== 'number') return [stub('its sizes are unknown')];
  if (a.projection_size !== null && a.projection_size !== undefined) return [stub("projection_size: Keras' LSTM has no projection, and PyTorch's proj_size is not read back from Gluon yet")];
  // read.ts made the whole graph time-major when any recurrent layer is 'TNC'.
  if ((a.layout === 'TNC') !== (v.timeMajor === true)) return [stub("a model mixing layout='TNC' and 'NTC' recurrent layers is not ported")];
  if (cell === 'rnn' && a.activation !== 'tanh') return [stub("Gluon's RNN defaults to activation='relu'; only tanh ports to the other frameworks' defaults")];
  return [rnnOp(cell, a.hidden_size, inF, { layers: a.num_layers, bidirectional: a.bidirectional === true, dropout: a.num_layers > 1 ? a.dropout : 0 })];
}

/** MXNet's concat (`dim`, 1 by default), on the neutral channels-last axes. */
export function mxConcat(v: LayerView): ReadResult {
  const rank = v.output?.length ?? 0;
  const dim = typeof v.args.dim === 'number' ? v.args.dim : 1;
  return rank && v.inputs.length >= 2 ? [{ kind: 'concat', axis: neutralAxis(dim, rank, v.layout) }] : [stub('a concatenation of unknown axis')];
}

/** `F.*` ops of a hybrid_forward (and `nd.*` ones of a forward). */
function readGluonOp(v: LayerView): ReadResult {
  const name = v.app.name;
  const a = v.args;
  const fn = functionalActivation(v, a.axis);
  if (fn) return fn;
  switch (name) {
    case 'Activation':
      return activation(a.act_type);
    case 'flatten': case 'Flatten':
      return [{ kind: 'flatten', order: v.layout }];
    case 'concat': case 'Concat':
      return mxConcat(v);
    case 'add': case 'elemwise_add': case 'broadcast_add': case 'broadcast_plus':
      return v.inputs.length === 2 ? [{ kind: 'add' }] : [stub('an addition of a scalar')];
    case 'mul': case 'elemwise_mul': case 'broadcast_mul':
      return v.inputs.length === 2 ? [{ kind: 'merge', fn: 'mul' }] : [stub('a product with a scalar')];
    case 'maximum': case 'minimum': case 'broadcast_maximum': case 'broadcast_minimum':
      return v.inputs.length === 2 ? [{ kind: 'merge', fn: name.endsWith('maximum') ? 'max' : 'min' }] : [stub(`${name} with a scalar`)];
    case 'sub': case 'elemwise_sub': case 'broadcast_sub': case 'broadcast_minus':
      return v.inputs.length === 2 ? [{ kind: 'merge', fn: 'sub' }] : [stub('a subtraction of a scalar')];
    case 'UpSampling':
      if (a.sample_type === 'bilinear') return [stub("F.UpSampling(sample_type='bilinear') is a transposed convolution with a learned (bilinear-initialised) kernel, not a resize: its borders differ; F.contrib.BilinearResize2D ports")];
      return v.inputs.length === 1 ? upsample(v, { mode: 'nearest' }) : [stub('multi-input UpSampling has no translation yet')];
    case 'BilinearResize2D':
      // MXNet 1.6+'s align_corners (default True); False samples at half-pixel centres like TensorFlow (src/operator/contrib/bilinear_resize-inl.h).
      return (a.mode ?? 'size') === 'size' && v.inputs.length === 1 ? upsample(v, { mode: 'bilinear', align_corners: a.align_corners !== false }) : [stub(`BilinearResize2D mode=${JSON.stringify(a.mode)} has no translation`)];
    case 'reverse': case 'flip':
      return timeFlip(v);
    case 'repeat':
      return gluonRepeat(v);
    case 'expand_dims':
      return unsqueezeOp(v, a.axis);
    case 'getitem':
      return indexOps(v);
    case 'slice_axis':
      return sliceAxis(v);
    case 'squeeze':
      return squeezeOp(v, a.axis);
    default:
      return [stub(`F.${name}() is not in the port catalogue`)];
  }
}

/**
 * F.repeat along one spatial axis of a feature map is nearest upsampling of that axis; along
 * axis 1 of a (batch, 1, features) tensor (after F.expand_dims(x, axis=1)) it is RepeatVector.
 */
function gluonRepeat(v: LayerView): ReadResult {
  const { axis, repeats } = v.args;
  const input = v.inputs[0];
  if (typeof axis === 'number' && axis >= 2 && v.layout === 'cf' && (input?.length ?? 0) >= 3) return upsample(v, { mode: 'nearest' });
  if (axis === 1 && typeof repeats === 'number' && input?.length === 3 && input[1] === 1 && typeof input[2] === 'number' && v.layout === 'cl') return repeatVector(input[2], repeats);
  return [stub('F.repeat along another axis than a spatial one, or than axis 1 of a (batch, 1, features) tensor')];
}

/** F.slice_axis(x, axis, begin, end): the index x[:, ..., begin:end] on that axis. */
function sliceAxis(v: LayerView): ReadResult {
  const { axis, begin, end } = v.args;
  const rank = v.app.inputShapes[0]?.dims.length ?? 0;
  if (typeof axis !== 'number' || typeof begin !== 'number' || (end !== null && typeof end !== 'number') || !rank) return [stub('F.slice_axis with unknown bounds')];
  const d = axis < 0 ? axis + rank : axis;
  const index = [...new Array(d).fill([null, null, null]), [begin, end, null]];
  return indexOps({ ...v, args: { index } });
}

function convTranspose(v: LayerView, rank: number): ReadResult {
  const a = v.args;
  const kernel = intsOf(a.kernel_size, rank);
  const strides = intsOf(a.strides, rank);
  const pad = intsOf(a.padding, rank);
  const extra = intsOf(a.output_padding, rank);
  const inCh = inChannels(v);
  if (typeof a.channels !== 'number' || !kernel || !strides || !pad || !extra || inCh === null) return [stub('its arguments or input channels are unknown')];
  const dilation = intsOf(a.dilation, rank);
  if (typeof a.groups !== 'number' || !dilation) return [stub('its groups or dilation are unknown')];
  const op: PortOp = {
    kind: 'convT', rank, filters: a.channels, inChannels: inCh, kernel, strides, dilation, groups: a.groups,
    cropBefore: pad, cropAfter: pad.map((p, i) => p - extra[i]), bias: a.use_bias !== false,
  };
  return [op, ...activation(a.activation)];
}

function layerNorm(v: LayerView): ReadResult {
  const a = v.args;
  const input = v.inputs[0];
  const size = input?.[input.length - 1];
  if (!input || typeof size !== 'number' || (a.axis !== -1 && a.axis !== input.length - 1) || typeof a.epsilon !== 'number') return [stub('LayerNorm over another axis than the last')];
  if (a.center !== a.scale) return [stub('LayerNorm with only one of center/scale')];
  return [{ kind: 'layernorm', size, eps: a.epsilon, affine: a.center !== false }];
}

/**
 * InstanceNorm (statistics per sample and channel) is group normalisation with one channel per
 * group; GroupNorm (MXNet 1.6+) groups consecutive channels like PyTorch and Keras, but in MXNet
 * 1.x its gamma and beta are one per group (load_weights repeats them over the group's channels).
 * Gluon always applies gamma and beta; without center and scale they stay 1 and 0 (their
 * initialisers' values), which is an op without affine only when the initialisers are the defaults.
 */
function groupNorm(v: LayerView, instance: boolean): ReadResult {
  const a = v.args;
  const input = v.inputs[0];
  const ch = input?.[input.length - 1];
  const groups = instance ? ch : a.num_groups;
  if (!input || input.length < 3 || typeof ch !== 'number' || typeof groups !== 'number' || typeof a.epsilon !== 'number') return [stub('its sizes are unknown, or the input has no spatial axes')];
  if (instance && a.axis !== 1) return [stub('InstanceNorm over another axis than the channels (axis=1)')];
  const fixed = a.center === false && a.scale === false && a.gamma_initializer === 'ones' && a.beta_initializer === 'zeros';
  return [{ kind: 'groupnorm', groups, channels: ch, eps: a.epsilon, affine: !fixed }];
}

/** Gluon's PReLU: `in_channels` slopes along axis 1 (the channels of NCHW data). */
function prelu(v: LayerView): ReadResult {
  const n = v.args.in_channels;
  const input = v.inputs[0];
  if (typeof n !== 'number' || !input) return [stub('its size is unknown')];
  if (n !== 1 && input.length >= 3 && v.layout !== 'cf') return [stub('PReLU slopes along an axis that is not the channels')];
  return [{ kind: 'prelu', channels: n }];
}
