/**
 * Reads PyTorch layers, and the functional ops a forward applies (`F.relu(x)`, `x.view(...)`,
 * `torch.cat(...)`, recorded by the engine for ports), into port ops. Shapes arrive
 * channels-first; `read.ts` has already moved them to the neutral channels-last form.
 */
import type { PlainArg } from '../types';
import { intsOf, isNum, rnnOp, samePadding, type ActivationName, stub, type LayerView, type ReadResult } from './ir';

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
  if (t === 'Linear') {
    return typeof a.in_features === 'number' && typeof a.out_features === 'number' ? [{ kind: 'dense', units: a.out_features, inFeatures: a.in_features, bias: a.bias !== false }] : [stub('its sizes are unknown')];
  }
  if (/^(Max|Avg)Pool[123]d$/.test(t)) return pool(v, rank, t.startsWith('Max') ? 'max' : 'avg', a);
  if (t === 'Flatten') return a.start_dim === 1 && a.end_dim === -1 ? flatten(v) : [stub('a Flatten over other axes than 1..-1')];
  if (t === 'Dropout') return typeof a.p === 'number' ? [{ kind: 'dropout', rate: a.p }] : [stub('its rate is unknown')];
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

function recurrent(v: LayerView, cell: 'lstm' | 'gru' | 'rnn'): ReadResult {
  const a = v.args;
  if (typeof a.input_size !== 'number' || typeof a.hidden_size !== 'number' || typeof a.num_layers !== 'number' || typeof a.dropout !== 'number') return [stub('its sizes are unknown')];
  if (a.batch_first !== true) return [stub('batch_first=False (time-major) recurrent layers are not ported yet')];
  if (cell === 'rnn' && a.nonlinearity !== 'tanh') return [stub("nonlinearity='relu' has no Keras SimpleRNN default; set activation='relu' by hand")];
  if (a.proj_size) return [stub('proj_size (a projected LSTM) has no translation')];
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

/** Functional ops recorded in a forward. */
function readTorchOp(v: LayerView): ReadResult {
  const name = v.app.name;
  const a = v.args;
  const act = ACTIVATION_NAMES[name];
  if (act) return [{ kind: 'act', fn: act }];
  switch (name) {
    case 'softmax': case 'log_softmax': {
      const ops = softmax(v, a.dim);
      return name === 'log_softmax' && ops[0]?.kind === 'act' ? [{ kind: 'act', fn: 'log_softmax' }] : ops;
    }
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
    case 'add':
      return v.inputs.length === 2 ? [{ kind: 'add' }] : [stub('add with a scalar')];
    case 'dropout':
      return [stub('F.dropout depends on its training flag; use nn.Dropout')];
    default:
      return [stub(`${name}() is not in the port catalogue`)];
  }
}

/** `x.view(N, -1)` of a feature map is a flatten; a reshape between 2-D shapes keeps its meaning; others are not ported. */
function reshapeOp(v: LayerView): ReadResult {
  const input = v.inputs[0];
  const out = v.output;
  if (!input || !out) return [stub('a reshape of unknown shape')];
  if (out.length === 2 && input.length >= 2) return [{ kind: 'flatten', order: v.layout }];
  if (input.length <= 2 && out.slice(1).every(isNum)) return [{ kind: 'reshape', target: out.slice(1) as number[] }];
  return [stub('a reshape of a multi-axis tensor depends on the memory layout')];
}

function catOp(v: LayerView, dim: PlainArg | undefined): ReadResult {
  const rank = v.output?.length ?? 0;
  if (typeof dim !== 'number' || !rank || v.inputs.length < 2) return [stub('a concatenation of unknown axis')];
  let d = dim < 0 ? rank + dim : dim;
  if (v.layout === 'cf' && rank >= 3) d = d === 1 ? rank - 1 : d > 1 ? d - 1 : d;
  return [{ kind: 'concat', axis: d }];
}
